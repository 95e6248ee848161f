/* SPDX-License-Identifier: MIT */
/* Directory walking with fts(3), physical (never through a symlinked
 * directory, so no loops), then one sort of the whole list by path bytes so
 * the order never depends on readdir. Files below a PATH are chosen by
 * extension; files named on the command line are taken as they are (the
 * loader decides by content), except outputs of ours. */
#define _DEFAULT_SOURCE
#include "imgbatch/scan.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <fts.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* The formats libvips reads with a trusted loader. Its JPEG 2000, netpbm
 * and Radiance loaders are flagged untrusted in 8.14, so their files are
 * only read when named (and --allow-untrusted given); so is JPEG XL, but
 * that imgbatch writes, so a folder's .jxl files count under
 * --allow-untrusted. Vector formats count only when their loader is
 * turned on: a folder of PDFs is not a folder of images by default. */
static const char *const image_extensions[] = {"jpg",  "jpeg", "png", "webp",
                                               "tif",  "tiff", "gif", "heic",
                                               "heif", "avif", NULL};

static int extension_in(const char *ext, const char *const *list)
{
    for (const char *const *e = list; *e; e++)
        if (strcasecmp(ext, *e) == 0)
            return 1;
    return 0;
}

int ib_scan_has_image_extension(const char *name,
                                const struct ib_scan_options *opts)
{
    static const char *const svg[] = {"svg", "svgz", NULL};
    static const char *const pdf[] = {"pdf", NULL};
    static const char *const jxl[] = {"jxl", NULL};
    const char *dot = strrchr(name, '.');
    if (!dot || dot == name)
        return 0;
    return extension_in(dot + 1, image_extensions) ||
           (opts->allow_svg && extension_in(dot + 1, svg)) ||
           (opts->allow_pdf && extension_in(dot + 1, pdf)) ||
           (opts->allow_untrusted && extension_in(dot + 1, jxl));
}

static int is_hidden(const char *name)
{
    return name[0] == '.';
}

static int is_output_name(const char *name, const struct ib_scan_options *opts)
{
    for (int i = 0; i < opts->npatterns; i++)
        if (fnmatch(opts->output_patterns[i], name, FNM_PERIOD) == 0)
            return 1;
    return 0;
}

static long long mtime_ns(const struct stat *st)
{
    return (long long)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
}

void ib_list_init(struct ib_file_list *list)
{
    memset(list, 0, sizeof(*list));
    ib_arena_init(&list->strings);
}

void ib_list_free(struct ib_file_list *list)
{
    free(list->v);
    ib_arena_free(&list->strings);
    memset(list, 0, sizeof(*list));
}

static struct ib_entry *add_entry(struct ib_file_list *list, const char *path,
                                  size_t rel, enum ib_entry_state state,
                                  enum ib_entry_why why, int err)
{
    list->v = ib_xgrow(list->v, &list->cap, list->n + 1, sizeof(*list->v));
    struct ib_entry *e = &list->v[list->n++];
    memset(e, 0, sizeof(*e));
    e->path = ib_arena_store(&list->strings, path, strlen(path));
    e->rel = (unsigned)rel;
    e->state = (unsigned char)state;
    e->why = (unsigned char)why;
    e->err = err;
    return e;
}

static void add_input(struct ib_file_list *list, const char *path, size_t rel,
                      const struct stat *st)
{
    struct ib_entry *e =
        add_entry(list, path, rel, IB_ENTRY_INPUT, IB_WHY_NONE, 0);
    e->size = (long long)st->st_size;
    e->mtime_ns = mtime_ns(st);
}

/* A file that passed the name filters: keep it if it is (or links to) a
 * regular file; report it if it is something else or cannot be reached. */
static void add_file(struct ib_file_list *list, const char *path, size_t rel,
                     const struct stat *lst)
{
    struct stat st;
    if (S_ISLNK(lst->st_mode)) {
        if (stat(path, &st) != 0) {
            add_entry(list, path, rel, IB_ENTRY_ERROR, IB_WHY_STAT, errno);
            return;
        }
        if (S_ISDIR(st.st_mode))
            return; /* symlinked directories are never followed */
        lst = &st;
    }
    if (!S_ISREG(lst->st_mode)) {
        add_entry(list, path, rel, IB_ENTRY_ERROR, IB_WHY_NOT_REGULAR, 0);
        return;
    }
    add_input(list, path, rel, lst);
}

static size_t below_root(const char *path, size_t root_len)
{
    size_t i = root_len;
    while (path[i] == '/')
        i++;
    return i;
}

static int is_avoided(const FTSENT *e, const struct ib_scan_options *opts)
{
    return opts->avoid_ino && e->fts_statp->st_dev == opts->avoid_dev &&
           e->fts_statp->st_ino == opts->avoid_ino;
}

static void visit_directory(FTS *fts, FTSENT *e,
                            const struct ib_scan_options *opts)
{
    if (e->fts_level == FTS_ROOTLEVEL)
        return;
    if (!opts->recursive || is_hidden(e->fts_name) || is_avoided(e, opts))
        fts_set(fts, e, FTS_SKIP);
}

static void visit_entry(struct ib_file_list *list, FTS *fts, FTSENT *e,
                        size_t root_len, const struct ib_scan_options *opts)
{
    size_t rel = below_root(e->fts_path, root_len);
    switch (e->fts_info) {
    case FTS_D: visit_directory(fts, e, opts); return;
    case FTS_DNR:
        add_entry(list, e->fts_path, rel, IB_ENTRY_ERROR, IB_WHY_UNREADABLE_DIR,
                  e->fts_errno);
        return;
    case FTS_DC:
        add_entry(list, e->fts_path, rel, IB_ENTRY_ERROR, IB_WHY_DIR_CYCLE, 0);
        return;
    case FTS_DP: return;
    default: break;
    }
    if (is_hidden(e->fts_name) ||
        !ib_scan_has_image_extension(e->fts_name, opts) ||
        is_output_name(e->fts_name, opts))
        return;
    if (e->fts_info == FTS_NS || e->fts_info == FTS_ERR) {
        add_entry(list, e->fts_path, rel, IB_ENTRY_ERROR, IB_WHY_STAT,
                  e->fts_errno);
        return;
    }
    add_file(list, e->fts_path, rel, e->fts_statp);
}

static int walk_directory(struct ib_file_list *list, const char *root,
                          const struct ib_scan_options *opts)
{
    char *roots[] = {(char *)root, NULL};
    FTS *fts =
        fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR | FTS_COMFOLLOW, NULL);
    if (!fts)
        return -1;
    size_t root_len = strlen(root);
    FTSENT *e;
    while ((e = fts_read(fts)) != NULL)
        visit_entry(list, fts, e, root_len, opts);
    int saved = errno;
    fts_close(fts);
    errno = saved;
    return 0;
}

static size_t basename_offset(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash + 1 - path) : 0;
}

static void scan_file(struct ib_file_list *list, const char *path, size_t rel,
                      const struct ib_scan_options *opts)
{
    struct stat st;
    if (is_output_name(path + basename_offset(path), opts)) {
        add_entry(list, path, rel, IB_ENTRY_SKIPPED, IB_WHY_OUTPUT_NAME, 0);
        return;
    }
    if (lstat(path, &st) != 0) {
        add_entry(list, path, rel, IB_ENTRY_ERROR, IB_WHY_STAT, errno);
        return;
    }
    if (S_ISDIR(st.st_mode)) {
        add_entry(list, path, rel, IB_ENTRY_ERROR, IB_WHY_NOT_REGULAR, 0);
        return;
    }
    add_file(list, path, rel, &st);
}

void ib_scan_listed_file(struct ib_file_list *list, const char *path,
                         const struct ib_scan_options *opts)
{
    scan_file(list, path, basename_offset(path), opts);
}

/* 1 when a relative path climbs out of where it starts ("..", "a/../.."). */
static int has_parent_step(const char *path)
{
    for (const char *p = path; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return 1;
        p += n;
        p += *p == '/';
    }
    return 0;
}

void ib_scan_list_entry(struct ib_file_list *list, const char *path,
                        const struct ib_scan_options *opts)
{
    size_t rel = 0;
    while (path[rel] == '.' && path[rel + 1] == '/')
        rel += 2;
    if (path[0] == '/' || has_parent_step(path + rel))
        rel = basename_offset(path);
    scan_file(list, path, rel, opts);
}

int ib_scan_path(struct ib_file_list *list, const char *path,
                 const struct ib_scan_options *opts, char *err, size_t err_len)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, err_len, "%s", strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        ib_scan_listed_file(list, path, opts);
        return 0;
    }
    DIR *probe = opendir(path);
    if (!probe) {
        snprintf(err, err_len, "%s", strerror(errno));
        return -1;
    }
    closedir(probe);
    if (walk_directory(list, path, opts) != 0) {
        snprintf(err, err_len, "%s", strerror(errno));
        return -1;
    }
    return 0;
}

static int compare_paths(const void *a, const void *b)
{
    const struct ib_entry *x = a, *y = b;
    return strcmp(x->path, y->path);
}

void ib_list_finish(struct ib_file_list *list)
{
    if (list->n < 2)
        return;
    qsort(list->v, list->n, sizeof(*list->v), compare_paths);
    size_t kept = 1;
    for (size_t i = 1; i < list->n; i++)
        if (strcmp(list->v[i].path, list->v[kept - 1].path) != 0)
            list->v[kept++] = list->v[i];
    list->n = kept;
}

void ib_entry_reason(const struct ib_entry *e, char *buf, size_t len)
{
    switch (e->why) {
    case IB_WHY_OUTPUT_NAME:
        snprintf(buf, len, "named like an output of imgbatch");
        break;
    case IB_WHY_NOT_REGULAR: snprintf(buf, len, "not a regular file"); break;
    case IB_WHY_UP_TO_DATE: snprintf(buf, len, "up to date"); break;
    case IB_WHY_DRY_RUN: snprintf(buf, len, "dry run"); break;
    case IB_WHY_UNREADABLE_DIR:
        snprintf(buf, len, "cannot read directory: %s", strerror(e->err));
        break;
    case IB_WHY_STAT: snprintf(buf, len, "%s", strerror(e->err)); break;
    case IB_WHY_DIR_CYCLE: snprintf(buf, len, "directory cycle"); break;
    default: snprintf(buf, len, "%s", ""); break;
    }
}

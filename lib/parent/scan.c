/* SPDX-License-Identifier: MIT */
/* Directory walking, physical (never through a symlinked directory, so no
 * loops but a bind mount's, which is reported), then one sort of the whole
 * list by path bytes so the order never depends on readdir. Files below a
 * PATH are chosen by extension; files named on the command line are taken
 * as they are (the loader decides by content), except outputs of ours.
 *
 * The walk is our own, not fts(3): fts reads a directory whole into an
 * entry of about 290 bytes a name, stats every one, and keeps them until
 * the directory is done, so a folder of 100,000 files cost the parent 29
 * MB at its peak for a list that is then 6 MB. Here a directory's files go
 * into the list as they are read, only the names matching an image
 * extension are stat'ed, and only its subdirectories' names are kept
 * until it is closed and they are walked. */
#define _DEFAULT_SOURCE
#include "imgbatch/scan.h"

#include "imgbatch/buf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
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

/* ---- walking a directory ----------------------------------------------- */

/* One walk below a PATH: the path of the directory being read (its
 * children are appended and cut off again), and the directories it is
 * in, to tell a directory that contains itself (a bind mount). */
struct walk {
    struct ib_file_list *list;
    const struct ib_scan_options *opts;
    struct ib_buf path;
    size_t root_len;
    struct ancestor {
        dev_t dev;
        ino_t ino;
    } * up;
    size_t depth, up_cap;
};

static size_t below_root(const struct walk *w)
{
    size_t i = w->root_len;
    while (w->path.data[i] == '/')
        i++;
    return i;
}

static void walk_error(struct walk *w, enum ib_entry_why why, int err)
{
    add_entry(w->list, ib_buf_cstr(&w->path), below_root(w), IB_ENTRY_ERROR,
              why, err);
}

/* Appends "/name" to the path (one slash, even after a PATH that ends in
 * one); returns the length to cut back to. */
static size_t enter(struct walk *w, const char *name)
{
    size_t was = w->path.len;
    if (was == 0 || w->path.data[was - 1] != '/')
        ib_buf_putc(&w->path, '/');
    ib_buf_put_str(&w->path, name);
    return was;
}

static void leave(struct walk *w, size_t was)
{
    w->path.len = was;
    ib_buf_cstr(&w->path);
}

static int is_avoided(const struct ib_scan_options *opts, const struct stat *st)
{
    return opts->avoid_ino && st->st_dev == opts->avoid_dev &&
           st->st_ino == opts->avoid_ino;
}

/* A file in the directory open as dirfd: kept if its name says image and
 * it is (or links to) a regular file. */
static void visit_file(struct walk *w, int dirfd, const char *name)
{
    if (!ib_scan_has_image_extension(name, w->opts) ||
        is_output_name(name, w->opts))
        return;
    size_t was = enter(w, name);
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        walk_error(w, IB_WHY_STAT, errno);
    else
        add_file(w->list, ib_buf_cstr(&w->path), below_root(w), &st);
    leave(w, was);
}

/* Whether an entry is a directory to walk into: d_type when the file
 * system gives it, else lstat. A symlink never is. */
static int is_subdir(struct walk *w, int dirfd, const struct dirent *e)
{
    struct stat st;
    if (e->d_type != DT_DIR && e->d_type != DT_UNKNOWN)
        return 0;
    if (e->d_type == DT_DIR && !w->opts->avoid_ino)
        return 1;
    return fstatat(dirfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
           S_ISDIR(st.st_mode) && !is_avoided(w->opts, &st);
}

static void walk_dir(struct walk *w);

/* The subdirectories' names, NUL after each, walked once their parent is
 * closed: one directory open at a time, however deep. */
static void walk_subdirs(struct walk *w, const struct ib_buf *names)
{
    for (size_t at = 0; at < names->len;) {
        const char *name = (const char *)names->data + at;
        size_t was = enter(w, name);
        walk_dir(w);
        leave(w, was);
        at += strlen(name) + 1;
    }
}

/* Whether the directory open as fd is one it is in; else it is pushed. */
static int is_cycle(struct walk *w, int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0)
        return 0;
    for (size_t i = 0; i < w->depth; i++)
        if (w->up[i].dev == st.st_dev && w->up[i].ino == st.st_ino)
            return 1;
    w->up = ib_xgrow(w->up, &w->up_cap, w->depth + 1, sizeof(*w->up));
    w->up[w->depth++] = (struct ancestor){st.st_dev, st.st_ino};
    return 0;
}

/* The directory at w->path: its files into the list, then (with -r) its
 * subdirectories but hidden ones and the output tree. */
static void walk_dir(struct walk *w)
{
    DIR *d = opendir(ib_buf_cstr(&w->path));
    if (!d) {
        walk_error(w, IB_WHY_UNREADABLE_DIR, errno);
        return;
    }
    if (is_cycle(w, dirfd(d))) {
        closedir(d);
        walk_error(w, IB_WHY_DIR_CYCLE, 0);
        return;
    }
    struct ib_buf subdirs;
    ib_buf_init(&subdirs);
    for (struct dirent *e; (e = readdir(d));) {
        if (is_hidden(e->d_name)) /* "." and ".." too */
            continue;
        if (!is_subdir(w, dirfd(d), e))
            visit_file(w, dirfd(d), e->d_name);
        else if (w->opts->recursive)
            ib_buf_put(&subdirs, e->d_name, strlen(e->d_name) + 1);
    }
    closedir(d);
    walk_subdirs(w, &subdirs);
    ib_buf_free(&subdirs);
    w->depth--;
}

static int walk_directory(struct ib_file_list *list, const char *root,
                          const struct ib_scan_options *opts)
{
    struct walk w = {.list = list, .opts = opts, .root_len = strlen(root)};
    ib_buf_init(&w.path);
    ib_buf_put_str(&w.path, root);
    walk_dir(&w);
    ib_buf_free(&w.path);
    free(w.up);
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

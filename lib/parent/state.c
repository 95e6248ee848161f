/* SPDX-License-Identifier: MIT */
/* The state files of -u (see state.h). A file is text, one record a line:
 *
 *   imgbatch-state 2
 *   <fingerprint hex> <in size> <in mtime ns> <out size> <out mtime ns>
 *       <variant> <output> <input path>        (tab-separated, one line)
 *
 * with the output's path relative to the state file's folder, and the
 * names escaped (%XX for bytes below 0x21, '%' and 0x7f), so any name fits
 * on a line. Records are kept per folder in an array sorted by input and
 * variant; a run reads a folder's file the first time one of its outputs
 * is checked. A file of version 1 (one output per input, named in the
 * folder) is read as records of the variant "default", whose fingerprints
 * no longer match: the run redoes those outputs, as its own, and writes
 * version 2. A file of another version is read as empty.
 *
 * Under -u imgbatch replaces only files it made: a file at an output's
 * path that no record of the folder (of this shard's state file, or of
 * another's) names with its size and mtime is not its own, and is left
 * alone (IB_FRESH_NOT_OURS, IB_FRESH_OUTPUT_CHANGED), as --prune leaves
 * it. */
#define _DEFAULT_SOURCE
#include "state.h"

#include <dirent.h>
#include <errno.h>
#include <fts.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgbatch/alloc.h"
#include "imgbatch/buf.h"
#include "imgbatch/hash.h"
#include "imgbatch/tempfile.h"
#include "imgbatch/version.h"

#define HEADER "imgbatch-state 2"
#define HEADER_V1 "imgbatch-state 1"
#define FILE_NAME ".imgbatch-state"
/* out_size of a record of an output about to be made. */
#define INTENT (-1LL)

struct record {
    char *input;   /* input path as opened */
    char *variant; /* the rendition's */
    char *output;  /* relative to the folder of the state file */
    uint64_t fingerprint;
    long long in_size, in_mtime_ns, out_size, out_mtime_ns;
};

struct dir_state {
    char *dir;
    struct record *v;
    size_t n, cap;
    int dirty;
    /* The records of the folder's other state files (other shards), read
     * the first time a file there is not found in v: they own files too. */
    struct dir_state *others;
    int existed; /* its state file was there to read */
};

struct ib_state {
    char file_name[64];
    struct dir_state *dirs;
    size_t ndirs, cap;
    struct ib_buf scratch;
};

const char *ib_freshness_text(enum ib_freshness f)
{
    switch (f) {
    case IB_FRESH_UP_TO_DATE: return "up to date";
    case IB_FRESH_NEW: return "new";
    case IB_FRESH_INPUT_CHANGED: return "input changed";
    case IB_FRESH_SETTINGS_CHANGED: return "settings changed";
    case IB_FRESH_REPLACES: return "replaces the output";
    case IB_FRESH_NOT_OURS: return "not made by imgbatch";
    default: return "output changed";
    }
}

/* ---- fingerprint ------------------------------------------------------- */

uint64_t ib_rendition_fingerprint(const struct ib_settings *s,
                                  const struct ib_rendition *r)
{
    char geometry[64];
    ib_geometry_format(&r->geometry, geometry, sizeof(geometry));
    const struct ib_colour *c = &s->colour;
    const struct ib_encoder *e = &r->encoder;
    const double *bg = r->background.rgb;
    char text[1600];
    snprintf(text, sizeof(text),
             "imgbatch %s vips %s|%s|fit %d|gravity %d %g %g|fmt %d|q %d|"
             "rot %d|page %d|bg %g %g %g %d|meta %d|enlarge %d|name %s|"
             "prefix %s|in %s|out %s|intent %d|keep %d|lin %d|"
             "jpeg %d %d %d|png %d %d|webp %d %d %d|avif %d|"
             "budget %lld %d|skip-larger %d|sharpen %g",
             IMGBATCH_VERSION, IMGBATCH_VIPS_BUILD_VERSION, geometry,
             (int)r->fit, (int)r->gravity.kind, r->gravity.x, r->gravity.y,
             (int)r->format, r->quality, s->no_rotate, s->page, bg[0], bg[1],
             bg[2], r->background.given, (int)r->keep_metadata, r->no_enlarge,
             r->name ? r->name : "-", r->prefix,
             c->input_profile ? c->input_profile : "-",
             c->output_profile ? c->output_profile : "-", (int)c->intent,
             c->keep_profile, c->linear, e->jpeg_progressive, e->jpeg_optimize,
             (int)e->jpeg_subsample, e->png_compression, e->png_palette,
             e->webp_lossless, e->webp_near_lossless, e->webp_effort,
             e->avif_effort, r->max_bytes, r->max_bytes ? r->min_quality : 0,
             r->skip_larger, r->sharpen);
    return ib_fnv1a_str(text);
}

/* ---- names on one line ------------------------------------------------- */

static void put_escaped(struct ib_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p <= ' ' || *p == '%' || *p == 0x7f) {
            ib_buf_putc(b, '%');
            ib_buf_putc(b, hex[*p >> 4]);
            ib_buf_putc(b, hex[*p & 15]);
        } else {
            ib_buf_putc(b, (char)*p);
        }
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Unescapes in place; -1 on a malformed escape. */
static int unescape(char *s)
{
    char *out = s;
    for (char *p = s; *p; p++) {
        if (*p != '%') {
            *out++ = *p;
            continue;
        }
        int hi = hex_value(p[1]), lo = hi < 0 ? -1 : hex_value(p[2]);
        if (lo < 0 || (hi == 0 && lo == 0))
            return -1;
        *out++ = (char)(hi * 16 + lo);
        p += 2;
    }
    *out = '\0';
    return 0;
}

/* ---- one folder -------------------------------------------------------- */

static int by_key(const void *a, const void *b)
{
    const struct record *x = a, *y = b;
    int c = strcmp(x->input, y->input);
    return c ? c : strcmp(x->variant, y->variant);
}

static struct record *find(struct dir_state *d, const char *input,
                           const char *variant)
{
    struct record key = {.input = (char *)input, .variant = (char *)variant};
    return d->n ? bsearch(&key, d->v, d->n, sizeof(*d->v), by_key) : NULL;
}

static void put_joined(struct ib_buf *out, const char *dir, const char *rel);

static void path_of(struct ib_state *st, const struct dir_state *d)
{
    ib_buf_reset(&st->scratch);
    ib_buf_put_str(&st->scratch, d->dir);
    ib_buf_putc(&st->scratch, '/');
    ib_buf_put_str(&st->scratch, st->file_name);
}

#define FIELDS 8

/* A record of version 2, or of version 1 (no variant: nfields 7). */
static int parse_record(char *line, int nfields, struct record *r)
{
    char *fields[FIELDS];
    for (int i = 0; i < nfields; i++) {
        fields[i] = line;
        line = i < nfields - 1 ? strchr(line, '\t') : NULL;
        if (i < nfields - 1 && !line)
            return -1;
        if (line)
            *line++ = '\0';
    }
    char *end;
    r->fingerprint = strtoull(fields[0], &end, 16);
    r->in_size = strtoll(fields[1], NULL, 10);
    r->in_mtime_ns = strtoll(fields[2], NULL, 10);
    r->out_size = strtoll(fields[3], NULL, 10);
    r->out_mtime_ns = strtoll(fields[4], NULL, 10);
    for (int i = 5; i < nfields; i++)
        if (unescape(fields[i]) || !fields[i][0])
            return -1;
    if (*end)
        return -1;
    int at = nfields - 3;
    r->variant = ib_xstrdup(nfields == FIELDS ? fields[5] : "default");
    r->output = ib_xstrdup(fields[at + 1]);
    r->input = ib_xstrdup(fields[at + 2]);
    return 0;
}

static void free_record(struct record *r)
{
    free(r->input);
    free(r->variant);
    free(r->output);
}

static void push(struct dir_state *d, const struct record *r)
{
    d->v = ib_xgrow(d->v, &d->cap, d->n + 1, sizeof(*d->v));
    d->v[d->n++] = *r;
}

/* Reads the records of the state file at path into d. A missing or
 * unreadable file is an empty state: everything is new. */
static void read_records(const char *path, struct dir_state *d)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    d->existed = 1;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int nfields = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[n - 1] = '\0';
        if (!nfields) {
            nfields = strcmp(line, HEADER) == 0      ? FIELDS
                      : strcmp(line, HEADER_V1) == 0 ? FIELDS - 1
                                                     : -1;
            if (nfields < 0)
                break; /* another version: start afresh */
            continue;
        }
        struct record r;
        if (parse_record(line, nfields, &r) == 0)
            push(d, &r);
    }
    free(line);
    fclose(f);
    /* A file with no record (all pruned) leaves v NULL: qsort may not be
     * given it. */
    if (d->n > 1)
        qsort(d->v, d->n, sizeof(*d->v), by_key);
}

static void load(struct ib_state *st, struct dir_state *d)
{
    path_of(st, d);
    read_records(ib_buf_cstr(&st->scratch), d);
}

/* The records of the folder's state files but this run's own: those of
 * other shards (or of none), which may have made a file this run finds. */
static void load_others(struct ib_state *st, struct dir_state *d)
{
    d->others = ib_xcalloc(1, sizeof(*d->others));
    DIR *dir = opendir(d->dir);
    for (struct dirent *de; dir && (de = readdir(dir));) {
        const char *name = de->d_name;
        if (strncmp(name, FILE_NAME, strlen(FILE_NAME)) != 0 ||
            strcmp(name, st->file_name) == 0 ||
            (name[strlen(FILE_NAME)] && name[strlen(FILE_NAME)] != '.'))
            continue;
        put_joined(&st->scratch, d->dir, name);
        read_records(ib_buf_cstr(&st->scratch), d->others);
    }
    if (dir)
        closedir(dir);
}

static struct dir_state *dir_state(struct ib_state *st, const char *dir,
                                   size_t len)
{
    /* The list is sorted, so the folder is nearly always the last one
     * used: search from the end. */
    for (size_t i = st->ndirs; i-- > 0;)
        if (strlen(st->dirs[i].dir) == len &&
            memcmp(st->dirs[i].dir, dir, len) == 0)
            return &st->dirs[i];
    st->dirs = ib_xgrow(st->dirs, &st->cap, st->ndirs + 1, sizeof(*st->dirs));
    struct dir_state *d = &st->dirs[st->ndirs++];
    memset(d, 0, sizeof(*d));
    d->dir = ib_xmalloc(len + 1);
    memcpy(d->dir, dir, len);
    d->dir[len] = '\0';
    load(st, d);
    return d;
}

static struct dir_state *dir_named(struct ib_state *st, const char *dir)
{
    return dir_state(st, dir, strlen(dir));
}

/* ---- paths relative to a folder ---------------------------------------- */

/* The next component of *p (skipping "." ones and slashes): its length,
 * *p moved past it; 0 at the end. */
static size_t next_component(const char **p, const char **start)
{
    for (;;) {
        while (**p == '/')
            (*p)++;
        *start = *p;
        size_t n = strcspn(*p, "/");
        *p += n;
        if (n != 1 || **start != '.')
            return n;
    }
}

/* path relative to dir (both relative to one place, or both absolute):
 * up out of dir as far as they differ, then down. */
static void put_relative(struct ib_buf *out, const char *dir, const char *path)
{
    const char *d = dir, *p = path, *ds, *ps;
    size_t dn, pn;
    const char *rest = path;
    for (;;) {
        const char *d_at = d, *p_at = p;
        dn = next_component(&d, &ds);
        pn = next_component(&p, &ps);
        if (dn == 0 || dn != pn || memcmp(ds, ps, dn) != 0) {
            d = d_at;
            rest = p_at;
            break;
        }
    }
    ib_buf_reset(out);
    while (next_component(&d, &ds))
        ib_buf_put_str(out, "../");
    while (*rest == '/' || (rest[0] == '.' && rest[1] == '/'))
        rest += rest[0] == '.' ? 2 : 1;
    ib_buf_put_str(out, rest);
    ib_buf_cstr(out);
}

static void put_joined(struct ib_buf *out, const char *dir, const char *rel)
{
    ib_buf_reset(out);
    ib_buf_put_str(out, dir);
    ib_buf_putc(out, '/');
    ib_buf_put_str(out, rel);
    ib_buf_cstr(out);
}

/* ---- the state --------------------------------------------------------- */

struct ib_state *ib_state_new(const struct ib_shard *shard)
{
    struct ib_state *st = ib_xcalloc(1, sizeof(*st));
    if (shard && shard->count > 1)
        snprintf(st->file_name, sizeof(st->file_name), FILE_NAME ".%u-of-%u",
                 shard->index, shard->count);
    else
        snprintf(st->file_name, sizeof(st->file_name), FILE_NAME);
    ib_buf_init(&st->scratch);
    return st;
}

static void free_records(struct dir_state *d)
{
    for (size_t j = 0; j < d->n; j++)
        free_record(&d->v[j]);
    free(d->v);
}

void ib_state_free(struct ib_state *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->ndirs; i++) {
        struct dir_state *d = &st->dirs[i];
        free_records(d);
        if (d->others)
            free_records(d->others);
        free(d->others);
        free(d->dir);
    }
    free(st->dirs);
    ib_buf_free(&st->scratch);
    free(st);
}

static long long mtime_ns(const struct stat *s)
{
    return (long long)s->st_mtim.tv_sec * 1000000000LL + s->st_mtim.tv_nsec;
}

/* Whether r names the file at rel, as st. An intent (ib_state_intend)
 * names whatever is there. */
static int names_file(const struct record *r, const char *rel,
                      const struct stat *st)
{
    return strcmp(r->output, rel) == 0 &&
           (r->out_size == INTENT || (r->out_size == (long long)st->st_size &&
                                      r->out_mtime_ns == mtime_ns(st)));
}

static int any_names_file(const struct dir_state *d, const char *rel,
                          const struct stat *st)
{
    for (size_t i = 0; i < d->n; i++)
        if (names_file(&d->v[i], rel, st))
            return 1;
    return 0;
}

/* Whether the file at rel (below d), as st, is one imgbatch made: its own
 * record says so (the usual case), or another record of the folder's
 * state files, this shard's or another's (a file of two renditions, or of
 * a run with another --shard), does. */
static int is_ours(struct ib_state *st, struct dir_state *d,
                   const struct record *r, const char *rel,
                   const struct stat *out)
{
    if ((r && names_file(r, rel, out)) || any_names_file(d, rel, out))
        return 1;
    if (!d->others)
        load_others(st, d);
    return any_names_file(d->others, rel, out);
}

static enum ib_freshness check(struct ib_state *st, struct dir_state *d,
                               const struct record *r, const struct ib_entry *e,
                               uint64_t fingerprint, const char *output,
                               struct ib_buf *rel)
{
    struct stat out;
    if (output) {
        put_relative(rel, d->dir, output);
        if (stat(output, &out) == 0 &&
            !is_ours(st, d, r, ib_buf_cstr(rel), &out))
            return r && strcmp(r->output, ib_buf_cstr(rel)) == 0
                       ? IB_FRESH_OUTPUT_CHANGED
                       : IB_FRESH_NOT_OURS;
    }
    if (!r)
        return IB_FRESH_NEW;
    put_joined(&st->scratch, d->dir, r->output);
    if (stat(ib_buf_cstr(&st->scratch), &out) != 0)
        return IB_FRESH_NEW;
    if (r->fingerprint != fingerprint ||
        (output && strcmp(ib_buf_cstr(rel), r->output) != 0))
        return IB_FRESH_SETTINGS_CHANGED;
    if (r->in_size != e->size || r->in_mtime_ns != e->mtime_ns)
        return IB_FRESH_INPUT_CHANGED;
    /* A name known only once made: its file, changed since. (A known
     * name's was judged above.) */
    if (!output && (r->out_size != (long long)out.st_size ||
                    r->out_mtime_ns != mtime_ns(&out)))
        return IB_FRESH_OUTPUT_CHANGED;
    return IB_FRESH_UP_TO_DATE;
}

enum ib_freshness ib_state_check(struct ib_state *st, const char *dir,
                                 const struct ib_entry *e, const char *variant,
                                 uint64_t fingerprint, const char *output)
{
    struct dir_state *d = dir_named(st, dir);
    struct ib_buf rel;
    ib_buf_init(&rel);
    enum ib_freshness f =
        check(st, d, find(d, e->path, variant), e, fingerprint, output, &rel);
    ib_buf_free(&rel);
    return f;
}

int ib_freshness_refused(enum ib_freshness f)
{
    return f == IB_FRESH_NOT_OURS || f == IB_FRESH_OUTPUT_CHANGED;
}

/* The record of e's variant in d, made if there is none. */
static struct record *record_of(struct dir_state *d, const struct ib_entry *e,
                                const char *variant)
{
    struct record *r = find(d, e->path, variant);
    if (r)
        return r;
    struct record fresh = {.input = ib_xstrdup(e->path),
                           .variant = ib_xstrdup(variant)};
    push(d, &fresh);
    qsort(d->v, d->n, sizeof(*d->v), by_key);
    return find(d, e->path, variant);
}

void ib_state_intend(struct ib_state *st, const char *dir,
                     const struct ib_entry *e, const char *variant,
                     const char *output)
{
    struct dir_state *d = dir_named(st, dir);
    struct record *r = record_of(d, e, variant);
    put_relative(&st->scratch, d->dir, output);
    free(r->output);
    r->output = ib_xstrdup(ib_buf_cstr(&st->scratch));
    /* Matches no settings and no input: the next run redoes it. */
    r->fingerprint = 0;
    r->in_size = r->in_mtime_ns = INTENT;
    r->out_size = r->out_mtime_ns = INTENT;
    d->dirty = 1;
}

void ib_state_record(struct ib_state *st, const char *dir,
                     const struct ib_entry *e, const char *variant,
                     uint64_t fingerprint, const char *output)
{
    struct dir_state *d = dir_named(st, dir);
    struct stat out;
    if (stat(output, &out) != 0)
        return;
    struct record *r = find(d, e->path, variant);
    if (!r) {
        struct record fresh = {.input = ib_xstrdup(e->path),
                               .variant = ib_xstrdup(variant)};
        push(d, &fresh);
        qsort(d->v, d->n, sizeof(*d->v), by_key);
        r = find(d, e->path, variant);
    }
    put_relative(&st->scratch, d->dir, output);
    free(r->output);
    r->output = ib_xstrdup(ib_buf_cstr(&st->scratch));
    r->fingerprint = fingerprint;
    r->in_size = e->size;
    r->in_mtime_ns = e->mtime_ns;
    r->out_size = (long long)out.st_size;
    r->out_mtime_ns = mtime_ns(&out);
    d->dirty = 1;
}

void ib_state_keep_up(struct ib_state *st, const char *dir,
                      const struct ib_entry *e, const char *variant,
                      uint64_t fingerprint, const char *output)
{
    if (dir_named(st, dir)->existed)
        ib_state_record(st, dir, e, variant, fingerprint, output);
}

/* ---- prune ------------------------------------------------------------- */

static int is_made(const char *variant, const char *const *variants, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(variant, variants[i]) == 0)
            return 1;
    return 0;
}

struct pruner {
    const char *const *variants;
    int nvariants;
    void (*on_pruned)(void *ctx, const char *output, const char *input,
                      const char *why);
    void *ctx;
    struct ib_buf path;
};

/* Why record r's output goes, or NULL: its input is gone, or its variant
 * is no longer made. */
static const char *prune_reason(const struct pruner *p, const struct record *r)
{
    struct stat in;
    if (lstat(r->input, &in) != 0 && errno == ENOENT)
        return "its input is gone";
    if (!is_made(r->variant, p->variants, p->nvariants))
        return "its variant is no longer made";
    return NULL;
}

/* Removes the records (and outputs) that prune_reason names. */
static size_t prune_dir(struct pruner *p, struct dir_state *d)
{
    size_t kept = 0, removed = 0;
    for (size_t i = 0; i < d->n; i++) {
        struct record *r = &d->v[i];
        const char *why = prune_reason(p, r);
        if (!why) {
            d->v[kept++] = *r;
            continue;
        }
        put_joined(&p->path, d->dir, r->output);
        const char *path = ib_buf_cstr(&p->path);
        struct stat o;
        if (stat(path, &o) == 0 && (long long)o.st_size == r->out_size &&
            mtime_ns(&o) == r->out_mtime_ns && unlink(path) == 0) {
            removed++;
            if (p->on_pruned)
                p->on_pruned(p->ctx, path, r->input, why);
        }
        free_record(r);
        d->dirty = 1;
    }
    d->n = kept;
    return removed;
}

size_t ib_state_prune(struct ib_state *st, const char *root,
                      const char *const *variants, int nvariants,
                      void (*on_pruned)(void *ctx, const char *output,
                                        const char *input, const char *why),
                      void *ctx)
{
    char *roots[] = {(char *)root, NULL};
    FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
    if (!fts)
        return 0;
    struct pruner p = {variants, nvariants, on_pruned, ctx, {0}};
    ib_buf_init(&p.path);
    size_t removed = 0;
    FTSENT *e;
    while ((e = fts_read(fts))) {
        if (e->fts_info != FTS_F || strcmp(e->fts_name, st->file_name) != 0)
            continue;
        /* fts_name is a copy, not a pointer into fts_path. */
        size_t len = e->fts_pathlen - e->fts_namelen;
        removed += prune_dir(&p, dir_state(st, e->fts_path, len ? len - 1 : 0));
    }
    fts_close(fts);
    ib_buf_free(&p.path);
    return removed;
}

/* ---- saving ------------------------------------------------------------ */

static int save_dir(struct ib_state *st, struct dir_state *d)
{
    struct ib_buf text;
    ib_buf_init(&text);
    ib_buf_put_str(&text, HEADER "\n");
    for (size_t i = 0; i < d->n; i++) {
        const struct record *r = &d->v[i];
        char nums[160];
        snprintf(nums, sizeof(nums), "%016" PRIx64 "\t%lld\t%lld\t%lld\t%lld\t",
                 r->fingerprint, r->in_size, r->in_mtime_ns, r->out_size,
                 r->out_mtime_ns);
        ib_buf_put_str(&text, nums);
        put_escaped(&text, r->variant);
        ib_buf_putc(&text, '\t');
        put_escaped(&text, r->output);
        ib_buf_putc(&text, '\t');
        put_escaped(&text, r->input);
        ib_buf_putc(&text, '\n');
    }
    path_of(st, d);
    int rc =
        ib_write_file_atomic(ib_buf_cstr(&st->scratch), text.data, text.len);
    int saved = errno;
    ib_buf_free(&text);
    errno = saved;
    return rc;
}

int ib_state_save(struct ib_state *st)
{
    int rc = 0, err = 0;
    for (size_t i = 0; i < st->ndirs; i++) {
        if (!st->dirs[i].dirty)
            continue;
        if (save_dir(st, &st->dirs[i]) != 0) {
            rc = -1;
            err = errno;
        }
        st->dirs[i].dirty = 0;
    }
    errno = err;
    return rc;
}

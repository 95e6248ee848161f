/* SPDX-License-Identifier: MIT */
/* The state files of -u (see state.h). A file is text, one record a line:
 *
 *   imgbatch-state 1
 *   <fingerprint hex> <in size> <in mtime ns> <out size> <out mtime ns>
 *       <output name> <input path>          (tab-separated, one line)
 *
 * with the two names escaped (%XX for bytes below 0x21, '%' and 0x7f), so
 * any name fits on a line. Records are kept per directory in an array
 * sorted by output name; a run reads a directory's file the first time one
 * of its outputs is checked. */
#define _DEFAULT_SOURCE
#include "state.h"

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

struct record {
    char *name;  /* output file name, no directory */
    char *input; /* input path as opened */
    uint64_t fingerprint;
    long long in_size, in_mtime_ns, out_size, out_mtime_ns;
};

struct dir_state {
    char *dir;
    struct record *v;
    size_t n, cap;
    int dirty;
};

struct ib_state {
    uint64_t fingerprint;
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
    default: return "output changed";
    }
}

/* ---- fingerprint ------------------------------------------------------- */

uint64_t ib_settings_fingerprint(const struct ib_settings *s)
{
    char geometry[64];
    ib_geometry_format(&s->geometry, geometry, sizeof(geometry));
    const struct ib_colour *c = &s->colour;
    const struct ib_encoder *e = &s->encoder;
    char text[1024];
    snprintf(text, sizeof(text),
             "imgbatch %s vips %s|%s|crop %d|fmt %d|q %d|rot %d|page %d|"
             "bg %g %g %g|meta %d|in %s|out %s|intent %d|keep %d|lin %d|"
             "jpeg %d %d %d|png %d %d|webp %d %d %d|avif %d",
             IMGBATCH_VERSION, IMGBATCH_VIPS_BUILD_VERSION, geometry,
             (int)s->crop, (int)s->format, s->quality, s->no_rotate, s->page,
             s->background[0], s->background[1], s->background[2],
             s->keep_metadata, c->input_profile ? c->input_profile : "-",
             c->output_profile ? c->output_profile : "-", (int)c->intent,
             c->keep_profile, c->linear, e->jpeg_progressive, e->jpeg_optimize,
             (int)e->jpeg_subsample, e->png_compression, e->png_palette,
             e->webp_lossless, e->webp_near_lossless, e->webp_effort,
             e->avif_effort);
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

/* ---- one directory ----------------------------------------------------- */

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct record *)a)->name,
                  ((const struct record *)b)->name);
}

static struct record *find(struct dir_state *d, const char *name)
{
    struct record key = {.name = (char *)name};
    return d->n ? bsearch(&key, d->v, d->n, sizeof(*d->v), by_name) : NULL;
}

static void path_of(struct ib_state *st, const struct dir_state *d)
{
    ib_buf_reset(&st->scratch);
    ib_buf_put_str(&st->scratch, d->dir);
    ib_buf_putc(&st->scratch, '/');
    ib_buf_put_str(&st->scratch, st->file_name);
}

static int parse_record(char *line, struct record *r)
{
    char *fields[7];
    for (int i = 0; i < 7; i++) {
        fields[i] = line;
        line = i < 6 ? strchr(line, '\t') : NULL;
        if (i < 6 && !line)
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
    if (*end || unescape(fields[5]) || unescape(fields[6]) || !fields[5][0])
        return -1;
    r->name = ib_xstrdup(fields[5]);
    r->input = ib_xstrdup(fields[6]);
    return 0;
}

static void push(struct dir_state *d, const struct record *r)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? 2 * d->cap : 16;
        d->v = ib_xrealloc(d->v, d->cap * sizeof(*d->v));
    }
    d->v[d->n++] = *r;
}

/* A missing or unreadable file is an empty state: everything is new. */
static void load(struct ib_state *st, struct dir_state *d)
{
    path_of(st, d);
    FILE *f = fopen(ib_buf_cstr(&st->scratch), "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int first = 1;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[n - 1] = '\0';
        if (first) {
            first = 0;
            if (strcmp(line, "imgbatch-state 1") != 0)
                break; /* another version: start afresh */
            continue;
        }
        struct record r;
        if (parse_record(line, &r) == 0)
            push(d, &r);
    }
    free(line);
    fclose(f);
    /* A file with no record (all pruned) leaves v NULL: qsort may not be
     * given it. */
    if (d->n > 1)
        qsort(d->v, d->n, sizeof(*d->v), by_name);
}

static struct dir_state *dir_for(struct ib_state *st, const char *output,
                                 const char **name)
{
    const char *slash = strrchr(output, '/');
    size_t len = slash ? (size_t)(slash - output) : 1;
    const char *dir = slash ? output : ".";
    *name = slash ? slash + 1 : output;
    /* The list is sorted, so the directory is nearly always the last one
     * used: search from the end. */
    for (size_t i = st->ndirs; i-- > 0;)
        if (strlen(st->dirs[i].dir) == len &&
            memcmp(st->dirs[i].dir, dir, len) == 0)
            return &st->dirs[i];
    if (st->ndirs == st->cap) {
        st->cap = st->cap ? 2 * st->cap : 8;
        st->dirs = ib_xrealloc(st->dirs, st->cap * sizeof(*st->dirs));
    }
    struct dir_state *d = &st->dirs[st->ndirs++];
    memset(d, 0, sizeof(*d));
    d->dir = ib_xmalloc(len + 1);
    memcpy(d->dir, dir, len);
    d->dir[len] = '\0';
    load(st, d);
    return d;
}

/* ---- the state --------------------------------------------------------- */

struct ib_state *ib_state_new(uint64_t fingerprint,
                              const struct ib_shard *shard)
{
    struct ib_state *st = ib_xcalloc(1, sizeof(*st));
    st->fingerprint = fingerprint;
    if (shard && shard->count > 1)
        snprintf(st->file_name, sizeof(st->file_name),
                 ".imgbatch-state.%u-of-%u", shard->index, shard->count);
    else
        snprintf(st->file_name, sizeof(st->file_name), ".imgbatch-state");
    ib_buf_init(&st->scratch);
    return st;
}

void ib_state_free(struct ib_state *st)
{
    if (!st)
        return;
    for (size_t i = 0; i < st->ndirs; i++) {
        struct dir_state *d = &st->dirs[i];
        for (size_t j = 0; j < d->n; j++) {
            free(d->v[j].name);
            free(d->v[j].input);
        }
        free(d->v);
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

enum ib_freshness ib_state_check(struct ib_state *st, const struct ib_entry *e,
                                 const char *output)
{
    const char *name;
    struct dir_state *d = dir_for(st, output, &name);
    struct record *r = find(d, name);
    struct stat out;
    if (!r || stat(output, &out) != 0)
        return IB_FRESH_NEW;
    if (r->fingerprint != st->fingerprint)
        return IB_FRESH_SETTINGS_CHANGED;
    if (r->in_size != e->size || r->in_mtime_ns != e->mtime_ns ||
        strcmp(r->input, e->path) != 0)
        return IB_FRESH_INPUT_CHANGED;
    if (r->out_size != (long long)out.st_size ||
        r->out_mtime_ns != mtime_ns(&out))
        return IB_FRESH_OUTPUT_CHANGED;
    return IB_FRESH_UP_TO_DATE;
}

void ib_state_record(struct ib_state *st, const struct ib_entry *e,
                     const char *output)
{
    const char *name;
    struct dir_state *d = dir_for(st, output, &name);
    struct stat out;
    if (stat(output, &out) != 0)
        return;
    struct record *r = find(d, name);
    if (!r) {
        struct record fresh = {.name = ib_xstrdup(name)};
        push(d, &fresh);
        qsort(d->v, d->n, sizeof(*d->v), by_name);
        r = find(d, name);
    }
    free(r->input);
    r->input = ib_xstrdup(e->path);
    r->fingerprint = st->fingerprint;
    r->in_size = e->size;
    r->in_mtime_ns = e->mtime_ns;
    r->out_size = (long long)out.st_size;
    r->out_mtime_ns = mtime_ns(&out);
    d->dirty = 1;
}

/* Removes the records (and outputs) of inputs that are gone. */
static size_t prune_dir(struct ib_state *st, struct dir_state *d,
                        void (*on_pruned)(void *, const char *, const char *),
                        void *ctx)
{
    size_t kept = 0, removed = 0;
    struct ib_buf out;
    ib_buf_init(&out);
    for (size_t i = 0; i < d->n; i++) {
        struct record *r = &d->v[i];
        struct stat in, o;
        if (lstat(r->input, &in) == 0 || errno != ENOENT) {
            d->v[kept++] = *r;
            continue;
        }
        ib_buf_reset(&out);
        ib_buf_put_str(&out, d->dir);
        ib_buf_putc(&out, '/');
        ib_buf_put_str(&out, r->name);
        const char *path = ib_buf_cstr(&out);
        if (stat(path, &o) == 0 && (long long)o.st_size == r->out_size &&
            mtime_ns(&o) == r->out_mtime_ns && unlink(path) == 0) {
            removed++;
            if (on_pruned)
                on_pruned(ctx, path, r->input);
        }
        free(r->name);
        free(r->input);
        d->dirty = 1;
    }
    d->n = kept;
    ib_buf_free(&out);
    (void)st;
    return removed;
}

size_t ib_state_prune(struct ib_state *st, const char *root,
                      void (*on_pruned)(void *ctx, const char *output,
                                        const char *input),
                      void *ctx)
{
    char *roots[] = {(char *)root, NULL};
    FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
    if (!fts)
        return 0;
    size_t removed = 0;
    FTSENT *e;
    while ((e = fts_read(fts))) {
        if (e->fts_info != FTS_F || strcmp(e->fts_name, st->file_name) != 0)
            continue;
        const char *name;
        struct dir_state *d = dir_for(st, e->fts_path, &name);
        removed += prune_dir(st, d, on_pruned, ctx);
    }
    fts_close(fts);
    return removed;
}

static int save_dir(struct ib_state *st, struct dir_state *d)
{
    struct ib_buf text;
    ib_buf_init(&text);
    ib_buf_put_str(&text, "imgbatch-state 1\n");
    for (size_t i = 0; i < d->n; i++) {
        const struct record *r = &d->v[i];
        char nums[160];
        snprintf(nums, sizeof(nums), "%016" PRIx64 "\t%lld\t%lld\t%lld\t%lld\t",
                 r->fingerprint, r->in_size, r->in_mtime_ns, r->out_size,
                 r->out_mtime_ns);
        ib_buf_put_str(&text, nums);
        put_escaped(&text, r->name);
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

/* SPDX-License-Identifier: MIT */
/* The parent's side of --golden (goldens.h). */
#define _DEFAULT_SOURCE
#include "goldens.h"

#include <errno.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diffpage.h"
#include "imgbatch/alloc.h"
#include "imgbatch/buf.h"
#include "imgbatch/tempfile.h"

struct items {
    struct ib_diff_item *v;
    size_t n, cap;
};

struct ib_goldens {
    const struct ib_settings *s;
    struct ib_arena names; /* every string below lives here */
    const char **noted;    /* the goldens outputs map to */
    size_t nnoted, noted_cap;
    /* For the page: */
    struct items mismatches, missing;
    const char **orphans;
    size_t norphans, orphans_cap;
    int orphans_sought;
};

/* The names of the pictures a run writes into --diff-dir end so. */
static int is_picture(const char *name)
{
    static const char *const suffixes[] = {".expected.png", ".actual.png",
                                           ".diff.png", ".sbs.png"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t k = strlen(suffixes[i]);
        if (n > k && strcmp(name + n - k, suffixes[i]) == 0)
            return 1;
    }
    return 0;
}

/* A folder by its identity, to know it again whatever the path. */
struct folder {
    int known;
    dev_t dev;
    ino_t ino;
};

static struct folder folder_of(const char *path)
{
    struct stat st;
    struct folder f = {0, 0, 0};
    if (path && stat(path, &st) == 0)
        f = (struct folder){1, st.st_dev, st.st_ino};
    return f;
}

static int is_folder(const struct stat *st, const struct folder *f)
{
    return f->known && st->st_dev == f->dev && st->st_ino == f->ino;
}

/* --diff-dir: an earlier run's pictures go before this run writes any, so
 * that the folder (often kept as a CI artefact) shows this run's cases
 * only, whatever the earlier one failed on. Only files named as pictures
 * go, and none below the golden or the output folder should either lie
 * inside it. Not under -n (nothing changes), nor under --shard, where the
 * other shards may be writing theirs. */
static void clear_pictures(const struct ib_settings *s)
{
    if (!s->diff_dir || s->dry_run || s->shard.count > 1)
        return;
    struct folder golden = folder_of(s->golden_dir);
    struct folder out = folder_of(s->outdir);
    char *roots[] = {(char *)s->diff_dir, NULL};
    FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
    if (!fts)
        return;
    FTSENT *e;
    while ((e = fts_read(fts))) {
        if (e->fts_info == FTS_D &&
            (is_folder(e->fts_statp, &golden) || is_folder(e->fts_statp, &out)))
            fts_set(fts, e, FTS_SKIP);
        else if (e->fts_info == FTS_F && is_picture(e->fts_name))
            unlink(e->fts_path);
    }
    fts_close(fts);
}

struct ib_goldens *ib_goldens_new(const struct ib_settings *s)
{
    if (!s->golden_dir)
        return NULL;
    clear_pictures(s);
    struct ib_goldens *g = ib_xcalloc(1, sizeof(*g));
    g->s = s;
    ib_arena_init(&g->names);
    return g;
}

void ib_goldens_free(struct ib_goldens *g)
{
    if (!g)
        return;
    free(g->noted);
    free(g->mismatches.v);
    free(g->missing.v);
    free(g->orphans);
    ib_arena_free(&g->names);
    free(g);
}

static const char *keep(struct ib_goldens *g, const char *s)
{
    return ib_arena_store(&g->names, s, strlen(s));
}

void ib_goldens_note(struct ib_goldens *g, const char *golden)
{
    g->noted =
        ib_xgrow(g->noted, &g->noted_cap, g->nnoted + 1, sizeof(*g->noted));
    g->noted[g->nnoted++] = keep(g, golden);
}

void ib_goldens_case(struct ib_goldens *g, const char *input,
                     const char *golden, const struct ib_output_outcome *oo,
                     const char *pictures)
{
    struct items *l =
        oo->golden == IB_GOLDEN_MISMATCH ? &g->mismatches : &g->missing;
    l->v = ib_xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
    l->v[l->n++] = (struct ib_diff_item){
        .input = keep(g, input),
        .golden = keep(g, golden),
        .output = keep(g, oo->path),
        .figures = keep(g, oo->error),
        .limit = oo->golden_limit,
        .excess = oo->golden_excess,
        .w = oo->out_w,
        .h = oo->out_h,
        .base = keep(g, pictures),
    };
}

/* Worst first; ties (sizes that differ, say) by input, for a page that is
 * the same from run to run whatever order the workers finished in. */
static int by_input(const void *a, const void *b)
{
    const struct ib_diff_item *x = a, *y = b;
    int c = strcmp(x->input, y->input);
    return c ? c : strcmp(x->output, y->output);
}

static int worst_first(const void *a, const void *b)
{
    const struct ib_diff_item *x = a, *y = b;
    if (x->excess != y->excess)
        return x->excess < y->excess ? 1 : -1;
    return by_input(a, b);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int is_noted(const struct ib_goldens *g, const char *path)
{
    return g->nnoted &&
           bsearch(&path, g->noted, g->nnoted, sizeof(*g->noted), by_string);
}

/* For the page, which lists them in order. */
static void keep_orphan(struct ib_goldens *g, const char *path)
{
    g->orphans = ib_xgrow(g->orphans, &g->orphans_cap, g->norphans + 1,
                          sizeof(*g->orphans));
    g->orphans[g->norphans++] = keep(g, path);
}

size_t ib_goldens_find_orphans(struct ib_goldens *g,
                               void (*on_orphan)(void *ctx, const char *path),
                               void *ctx)
{
    g->orphans_sought = 1;
    qsort(g->noted, g->nnoted, sizeof(*g->noted), by_string);
    char *roots[] = {(char *)g->s->golden_dir, NULL};
    FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
    if (!fts)
        return 0;
    size_t orphans = 0;
    FTSENT *e;
    while ((e = fts_read(fts))) {
        if (e->fts_level > 0 && e->fts_name[0] == '.') {
            if (e->fts_info == FTS_D)
                fts_set(fts, e, FTS_SKIP);
            continue;
        }
        if (e->fts_info != FTS_F || is_noted(g, e->fts_path))
            continue;
        /* --update-golden makes the golden set this run's outputs: an
         * orphan goes (and is said to go). */
        if (g->s->update_golden && unlink(e->fts_path) != 0)
            continue;
        if (!g->s->update_golden)
            orphans++;
        keep_orphan(g, e->fts_path);
        if (on_orphan)
            on_orphan(ctx, e->fts_path);
    }
    fts_close(fts);
    return orphans;
}

/* batch.c's find_orphans says when they are looked for. */
const char *ib_goldens_orphans_unsought(const struct ib_goldens *g)
{
    if (g->orphans_sought)
        return NULL;
    if (g->s->shard.count > 1)
        return "--shard";
    if (g->s->golden_orphans)
        return "the run did not finish";
    return "a PATH is not a whole folder; --golden-orphans looks";
}

static void sort_items(struct items *l,
                       int (*order)(const void *, const void *))
{
    if (l->n)
        qsort(l->v, l->n, sizeof(*l->v), order);
}

int ib_goldens_write_page(struct ib_goldens *g, const size_t *verdicts)
{
    struct ib_buf page;
    ib_buf_init(&page);
    ib_buf_put_str(&page, g->s->diff_dir);
    ib_buf_put_str(&page, "/index.html");
    int rc = ib_make_parent_dirs(ib_buf_cstr(&page));
    sort_items(&g->mismatches, worst_first);
    sort_items(&g->missing, by_input);
    if (g->norphans)
        qsort(g->orphans, g->norphans, sizeof(*g->orphans), by_string);
    struct ib_diff_page p = {
        .dir = g->s->diff_dir,
        .tolerance = &g->s->tolerance,
        .verdicts = verdicts,
        .update = g->s->update_golden,
        .mismatches = g->mismatches.v,
        .nmismatches = g->mismatches.n,
        .missing = g->missing.v,
        .nmissing = g->missing.n,
        .orphans = g->orphans,
        .norphans = g->norphans,
        .orphans_unsought = ib_goldens_orphans_unsought(g),
    };
    if (rc == 0)
        rc = ib_diff_page_write(&p);
    int saved = errno;
    ib_buf_free(&page);
    errno = saved;
    return rc;
}

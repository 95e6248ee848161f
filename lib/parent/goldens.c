/* SPDX-License-Identifier: MIT */
/* The parent's side of --golden (goldens.h). */
#define _DEFAULT_SOURCE
#include "goldens.h"

#include <errno.h>
#include <fts.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diffpage.h"
#include "imgbatch/alloc.h"
#include "imgbatch/buf.h"
#include "imgbatch/tempfile.h"

struct ib_goldens {
    const struct ib_settings *s;
    struct ib_arena names; /* every string below lives here */
    const char **noted;    /* the goldens outputs map to */
    size_t nnoted, noted_cap;
    struct ib_diff_item *mismatches;
    size_t nmismatches, mismatches_cap;
};

struct ib_goldens *ib_goldens_new(const struct ib_settings *s)
{
    if (!s->golden_dir)
        return NULL;
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
    free(g->mismatches);
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

void ib_goldens_mismatch(struct ib_goldens *g, const char *input,
                         const char *golden, const struct ib_output_outcome *oo,
                         const char *pictures)
{
    g->mismatches = ib_xgrow(g->mismatches, &g->mismatches_cap,
                             g->nmismatches + 1, sizeof(*g->mismatches));
    g->mismatches[g->nmismatches++] = (struct ib_diff_item){
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
static int worst_first(const void *a, const void *b)
{
    const struct ib_diff_item *x = a, *y = b;
    if (x->excess != y->excess)
        return x->excess < y->excess ? 1 : -1;
    int c = strcmp(x->input, y->input);
    return c ? c : strcmp(x->output, y->output);
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

size_t ib_goldens_find_orphans(struct ib_goldens *g,
                               void (*on_orphan)(void *ctx, const char *path),
                               void *ctx)
{
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
        if (on_orphan)
            on_orphan(ctx, e->fts_path);
    }
    fts_close(fts);
    return orphans;
}

int ib_goldens_write_page(struct ib_goldens *g, size_t matches)
{
    struct ib_buf page;
    ib_buf_init(&page);
    ib_buf_put_str(&page, g->s->diff_dir);
    ib_buf_put_str(&page, "/index.html");
    int rc = ib_make_parent_dirs(ib_buf_cstr(&page));
    if (g->nmismatches)
        qsort(g->mismatches, g->nmismatches, sizeof(*g->mismatches),
              worst_first);
    struct ib_diff_page p = {
        .dir = g->s->diff_dir,
        .tolerance = &g->s->tolerance,
        .matches = matches,
        .mismatches = g->mismatches,
        .nmismatches = g->nmismatches,
    };
    if (rc == 0)
        rc = ib_diff_page_write(&p);
    int saved = errno;
    ib_buf_free(&page);
    errno = saved;
    return rc;
}

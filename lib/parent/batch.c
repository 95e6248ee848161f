/* The parent's side of a batch: walks the list, largest files first,
 * reports what needs no work (skipped entries, scan errors, clashes) as it
 * goes, hands the rest to the pool as tasks whose id is the entry's index,
 * and turns what comes back (outcomes, lost workers) into one report per
 * entry. */
#define _GNU_SOURCE /* qsort_r */
#include "imgbatch/batch.h"

#include <errno.h>
#include <fts.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgbatch/alloc.h"
#include "imgbatch/buf.h"
#include "imgbatch/clock.h"
#include "collide.h"
#include "diffpage.h"
#include "outpath.h"
#include "pool.h"
#include "state.h"
#include "imgbatch/tempfile.h"
#include "imgbatch/vipsmodule.h"

struct ib_batch {
    const struct ib_settings *s;
    struct ib_file_list *list;
    const struct ib_batch_hooks *hooks;
    /* The vips module: loaded in the spawner, for the workers it forks. */
    const struct ib_vips_api *vips;
    struct ib_batch_counts counts;
    /* The hand-out order: indices into list, largest file first. Files
     * are taken from both ends: [next, end) is what is left. */
    unsigned *order;
    size_t next;    /* next place in order to look at, large end */
    size_t end;     /* one past the last place left, small end */
    uint64_t large; /* the task from the large end in work, or NO_TASK */
    /* Tasks handed back by the pool (their worker died before starting
     * them): given again before anything else. */
    unsigned *returned;
    size_t nreturned, returned_cap;
    size_t inputs_left; /* inputs not yet handed out */
    /* Output-side failures: in a row since the last output written, in
     * all, and the errno of the last one. */
    size_t write_failures_in_a_row, write_failures;
    int write_errno;
    double started;
    struct ib_buf output;
    struct ib_buf scratch;
    struct ib_state *state; /* -u, --dry-run */
    /* --golden: the goldens this run's outputs map to, for orphans. */
    struct ib_arena golden_names;
    const char **goldens;
    size_t ngoldens, goldens_cap;
    struct ib_buf golden;
    /* --diff-dir: the mismatches, for the page. */
    struct ib_buf diff;
    struct ib_diff_item *mismatches;
    size_t nmismatches, mismatches_cap;
    /* The pool, made (and maybe started) before the list. */
    struct ib_pool_config pool_cfg;
    struct ib_pool_hooks pool_hooks;
    struct ib_pool *pool;
};

static void count(struct ib_batch *b, int status)
{
    if (status == IB_STATUS_OK)
        b->counts.ok++;
    else if (status == IB_STATUS_SKIPPED)
        b->counts.skipped++;
    else
        b->counts.failed++;
}

static void report(struct ib_batch *b, const struct ib_entry *e,
                   const char *output, const struct ib_outcome *o)
{
    count(b, o->status);
    b->hooks->on_file(b->hooks->ctx, e, output, o);
}

/* Skipped entries and scan errors: reported without a worker. */
static void report_without_work(struct ib_batch *b, const struct ib_entry *e)
{
    struct ib_outcome o;
    memset(&o, 0, sizeof(o));
    o.status =
        e->state == IB_ENTRY_SKIPPED ? IB_STATUS_SKIPPED : IB_STATUS_FAILED;
    ib_entry_reason(b->list, e, o.error, sizeof(o.error));
    const char *output = NULL;
    if (e->why == IB_WHY_UP_TO_DATE || e->why == IB_WHY_DRY_RUN) {
        o.in_bytes = e->size;
        ib_output_path(b->s, e, &b->output);
        output = ib_buf_cstr(&b->output);
    }
    report(b, e, output, &o);
}

/* ---- pool hooks -------------------------------------------------------- */

/* In the pool's spawner, before it forks workers: libvips comes in with
 * the module here, never in the parent. A module that cannot be loaded (a
 * library it needs is missing) fails every worker alike: said here, and
 * the pool ends after a few such start-up failures. */
static int load_vips(void *ctx)
{
    struct ib_batch *b = ctx;
    char err[1024];
    b->vips = ib_vips_module_load(err, sizeof(err));
    if (!b->vips) {
        fprintf(stderr, "imgbatch: %s\n", err);
        return -1;
    }
    return 0;
}

static void worker_main(void *ctx, int task_fd, int result_fd)
{
    struct ib_batch *b = ctx;
    b->vips->worker_main(b->s, task_fd, result_fd);
}

static void note_write(struct ib_batch *b, const struct ib_outcome *o)
{
    if (o->status == IB_STATUS_OK) {
        b->write_failures_in_a_row = 0;
    } else if (o->status == IB_STATUS_FAILED && o->write_errno) {
        b->write_failures_in_a_row++;
        b->write_failures++;
        b->write_errno = o->write_errno;
    }
}

static int writes_fail(const struct ib_batch *b)
{
    return b->write_failures_in_a_row >= IB_WRITE_FAILURES_TO_STOP;
}

static const char *golden_path_only(struct ib_batch *b,
                                    const struct ib_entry *e)
{
    struct ib_settings g = *b->s;
    g.outdir = b->s->golden_dir;
    ib_output_path(&g, e, &b->golden);
    return ib_buf_cstr(&b->golden);
}

/* The golden of an entry: its output's path with --golden in place of -o
 * (so goldens mirror the inputs below their PATH as outputs do), noted
 * for the orphan check. "" without --golden. */
static const char *golden_path(struct ib_batch *b, const struct ib_entry *e)
{
    if (!b->s->golden_dir)
        return "";
    struct ib_settings g = *b->s;
    g.outdir = b->s->golden_dir;
    ib_output_path(&g, e, &b->golden);
    const char *path = ib_buf_cstr(&b->golden);
    if (b->ngoldens == b->goldens_cap) {
        b->goldens_cap = b->goldens_cap ? 2 * b->goldens_cap : 64;
        b->goldens =
            ib_xrealloc(b->goldens, b->goldens_cap * sizeof(*b->goldens));
    }
    b->goldens[b->ngoldens++] =
        ib_arena_store(&b->golden_names, path, strlen(path));
    return path;
}

/* --diff-dir: where an entry's pictures go (the output's path with the
 * diff dir in place of -o, like golden_path). "" without it. */
static const char *diff_base(struct ib_batch *b, const struct ib_entry *e)
{
    if (!b->s->diff_dir || !b->s->golden_dir)
        return "";
    struct ib_settings d = *b->s;
    d.outdir = b->s->diff_dir;
    ib_output_path(&d, e, &b->diff);
    return ib_buf_cstr(&b->diff);
}

static const char *keep(struct ib_batch *b, const char *s)
{
    return ib_arena_store(&b->golden_names, s, strlen(s));
}

static void note_mismatch(struct ib_batch *b, const struct ib_entry *e,
                          const struct ib_outcome *o)
{
    if (!b->s->diff_dir || o->golden != IB_GOLDEN_MISMATCH)
        return;
    if (b->nmismatches == b->mismatches_cap) {
        b->mismatches_cap = b->mismatches_cap ? 2 * b->mismatches_cap : 16;
        b->mismatches = ib_xrealloc(b->mismatches,
                                    b->mismatches_cap * sizeof(*b->mismatches));
    }
    struct ib_diff_item *it = &b->mismatches[b->nmismatches++];
    it->input = keep(b, e->path);
    it->golden = keep(b, golden_path_only(b, e));
    it->figures = keep(b, o->error);
    it->base = keep(b, diff_base(b, e));
}

#define NO_TASK UINT64_MAX

/* The next entry to hand out from the large end, reporting on the way the
 * ones that need no work (collisions, up to date, ...); NULL when none is
 * left. */
static const struct ib_entry *next_large(struct ib_batch *b)
{
    for (; b->next < b->end; b->next++) {
        const struct ib_entry *e = &b->list->v[b->order[b->next]];
        if (e->state == IB_ENTRY_INPUT)
            return e;
        report_without_work(b, e);
    }
    return NULL;
}

/* The same from the small end. */
static const struct ib_entry *next_small(struct ib_batch *b)
{
    for (; b->end > b->next; b->end--) {
        const struct ib_entry *e = &b->list->v[b->order[b->end - 1]];
        if (e->state == IB_ENTRY_INPUT)
            return e;
        report_without_work(b, e);
    }
    return NULL;
}

/* One file at a time comes from the large end of the order, the others
 * from the small end, and the two meet in the middle. The largest files
 * are the ones with the largest decode buffers: two of them at once would
 * double the batch's peak memory for no gain in speed, and the last files
 * of the batch are still middle-sized, so no worker waits long for another
 * at the end. One worker takes them largest first. */
static unsigned take_next(struct ib_batch *b)
{
    if (b->nreturned)
        return b->returned[--b->nreturned];
    if ((b->large == NO_TASK || b->s->jobs == 1) && next_large(b)) {
        b->large = b->order[b->next];
        return b->order[b->next++];
    }
    if (next_small(b))
        return b->order[--b->end];
    return UINT_MAX;
}

static int next_task(void *ctx, struct ib_buf *frame, uint64_t *id)
{
    struct ib_batch *b = ctx;
    unsigned index;
    if (writes_fail(b) || (index = take_next(b)) == UINT_MAX)
        return 0;
    const struct ib_entry *e = &b->list->v[index];
    struct ib_task t;
    t.id = index;
    t.format = ib_output_path(b->s, e, &b->output);
    t.input = e->path;
    t.output = ib_buf_cstr(&b->output);
    t.golden = golden_path(b, e);
    t.diff = diff_base(b, e);
    ib_proto_put_task(frame, &t);
    *id = t.id;
    b->inputs_left--;
    return 1;
}

/* The pool is done with task id, one way or another. */
static void task_over(struct ib_batch *b, uint64_t id)
{
    if (b->large == id)
        b->large = NO_TASK;
}

static size_t remaining(void *ctx)
{
    const struct ib_batch *b = ctx;
    return writes_fail(b) ? 0 : b->inputs_left;
}

static void skip_untried(struct ib_batch *b, const struct ib_entry *e,
                         const char *why)
{
    struct ib_outcome o;
    memset(&o, 0, sizeof(o));
    o.status = IB_STATUS_SKIPPED;
    o.in_bytes = e->size;
    snprintf(o.error, sizeof(o.error), "not tried: %s", why);
    report(b, e, NULL, &o);
}

/* Entries never handed out when the batch stops early (writes keep
 * failing, workers cannot start), handed back by the pool or not handed
 * out yet: skipped, with the reason, so that the report names every
 * input and a rerun from it can pick them up. */
static void skip_the_rest(struct ib_batch *b, const char *why)
{
    while (b->nreturned)
        skip_untried(b, &b->list->v[b->returned[--b->nreturned]], why);
    for (const struct ib_entry *e; (e = next_large(b)); b->next++)
        skip_untried(b, e, why);
}

static void task_done(void *ctx, uint64_t id, const struct ib_outcome *o)
{
    struct ib_batch *b = ctx;
    task_over(b, id);
    note_write(b, o);
    if (o->status == IB_STATUS_OK) {
        b->counts.golden[o->golden]++;
        note_mismatch(b, &b->list->v[id], o);
    }
    if (b->state && o->status == IB_STATUS_OK) {
        ib_output_path(b->s, &b->list->v[id], &b->output);
        ib_state_record(b->state, &b->list->v[id], ib_buf_cstr(&b->output));
    }
    const struct ib_entry *e = &b->list->v[id];
    ib_output_path(b->s, e, &b->output);
    report(b, e, ib_buf_cstr(&b->output), o);
}

static void task_returned(void *ctx, uint64_t id)
{
    struct ib_batch *b = ctx;
    task_over(b, id);
    if (b->nreturned == b->returned_cap) {
        b->returned_cap = b->returned_cap ? 2 * b->returned_cap : 8;
        b->returned =
            ib_xrealloc(b->returned, b->returned_cap * sizeof(*b->returned));
    }
    b->returned[b->nreturned++] = (unsigned)id;
    b->inputs_left++;
}

/* The worker holding task id is gone: its temp file must go too. */
static void task_lost(void *ctx, uint64_t id, pid_t pid, const char *reason)
{
    struct ib_batch *b = ctx;
    task_over(b, id);
    const struct ib_entry *e = &b->list->v[id];
    ib_output_path(b->s, e, &b->output);
    ib_temp_path(ib_buf_cstr(&b->output), pid, &b->scratch);
    unlink(ib_buf_cstr(&b->scratch));
    if (!reason)
        return; /* interrupted: not the file's fault, not reported */
    struct ib_outcome o;
    memset(&o, 0, sizeof(o));
    o.status = IB_STATUS_FAILED;
    o.in_bytes = e->size;
    snprintf(o.error, sizeof(o.error), "%s", reason);
    report(b, e, ib_buf_cstr(&b->output), &o);
}

static void tick(void *ctx)
{
    struct ib_batch *b = ctx;
    if (!b->hooks->on_tick)
        return;
    b->counts.seconds = ib_now_seconds() - b->started;
    b->hooks->on_tick(b->hooks->ctx, &b->counts);
}

/* ---- the batch --------------------------------------------------------- */

static size_t count_inputs(const struct ib_file_list *list)
{
    size_t n = 0;
    for (size_t i = 0; i < list->n; i++)
        n += list->v[i].state == IB_ENTRY_INPUT;
    return n;
}

static enum ib_batch_end batch_end(enum ib_pool_end end)
{
    switch (end) {
    case IB_POOL_INTERRUPTED: return IB_BATCH_INTERRUPTED;
    case IB_POOL_NO_WORKERS: return IB_BATCH_NO_WORKERS;
    default: return IB_BATCH_DONE;
    }
}

/* A batch that wrote nothing because every write failed, or that stopped
 * because writes kept failing, ends as a set-up error: the destination,
 * not the files, is what is wrong. */
static void end_on_write_failures(struct ib_batch *b,
                                  struct ib_batch_result *result)
{
    int stopped = writes_fail(b);
    int all_failed = b->write_failures && !b->counts.ok &&
                     b->write_failures == b->counts.failed;
    if (!stopped && !all_failed)
        return;
    if (stopped) {
        char why[128];
        snprintf(why, sizeof(why), "writes keep failing (%s)",
                 strerror(b->write_errno));
        skip_the_rest(b, why);
    }
    result->end = IB_BATCH_WRITES_FAIL;
    snprintf(result->err, sizeof(result->err), "%s: every write failed (%s)",
             stopped ? "stopped" : "nothing written", strerror(b->write_errno));
}

static int larger_first(const void *a, const void *b, void *list)
{
    const struct ib_entry *v = ((const struct ib_file_list *)list)->v;
    unsigned i = *(const unsigned *)a, j = *(const unsigned *)b;
    if (v[i].size != v[j].size)
        return v[i].size > v[j].size ? -1 : 1;
    return i < j ? -1 : i > j;
}

/* Largest files first: take_next works from both ends of it. Ties, and
 * the reports of entries that need no work, keep the list's order. */
static unsigned *hand_out_order(const struct ib_file_list *list)
{
    unsigned *order = ib_xcalloc(list->n ? list->n : 1, sizeof(*order));
    for (size_t i = 0; i < list->n; i++)
        order[i] = (unsigned)i;
    qsort_r(order, list->n, sizeof(*order), larger_first, (void *)list);
    return order;
}

/* Before any worker starts (none does if nothing is left): -u marks the
 * inputs whose outputs are up to date; --dry-run announces the others. */
static void plan_work(struct ib_batch *b)
{
    for (size_t i = 0; i < b->list->n; i++) {
        struct ib_entry *e = &b->list->v[i];
        if (e->state != IB_ENTRY_INPUT)
            continue;
        ib_output_path(b->s, e, &b->output);
        const char *output = ib_buf_cstr(&b->output);
        enum ib_freshness f = IB_FRESH_NEW;
        if (b->s->update)
            f = ib_state_check(b->state, e, output);
        const char *why = ib_freshness_text(f);
        struct stat st;
        if (!b->s->update && stat(output, &st) == 0)
            why = "replaces the output";
        if (f == IB_FRESH_UP_TO_DATE) {
            e->state = IB_ENTRY_SKIPPED;
            e->why = IB_WHY_UP_TO_DATE;
        } else if (b->s->dry_run) {
            if (b->hooks->on_plan)
                b->hooks->on_plan(b->hooks->ctx, e, output, why);
            e->state = IB_ENTRY_SKIPPED;
            e->why = IB_WHY_DRY_RUN;
        }
    }
}

static void prune(struct ib_batch *b)
{
    for (int i = 0; i < b->s->nprune_roots; i++)
        ib_state_prune(b->state, b->s->prune_roots[i], b->hooks->on_pruned,
                       b->hooks->ctx);
}

static int by_string(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Goldens that no input of this run maps to. Not under --shard: the other
 * shards' goldens would all look orphaned. */
static void find_orphans(struct ib_batch *b)
{
    if (b->s->shard.count > 1)
        return;
    qsort(b->goldens, b->ngoldens, sizeof(*b->goldens), by_string);
    char *roots[] = {(char *)b->s->golden_dir, NULL};
    FTS *fts = fts_open(roots, FTS_PHYSICAL | FTS_NOCHDIR, NULL);
    if (!fts)
        return;
    FTSENT *e;
    while ((e = fts_read(fts))) {
        if (e->fts_level > 0 && e->fts_name[0] == '.') {
            if (e->fts_info == FTS_D)
                fts_set(fts, e, FTS_SKIP);
            continue;
        }
        const char *path = e->fts_path;
        if (e->fts_info != FTS_F ||
            (b->ngoldens && bsearch(&path, b->goldens, b->ngoldens,
                                    sizeof(*b->goldens), by_string)))
            continue;
        /* --update-golden makes the golden set this run's outputs: an
         * orphan goes (and is said to go). */
        if (b->s->update_golden && unlink(path) != 0)
            continue;
        if (!b->s->update_golden)
            b->counts.orphans++;
        if (b->hooks->on_orphan)
            b->hooks->on_orphan(b->hooks->ctx, path);
    }
    fts_close(fts);
}

static void write_diff_page(struct ib_batch *b, struct ib_batch_result *result)
{
    ib_buf_reset(&b->diff);
    ib_buf_put_str(&b->diff, b->s->diff_dir);
    ib_buf_put_str(&b->diff, "/index.html");
    if (ib_make_parent_dirs(ib_buf_cstr(&b->diff)) != 0 ||
        ib_diff_page_write(b->s->diff_dir, b->mismatches, b->nmismatches) != 0)
        result->diff_page_errno = errno ? errno : EIO;
}

static void finish_batch(struct ib_batch *b, struct ib_batch_result *result)
{
    if (b->s->golden_dir && result->end == IB_BATCH_DONE && !b->s->dry_run)
        find_orphans(b);
    if (b->s->diff_dir && b->s->golden_dir && !b->s->dry_run)
        write_diff_page(b, result);
    free(b->mismatches);
    free(b->order);
    free(b->returned);
    ib_buf_free(&b->diff);
    free(b->goldens);
    ib_arena_free(&b->golden_names);
    ib_buf_free(&b->golden);
    if (b->state && b->s->prune && !b->s->dry_run &&
        result->end == IB_BATCH_DONE)
        prune(b);
    if (b->state && !b->s->dry_run && ib_state_save(b->state) != 0)
        result->state_errno = errno ? errno : EIO;
    ib_state_free(b->state);
    b->counts.seconds = ib_now_seconds() - b->started;
    result->counts = b->counts;
    ib_buf_free(&b->output);
    ib_buf_free(&b->scratch);
}

struct ib_batch *ib_batch_new(const struct ib_settings *s,
                              const struct ib_batch_hooks *hooks,
                              int workers_now)
{
    struct ib_batch *b = ib_xcalloc(1, sizeof(*b));
    b->s = s;
    b->hooks = hooks;
    b->pool_cfg = (struct ib_pool_config){
        .jobs = s->jobs,
        .timeout_s = s->timeout_s,
        .kill_grace_s = IB_KILL_GRACE_SECONDS,
        .startup_failures = s->jobs + 3,
    };
    b->pool_hooks = (struct ib_pool_hooks){
        .ctx = b,
        .prepare = load_vips,
        .worker_main = worker_main,
        .next_task = next_task,
        .remaining = remaining,
        .task_done = task_done,
        .task_lost = task_lost,
        .task_returned = task_returned,
        .tick = tick,
    };
    b->pool = ib_pool_new(&b->pool_cfg, &b->pool_hooks);
    ib_pool_start(b->pool, workers_now);
    return b;
}

void ib_batch_free(struct ib_batch *b)
{
    if (!b)
        return;
    ib_pool_free(b->pool);
    free(b);
}

void ib_batch_run(struct ib_batch *b, struct ib_file_list *list,
                  struct ib_batch_result *result)
{
    const struct ib_settings *s = b->s;
    b->list = list;
    b->started = ib_now_seconds();
    b->counts.total = list->n;
    ib_buf_init(&b->output);
    ib_buf_init(&b->scratch);
    ib_buf_init(&b->golden);
    ib_buf_init(&b->diff);
    ib_arena_init(&b->golden_names);
    ib_mark_collisions(s, list);
    memset(result, 0, sizeof(*result));
    if (s->update || s->dry_run) {
        b->state = ib_state_new(ib_settings_fingerprint(s), &s->shard);
        plan_work(b);
    }
    b->inputs_left = count_inputs(list);
    if (s->dry_run) {
        /* Nothing is started: every entry is reported as it stands. */
        for (; b->next < list->n; b->next++)
            report_without_work(b, &list->v[b->next]);
        finish_batch(b, result);
        return;
    }

    b->order = hand_out_order(list);
    b->end = list->n;
    b->large = NO_TASK;
    result->end =
        batch_end(ib_pool_run(b->pool, result->err, sizeof(result->err)));
    if (result->end == IB_BATCH_DONE)
        end_on_write_failures(b, result);
    else if (result->end == IB_BATCH_NO_WORKERS)
        skip_the_rest(b, result->err);
    finish_batch(b, result);
}

/* SPDX-License-Identifier: MIT */
/* The parent's side of a batch: walks the list in the hand-out order
 * (order.h), reports what needs no work (skipped entries, scan errors,
 * clashes) as it goes, hands the rest to the pool as tasks, and turns what
 * comes back (outcomes, lost workers) into one report per entry.
 *
 * A task in flight has a flight record, whose number is the task's id:
 * the entry, and its output, golden and picture paths, worked out once
 * when it is handed out and used again when it comes back (for the state,
 * the report, the diff page, or a dead worker's temp file). */
#define _DEFAULT_SOURCE
#include "imgbatch/batch.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "collide.h"
#include "goldens.h"
#include "imgbatch/alloc.h"
#include "imgbatch/buf.h"
#include "imgbatch/clock.h"
#include "imgbatch/tempfile.h"
#include "order.h"
#include "outpath.h"
#include "pool.h"
#include "state.h"

/* A task in flight: its id is its place in the batch's flights. */
struct flight {
    unsigned index; /* the entry */
    int format;
    struct ib_buf output;
    struct ib_buf golden;   /* --golden: its golden; "" without */
    struct ib_buf pictures; /* --diff-dir: base path of its pictures; "" */
};

struct ib_batch {
    const struct ib_settings *s;
    struct ib_file_list *list;
    const struct ib_batch_hooks *hooks;
    const struct ib_batch_workers *workers;
    struct ib_batch_counts counts;
    struct ib_order order;
    uint64_t large; /* the task from the large end in work, or NO_TASK */
    /* Entries handed back by the pool (their worker died before starting
     * them): given again before anything else. */
    unsigned *returned;
    size_t nreturned, returned_cap;
    size_t inputs_left; /* inputs not yet handed out */
    struct flight *flights;
    size_t nflights, flights_cap;
    size_t *free_flights; /* ids of flights not in use */
    size_t nfree, free_cap;
    /* Output-side failures: in a row since the last output written, in
     * all, and the errno of the last one. */
    size_t write_failures_in_a_row, write_failures;
    int write_errno;
    double started;
    struct ib_buf output, scratch;
    struct ib_state *state;     /* -u, --dry-run */
    struct ib_goldens *goldens; /* --golden */
    /* The pool, made (and maybe started) before the list. */
    struct ib_pool_config pool_cfg;
    struct ib_pool_hooks pool_hooks;
    struct ib_pool *pool;
};

#define NO_TASK UINT64_MAX

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

static const char *output_of(struct ib_batch *b, const struct ib_entry *e)
{
    ib_output_path(b->s, b->s->outdir, e, &b->output);
    return ib_buf_cstr(&b->output);
}

/* Reports e as status, with reason, without a worker's outcome. */
static void report_as(struct ib_batch *b, const struct ib_entry *e,
                      const char *output, int status, const char *reason)
{
    struct ib_outcome o;
    memset(&o, 0, sizeof(o));
    o.status = status;
    o.in_bytes = e->size;
    snprintf(o.error, sizeof(o.error), "%s", reason);
    report(b, e, output, &o);
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
        output = output_of(b, e);
    }
    report(b, e, output, &o);
}

static void skip_untried(struct ib_batch *b, const struct ib_entry *e,
                         const char *why)
{
    char reason[IB_ERROR_MAX];
    snprintf(reason, sizeof(reason), "not tried: %s", why);
    report_as(b, e, NULL, IB_STATUS_SKIPPED, reason);
}

/* ---- flights ----------------------------------------------------------- */

/* A flight for entry index: one landed before, or a new one. Its id. */
static uint64_t board(struct ib_batch *b, unsigned index)
{
    size_t id;
    if (b->nfree) {
        id = b->free_flights[--b->nfree];
    } else {
        id = b->nflights++;
        b->flights = ib_xgrow(b->flights, &b->flights_cap, b->nflights,
                              sizeof(*b->flights));
        struct flight *f = &b->flights[id];
        ib_buf_init(&f->output);
        ib_buf_init(&f->golden);
        ib_buf_init(&f->pictures);
    }
    b->flights[id].index = index;
    return id;
}

/* The paths of a task, worked out once: the output, and with --golden
 * its golden and where its pictures would go (the output's path below
 * --golden and --diff-dir in place of -o). */
static void plan_flight(struct ib_batch *b, struct flight *f)
{
    const struct ib_settings *s = b->s;
    const struct ib_entry *e = &b->list->v[f->index];
    f->format = ib_output_path(s, s->outdir, e, &f->output);
    ib_buf_reset(&f->golden);
    ib_buf_reset(&f->pictures);
    if (!b->goldens)
        return;
    ib_output_path(s, s->golden_dir, e, &f->golden);
    ib_goldens_note(b->goldens, ib_buf_cstr(&f->golden));
    if (s->diff_dir)
        ib_output_path(s, s->diff_dir, e, &f->pictures);
}

/* The pool is done with task id, one way or another. */
static struct flight *land(struct ib_batch *b, uint64_t id)
{
    if (b->large == id)
        b->large = NO_TASK;
    struct flight *f = &b->flights[id];
    b->free_flights = ib_xgrow(b->free_flights, &b->free_cap, b->nfree + 1,
                               sizeof(*b->free_flights));
    b->free_flights[b->nfree++] = id;
    return f;
}

static void free_flights(struct ib_batch *b)
{
    for (size_t i = 0; i < b->nflights; i++) {
        ib_buf_free(&b->flights[i].output);
        ib_buf_free(&b->flights[i].golden);
        ib_buf_free(&b->flights[i].pictures);
    }
    free(b->flights);
    free(b->free_flights);
    b->flights = NULL;
    b->free_flights = NULL;
    b->nflights = b->flights_cap = b->nfree = b->free_cap = 0;
}

/* ---- handing out ------------------------------------------------------- */

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

/* One file at a time comes from the large end of the order, the others
 * from the small end, and the two meet in the middle. The largest files
 * are the ones with the largest decode buffers: two of them at once would
 * double the batch's peak memory for no gain in speed, and the last files
 * of the batch are still middle-sized, so no worker waits long for another
 * at the end. One worker takes them largest first. Entries that need no
 * work are reported on the way. *from_large says which end it came from.
 * IB_ORDER_NONE when nothing is left. */
static size_t take_next(struct ib_batch *b, int *from_large)
{
    *from_large = 0;
    if (b->nreturned)
        return b->returned[--b->nreturned];
    int large = b->large == NO_TASK || b->s->jobs == 1;
    size_t i;
    while ((i = ib_order_take(&b->order, large)) != IB_ORDER_NONE) {
        const struct ib_entry *e = &b->list->v[i];
        if (e->state == IB_ENTRY_INPUT) {
            *from_large = large;
            return i;
        }
        report_without_work(b, e);
    }
    return IB_ORDER_NONE;
}

static int next_task(void *ctx, struct ib_buf *frame)
{
    struct ib_batch *b = ctx;
    int from_large;
    size_t index;
    if (writes_fail(b) || (index = take_next(b, &from_large)) == IB_ORDER_NONE)
        return 0;
    uint64_t id = board(b, (unsigned)index);
    struct flight *f = &b->flights[id];
    plan_flight(b, f);
    if (from_large)
        b->large = id;
    struct ib_task t = {
        .id = id,
        .format = f->format,
        .input = b->list->v[index].path,
        .output = ib_buf_cstr(&f->output),
        .golden = ib_buf_cstr(&f->golden),
        .diff = ib_buf_cstr(&f->pictures),
    };
    ib_proto_put_task(frame, &t);
    b->inputs_left--;
    return 1;
}

static size_t remaining(void *ctx)
{
    const struct ib_batch *b = ctx;
    return writes_fail(b) ? 0 : b->inputs_left;
}

/* Entries never handed out when the batch stops early (writes keep
 * failing, workers cannot start), handed back by the pool or not handed
 * out yet: skipped, with the reason, so that the report names every
 * input and a rerun from it can pick them up. */
static void skip_the_rest(struct ib_batch *b, const char *why)
{
    while (b->nreturned)
        skip_untried(b, &b->list->v[b->returned[--b->nreturned]], why);
    size_t i;
    while ((i = ib_order_take(&b->order, 1)) != IB_ORDER_NONE) {
        const struct ib_entry *e = &b->list->v[i];
        if (e->state == IB_ENTRY_INPUT)
            skip_untried(b, e, why);
        else
            report_without_work(b, e);
    }
}

/* ---- hearing back ------------------------------------------------------ */

static void note_golden(struct ib_batch *b, const struct ib_entry *e,
                        struct flight *f, const struct ib_outcome *o)
{
    b->counts.golden[o->golden]++;
    if (b->goldens && b->s->diff_dir && o->golden == IB_GOLDEN_MISMATCH)
        ib_goldens_mismatch(b->goldens, e->path, ib_buf_cstr(&f->golden),
                            o->error, ib_buf_cstr(&f->pictures));
}

static int task_done(void *ctx, uint64_t id, const unsigned char *frame,
                     size_t len)
{
    struct ib_batch *b = ctx;
    struct ib_msg m;
    if (ib_proto_decode(frame, len, &m) != 0 || m.type != IB_MSG_RESULT)
        return -1;
    const struct ib_outcome *o = &m.outcome;
    struct flight *f = land(b, id);
    const struct ib_entry *e = &b->list->v[f->index];
    const char *output = ib_buf_cstr(&f->output);
    note_write(b, o);
    if (o->status == IB_STATUS_OK)
        note_golden(b, e, f, o);
    if (b->state && o->status == IB_STATUS_OK)
        ib_state_record(b->state, e, output);
    report(b, e, output, o);
    return 0;
}

static void task_returned(void *ctx, uint64_t id)
{
    struct ib_batch *b = ctx;
    struct flight *f = land(b, id);
    b->returned = ib_xgrow(b->returned, &b->returned_cap, b->nreturned + 1,
                           sizeof(*b->returned));
    b->returned[b->nreturned++] = f->index;
    b->inputs_left++;
}

/* The worker holding task id is gone: its temp file must go too. */
static void task_lost(void *ctx, uint64_t id, pid_t pid, const char *reason)
{
    struct ib_batch *b = ctx;
    struct flight *f = land(b, id);
    const struct ib_entry *e = &b->list->v[f->index];
    const char *output = ib_buf_cstr(&f->output);
    ib_temp_path(output, pid, &b->scratch);
    unlink(ib_buf_cstr(&b->scratch));
    if (reason) /* else interrupted: not the file's fault, not reported */
        report_as(b, e, output, IB_STATUS_FAILED, reason);
}

static void tick(void *ctx)
{
    struct ib_batch *b = ctx;
    if (!b->hooks->on_tick)
        return;
    b->counts.seconds = ib_now_seconds() - b->started;
    b->hooks->on_tick(b->hooks->ctx, &b->counts);
}

static int prepare_workers(void *ctx)
{
    struct ib_batch *b = ctx;
    return b->workers->prepare ? b->workers->prepare(b->workers->ctx) : 0;
}

static void run_worker(void *ctx, int task_fd, int result_fd)
{
    struct ib_batch *b = ctx;
    b->workers->run(b->workers->ctx, b->s, task_fd, result_fd);
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

/* Before any worker starts (none does if nothing is left): -u marks the
 * inputs whose outputs are up to date; --dry-run announces the others. */
static void plan_work(struct ib_batch *b)
{
    for (size_t i = 0; i < b->list->n; i++) {
        struct ib_entry *e = &b->list->v[i];
        if (e->state != IB_ENTRY_INPUT)
            continue;
        const char *output = output_of(b, e);
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

/* Goldens that no input of this run maps to. Not under --shard: the other
 * shards' goldens would all look orphaned. */
static void find_orphans(struct ib_batch *b)
{
    if (b->s->shard.count > 1)
        return;
    b->counts.orphans =
        ib_goldens_find_orphans(b->goldens, b->hooks->on_orphan, b->hooks->ctx);
}

static void finish_goldens(struct ib_batch *b, struct ib_batch_result *result)
{
    if (!b->goldens || b->s->dry_run)
        return;
    if (result->end == IB_BATCH_DONE)
        find_orphans(b);
    if (b->s->diff_dir && ib_goldens_write_page(b->goldens) != 0)
        result->diff_page_errno = errno ? errno : EIO;
}

static void finish_state(struct ib_batch *b, struct ib_batch_result *result)
{
    if (!b->state || b->s->dry_run)
        return;
    if (b->s->prune && result->end == IB_BATCH_DONE)
        prune(b);
    if (ib_state_save(b->state) != 0)
        result->state_errno = errno ? errno : EIO;
}

static void finish_batch(struct ib_batch *b, struct ib_batch_result *result)
{
    finish_goldens(b, result);
    finish_state(b, result);
    ib_goldens_free(b->goldens);
    b->goldens = NULL;
    ib_state_free(b->state);
    b->state = NULL;
    ib_order_free(&b->order);
    free(b->returned);
    free_flights(b);
    ib_buf_free(&b->output);
    ib_buf_free(&b->scratch);
    b->counts.seconds = ib_now_seconds() - b->started;
    result->counts = b->counts;
}

struct ib_batch *ib_batch_new(const struct ib_settings *s,
                              const struct ib_batch_hooks *hooks,
                              const struct ib_batch_workers *workers,
                              int workers_now)
{
    struct ib_batch *b = ib_xcalloc(1, sizeof(*b));
    b->s = s;
    b->hooks = hooks;
    b->workers = workers;
    b->pool_cfg = (struct ib_pool_config){
        .jobs = s->jobs,
        .timeout_s = s->timeout_s,
        .kill_grace_s = IB_KILL_GRACE_SECONDS,
        .startup_failures = s->jobs + 3,
    };
    b->pool_hooks = (struct ib_pool_hooks){
        .ctx = b,
        .prepare = prepare_workers,
        .worker_main = run_worker,
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
    ib_mark_collisions(s, list);
    memset(result, 0, sizeof(*result));
    b->goldens = ib_goldens_new(s);
    if (s->update || s->dry_run) {
        b->state = ib_state_new(ib_settings_fingerprint(s), &s->shard);
        plan_work(b);
    }
    b->inputs_left = count_inputs(list);
    if (s->dry_run) {
        /* Nothing is started: every entry is reported as it stands. */
        for (size_t i = 0; i < list->n; i++)
            report_without_work(b, &list->v[i]);
        finish_batch(b, result);
        return;
    }
    ib_order_init(&b->order, list);
    b->large = NO_TASK;
    result->end =
        batch_end(ib_pool_run(b->pool, result->err, sizeof(result->err)));
    if (result->end == IB_BATCH_DONE)
        end_on_write_failures(b, result);
    else if (result->end == IB_BATCH_NO_WORKERS)
        skip_the_rest(b, result->err);
    finish_batch(b, result);
}

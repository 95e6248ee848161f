/* SPDX-License-Identifier: MIT */
/* The parent's side of a batch: walks the list in the hand-out order
 * (order.h), reports what needs no work (skipped entries, scan errors,
 * inputs whose every output is refused) as it goes, hands the rest to the
 * pool as tasks, and turns what comes back (outcomes, lost workers) into
 * one report per entry, with one per output.
 *
 * A task is an input and what to do with each of its outputs: make it,
 * keep it (-u: it is up to date), or block it (claims.h: its path is
 * another's). The worker names the outputs itself, with the code the
 * parent names them with (outpath.h); a name it knows only once the
 * output is made it claims first (a CLAIM, answered by a GRANT).
 *
 * A task in flight has a flight record, whose number is the task's id: the
 * entry it is about. */
#define _DEFAULT_SOURCE
#include "imgbatch/batch.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "claims.h"
#include "goldens.h"
#include "imgbatch/alloc.h"
#include "imgbatch/buf.h"
#include "imgbatch/clock.h"
#include "imgbatch/memlimit.h"
#include "imgbatch/name.h"
#include "imgbatch/outpath.h"
#include "imgbatch/tempfile.h"
#include "imgbatch/text.h"
#include "manifest.h"
#include "order.h"
#include "pool.h"
#include "state.h"

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
    /* The entry of each task in flight, by id; ids free to reuse. */
    unsigned *flights;
    size_t nflights, flights_cap;
    size_t *free_flights;
    size_t nfree, free_cap;
    /* Output-side failures: in a row since the last output written, in
     * all, and the errno of the last one. */
    size_t write_failures_in_a_row, write_failures;
    int write_errno;
    double started;
    struct ib_buf output, base, scratch;
    struct ib_claims *claims;
    struct ib_state *state; /* -u, --dry-run */
    /* Each output's enum ib_freshness, by entry and rendition: judged
     * before any work under -u and -n, else "new" until the worker says
     * whether it replaced a file (say_why); what the report says of why
     * an output was made. */
    unsigned char *fresh;
    uint64_t *fingerprints;       /* -u: by rendition */
    struct ib_goldens *goldens;   /* --golden */
    struct ib_manifest *manifest; /* --manifest */
    struct ib_outcome *outcome;   /* for reports made here */
    /* The pool, made (and maybe started) before the list. */
    struct ib_pool_config pool_cfg;
    struct ib_pool_hooks pool_hooks;
    struct ib_pool *pool;
};

#define NO_TASK UINT64_MAX

static void count(struct ib_batch *b, const struct ib_entry *e, int status)
{
    if (status == IB_STATUS_SKIPPED && e->why == IB_WHY_DRY_RUN)
        b->counts.would++;
    else if (status == IB_STATUS_OK)
        b->counts.ok++;
    else if (status == IB_STATUS_SKIPPED)
        b->counts.skipped++;
    else
        b->counts.failed++;
}

static void note_goldens(struct ib_batch *b, const struct ib_entry *e,
                         const struct ib_outcome *o);

static void report(struct ib_batch *b, const struct ib_entry *e,
                   const struct ib_outcome *o)
{
    count(b, e, o->status);
    note_goldens(b, e, o);
    b->hooks->on_file(b->hooks->ctx, e, o);
}

static struct ib_input_name input_of(const struct ib_entry *e)
{
    return (struct ib_input_name){e->path, e->rel};
}

/* Output r's path, as known before it is made (late fields as written). */
static const char *output_of(struct ib_batch *b, const struct ib_entry *e,
                             int r)
{
    struct ib_input_name in = input_of(e);
    char why[256];
    ib_output_path(&b->s->renditions[r], b->s->outdir, &in, &IB_OUTPUT_UNKNOWN,
                   &b->output, why, sizeof(why));
    return ib_buf_cstr(&b->output);
}

/* The folder -u keeps e's state in: its default outputs' folder. */
static const char *state_dir(struct ib_batch *b, const struct ib_entry *e)
{
    struct ib_input_name in = input_of(e);
    ib_output_base(b->s->outdir, &in, &b->base);
    return ib_buf_cstr(&b->base);
}

static enum ib_freshness fresh_of(const struct ib_batch *b, size_t i, int r)
{
    return (enum ib_freshness)b->fresh[i * (size_t)b->s->nrenditions + r];
}

static void set_fresh(struct ib_batch *b, size_t i, int r, enum ib_freshness f)
{
    b->fresh[i * (size_t)b->s->nrenditions + r] = (unsigned char)f;
}

/* Without -u: whether output r of e replaces a file (when its name is
 * known before it is made). */
static enum ib_freshness replaces(struct ib_batch *b, const struct ib_entry *e,
                                  int r)
{
    const char *name = b->s->renditions[r].name;
    struct stat st;
    if ((name && ib_name_is_late(name)) || stat(output_of(b, e, r), &st) != 0)
        return IB_FRESH_NEW;
    return IB_FRESH_REPLACES;
}

/* -u: why output r of e is left alone (ib_freshness_refused). */
static void say_refused(struct ib_batch *b, const struct ib_entry *e, int r,
                        enum ib_freshness f, char *why, size_t len)
{
    const struct ib_rendition *rd = &b->s->renditions[r];
    if (rd->name && ib_name_is_late(rd->name)) {
        snprintf(why, len,
                 "not replaced: the output of variant '%s' has changed since "
                 "imgbatch made it (-u replaces only its own outputs)",
                 rd->variant);
        return;
    }
    struct ib_buf quoted;
    ib_buf_init(&quoted);
    ib_quote_put(&quoted, output_of(b, e, r));
    snprintf(why, len,
             "not replaced: '%s' %s (-u replaces only its own outputs)",
             ib_buf_cstr(&quoted),
             f == IB_FRESH_NOT_OURS ? "was not made by imgbatch"
                                    : "has changed since imgbatch made it");
    ib_buf_free(&quoted);
}

/* What becomes of output r of an entry that needs no worker (up to date,
 * refused, or only announced under -n), as the real run would have it:
 * its status, and why. */
static int settled_output(struct ib_batch *b, const struct ib_entry *e, int r,
                          char *why, size_t len)
{
    size_t i = (size_t)(e - b->list->v);
    enum ib_freshness f = b->fresh ? fresh_of(b, i, r) : IB_FRESH_NEW;
    if (f == IB_FRESH_UP_TO_DATE) {
        snprintf(why, len, "up to date");
        return IB_STATUS_SKIPPED;
    }
    if (ib_claims_state(b->claims, i, r, why, len) != IB_CLAIM_FREE)
        return IB_STATUS_FAILED;
    if (ib_freshness_refused(f)) {
        say_refused(b, e, r, f, why, len);
        return IB_STATUS_FAILED;
    }
    snprintf(why, len, "dry run");
    return IB_STATUS_SKIPPED;
}

/* An outcome for an entry that needs no worker: every output at status
 * (its path where known), the input with reason. */
static struct ib_outcome *no_work(struct ib_batch *b, const struct ib_entry *e,
                                  int status, const char *reason)
{
    struct ib_outcome *o = b->outcome;
    memset(o, 0, sizeof(*o));
    o->status = status;
    o->in_bytes = e->size;
    snprintf(o->error, sizeof(o->error), "%s", reason);
    return o;
}

/* Skipped entries and scan errors: reported without a worker. Up-to-date
 * ones (and, under -n, announced ones) with each output, and refused ones
 * with each output's reason. */
static void report_without_work(struct ib_batch *b, const struct ib_entry *e)
{
    char why[IB_ERROR_MAX];
    ib_entry_reason(e, why, sizeof(why));
    if (e->why != IB_WHY_UP_TO_DATE && e->why != IB_WHY_DRY_RUN &&
        e->why != IB_WHY_REFUSED) {
        struct ib_outcome *o = no_work(b, e, IB_STATUS_FAILED, why);
        o->status =
            e->state == IB_ENTRY_SKIPPED ? IB_STATUS_SKIPPED : IB_STATUS_FAILED;
        o->in_bytes = 0;
        report(b, e, o);
        return;
    }
    struct ib_outcome *o = no_work(b, e, IB_STATUS_SKIPPED, why);
    size_t index = (size_t)(e - b->list->v);
    /* The paths and reasons point into a buffer, one after the other. */
    struct ib_buf text;
    ib_buf_init(&text);
    size_t at[IB_MAX_OUTPUTS][2];
    int status[IB_MAX_OUTPUTS];
    for (int r = 0; r < b->s->nrenditions; r++) {
        at[r][0] = text.len;
        ib_buf_put_str(&text, output_of(b, e, r));
        ib_buf_putc(&text, '\0');
        at[r][1] = text.len;
        status[r] = settled_output(b, e, r, why, sizeof(why));
        ib_buf_put_str(&text, why);
        ib_buf_putc(&text, '\0');
        /* The input's reason: its first failed output's. */
        if (status[r] == IB_STATUS_FAILED && o->status != IB_STATUS_FAILED) {
            o->status = IB_STATUS_FAILED;
            snprintf(o->error, sizeof(o->error), "%s", why);
        }
    }
    o->noutputs = b->s->nrenditions;
    for (int r = 0; r < o->noutputs; r++)
        o->outputs[r] = (struct ib_output_outcome){
            .status = status[r],
            .path = (const char *)text.data + at[r][0],
            .error = (const char *)text.data + at[r][1],
            .why = status[r] == IB_STATUS_SKIPPED
                       ? ib_freshness_text(fresh_of(b, index, r))
                       : NULL,
        };
    report(b, e, o);
    ib_buf_free(&text);
}

static void skip_untried(struct ib_batch *b, const struct ib_entry *e,
                         const char *why)
{
    char reason[IB_ERROR_MAX];
    snprintf(reason, sizeof(reason), "not tried: %s", why);
    report(b, e, no_work(b, e, IB_STATUS_SKIPPED, reason));
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
    }
    b->flights[id] = index;
    return id;
}

/* The pool is done with task id, one way or another: its entry. */
static struct ib_entry *land(struct ib_batch *b, uint64_t id)
{
    if (b->large == id)
        b->large = NO_TASK;
    b->free_flights = ib_xgrow(b->free_flights, &b->free_cap, b->nfree + 1,
                               sizeof(*b->free_flights));
    b->free_flights[b->nfree++] = id;
    return &b->list->v[b->flights[id]];
}

static void free_flights(struct ib_batch *b)
{
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

/* What the worker is to do with each output of entry i. (Without -u, why
 * each was made is what the worker found: say_why.) */
static void plan_outputs(struct ib_batch *b, size_t i, struct ib_task *t,
                         struct ib_buf *reasons)
{
    size_t at[IB_MAX_OUTPUTS];
    ib_buf_reset(reasons);
    t->noutputs = b->s->nrenditions;
    for (int r = 0; r < t->noutputs; r++) {
        char why[IB_ERROR_MAX] = "";
        int action = IB_OUTPUT_MAKE;
        enum ib_freshness f = fresh_of(b, i, r);
        if (ib_claims_state(b->claims, i, r, why, sizeof(why)) != IB_CLAIM_FREE)
            action = IB_OUTPUT_BLOCKED;
        else if (f == IB_FRESH_UP_TO_DATE)
            action = IB_OUTPUT_KEEP;
        else if (ib_freshness_refused(f))
            action = IB_OUTPUT_BLOCKED,
            say_refused(b, &b->list->v[i], r, f, why, sizeof(why));
        at[r] = reasons->len;
        ib_buf_put_str(reasons, why);
        ib_buf_putc(reasons, '\0');
        t->outputs[r].action = action;
    }
    for (int r = 0; r < t->noutputs; r++)
        t->outputs[r].reason = (const char *)reasons->data + at[r];
}

static int next_task(void *ctx, struct ib_buf *frame)
{
    struct ib_batch *b = ctx;
    int from_large;
    size_t index;
    if (writes_fail(b) || (index = take_next(b, &from_large)) == IB_ORDER_NONE)
        return 0;
    uint64_t id = board(b, (unsigned)index);
    if (from_large)
        b->large = id;
    const struct ib_entry *e = &b->list->v[index];
    struct ib_task *t = ib_xmalloc(sizeof(*t));
    t->id = id;
    t->input = e->path;
    t->rel = e->rel;
    plan_outputs(b, index, t, &b->scratch);
    ib_proto_put_task(frame, t);
    free(t);
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

/* A path below from, as it is below to ("out/a/x.jpg" from "out" to
 * "golden" is "golden/a/x.jpg"). */
static const char *rebase(struct ib_buf *out, const char *path,
                          const char *from, const char *to)
{
    size_t n = strlen(from);
    while (n && from[n - 1] == '/')
        n--;
    const char *rest = path + n;
    while (*rest == '/')
        rest++;
    ib_buf_reset(out);
    ib_buf_put_str(out, to);
    if (out->len && out->data[out->len - 1] != '/')
        ib_buf_putc(out, '/');
    ib_buf_put_str(out, rest);
    return ib_buf_cstr(out);
}

/* The root an entry's outputs are below: -o, or its PATH. */
static const char *root_of(struct ib_batch *b, const struct ib_entry *e)
{
    if (b->s->outdir)
        return b->s->outdir;
    ib_buf_reset(&b->base);
    ib_buf_put(&b->base, e->path, e->rel);
    return ib_buf_cstr(&b->base);
}

/* --golden: how this output compared; a mismatch or a missing golden
 * goes on the diff page. */
static void note_golden(struct ib_batch *b, const struct ib_entry *e,
                        const struct ib_output_outcome *oo)
{
    b->counts.golden[oo->golden]++;
    if (!b->goldens || !b->s->diff_dir ||
        (oo->golden != IB_GOLDEN_MISMATCH && oo->golden != IB_GOLDEN_MISSING))
        return;
    const char *root = root_of(b, e);
    struct ib_buf golden, pictures;
    ib_buf_init(&golden);
    ib_buf_init(&pictures);
    rebase(&golden, oo->path, root, b->s->golden_dir);
    ib_goldens_case(b->goldens, e->path, ib_buf_cstr(&golden), oo,
                    rebase(&pictures, oo->path, root, b->s->diff_dir));
    ib_buf_free(&golden);
    ib_buf_free(&pictures);
}

/* --golden: the goldens an entry's outputs map to, whatever became of
 * them. A golden is an orphan only if no input of the run would make it:
 * not when its input failed this time, or was up to date under -u (and
 * --update-golden must not remove it then). A name known only once made
 * is known only for an output made. */
static void note_goldens(struct ib_batch *b, const struct ib_entry *e,
                         const struct ib_outcome *o)
{
    if (!b->goldens)
        return;
    struct ib_buf golden;
    ib_buf_init(&golden);
    for (int r = 0; r < b->s->nrenditions; r++) {
        const struct ib_rendition *rd = &b->s->renditions[r];
        const char *path = NULL;
        if (!rd->name || !ib_name_is_late(rd->name))
            path = output_of(b, e, r);
        else if (r < o->noutputs && o->outputs[r].status == IB_STATUS_OK)
            path = o->outputs[r].path;
        if (path && path[0]) /* "": a name that cannot be made */
            ib_goldens_note(b->goldens, rebase(&golden, path, root_of(b, e),
                                               b->s->golden_dir));
    }
    ib_buf_free(&golden);
}

static void note_outputs(struct ib_batch *b, const struct ib_entry *e,
                         const struct ib_outcome *o)
{
    for (int r = 0; r < o->noutputs; r++) {
        const struct ib_output_outcome *oo = &o->outputs[r];
        if (oo->status != IB_STATUS_OK)
            continue;
        note_golden(b, e, oo);
        if (b->s->update)
            ib_state_record(b->state, state_dir(b, e), e,
                            b->s->renditions[r].variant, b->fingerprints[r],
                            oo->path);
        else
            ib_state_keep_up(b->state, state_dir(b, e), e,
                             b->s->renditions[r].variant, b->fingerprints[r],
                             oo->path);
    }
    ib_manifest_add(b->manifest, e->path, o);
}

/* Each output's why, for the report: why it was made, or that it was
 * kept. Without -u, whether it took the place of a file, which the worker
 * saw as it put it in place: the parent looks at no output. */
static void say_why(struct ib_batch *b, const struct ib_entry *e,
                    struct ib_outcome *o)
{
    size_t i = (size_t)(e - b->list->v);
    for (int r = 0; r < o->noutputs; r++) {
        struct ib_output_outcome *oo = &o->outputs[r];
        enum ib_freshness f = fresh_of(b, i, r);
        if (!b->s->update && oo->status == IB_STATUS_OK)
            f = oo->replaced ? IB_FRESH_REPLACES : IB_FRESH_NEW;
        if (oo->status == IB_STATUS_OK ||
            (oo->status == IB_STATUS_SKIPPED && f == IB_FRESH_UP_TO_DATE))
            oo->why = ib_freshness_text(f);
    }
}

static int task_done(void *ctx, uint64_t id, const unsigned char *frame,
                     size_t len)
{
    struct ib_batch *b = ctx;
    struct ib_msg *m = ib_xmalloc(sizeof(*m));
    if (ib_proto_decode(frame, len, m) != 0 || m->type != IB_MSG_RESULT ||
        (m->outcome.noutputs && m->outcome.noutputs != b->s->nrenditions)) {
        free(m);
        return -1;
    }
    struct ib_outcome *o = &m->outcome;
    struct ib_entry *e = land(b, id);
    say_why(b, e, o);
    note_write(b, o);
    if (o->status != IB_STATUS_FAILED || o->noutputs)
        note_outputs(b, e, o);
    report(b, e, o);
    free(m);
    return 0;
}

/* A worker claims the paths of outputs known only once made. */
static int task_claim(void *ctx, uint64_t id, const unsigned char *frame,
                      size_t len, struct ib_buf *reply)
{
    struct ib_batch *b = ctx;
    struct ib_msg *m = ib_xmalloc(sizeof(*m));
    if (ib_proto_decode(frame, len, m) != 0 || m->type != IB_MSG_CLAIM) {
        free(m);
        return -1;
    }
    size_t entry = b->flights[id];
    struct ib_grant g = {.id = id, .n = m->claim.n};
    char(*why)[512] = ib_xcalloc(IB_MAX_OUTPUTS, sizeof(*why));
    for (int i = 0; i < m->claim.n; i++) {
        int r = m->claim.v[i].index;
        g.v[i].ok = r < b->s->nrenditions &&
                    ib_claims_late(b->claims, entry, r, m->claim.v[i].path,
                                   why[i], sizeof(why[i])) == 0;
        g.v[i].reason = why[i];
    }
    ib_proto_put_grant(reply, &g);
    free(why);
    free(m);
    return 0;
}

static void task_returned(void *ctx, uint64_t id)
{
    struct ib_batch *b = ctx;
    struct ib_entry *e = land(b, id);
    b->returned = ib_xgrow(b->returned, &b->returned_cap, b->nreturned + 1,
                           sizeof(*b->returned));
    b->returned[b->nreturned++] = (unsigned)(e - b->list->v);
    b->inputs_left++;
}

/* Why a file its worker died on failed: how the worker ended, with the
 * last line it wrote on stderr (one line, escaped, whatever it held);
 * under --max-memory, an allocation that failed is the limit's doing,
 * said as the limit. */
static void lost_reason(const struct ib_batch *b, const char *reason,
                        const char *said, char *buf, size_t len)
{
    if (said && b->s->max_memory > 0 && ib_memlimit_says_alloc_failed(said)) {
        ib_memlimit_reason(b->s->max_memory, buf, len);
        return;
    }
    if (!said) {
        snprintf(buf, len, "%s", reason);
        return;
    }
    struct ib_buf text;
    ib_buf_init(&text);
    ib_quote_put(&text, said);
    snprintf(buf, len, "%s (%s)", reason, ib_buf_cstr(&text));
    ib_buf_free(&text);
}

/* The worker holding task id is gone: the temp files it may have left
 * (named ones, where files cannot be unnamed) must go too. */
static void task_lost(void *ctx, uint64_t id, pid_t pid, const char *reason,
                      const char *said)
{
    struct ib_batch *b = ctx;
    struct ib_entry *e = land(b, id);
    size_t index = (size_t)(e - b->list->v);
    for (int r = 0; r < b->s->nrenditions; r++) {
        /* A name known once made is in the claims, if it got that far. */
        const char *late = ib_claims_late_path(b->claims, index, r);
        ib_temp_path(late ? late : output_of(b, e, r), pid, &b->scratch);
        unlink(ib_buf_cstr(&b->scratch));
    }
    if (!reason) /* interrupted: not the file's fault, not reported */
        return;
    char why[IB_ERROR_MAX];
    lost_reason(b, reason, said, why, sizeof(why));
    report(b, e, no_work(b, e, IB_STATUS_FAILED, why));
}

static void tick(void *ctx)
{
    struct ib_batch *b = ctx;
    if (!b->hooks->on_tick)
        return;
    b->counts.seconds = ib_now_seconds() - b->started;
    b->hooks->on_tick(b->hooks->ctx, &b->counts);
}

static int prepare_workers(void *ctx, char *why, size_t why_len)
{
    struct ib_batch *b = ctx;
    return b->workers->prepare
               ? b->workers->prepare(b->workers->ctx, why, why_len)
               : 0;
}

static void run_worker(void *ctx, int task_fd, int result_fd)
{
    struct ib_batch *b = ctx;
    b->workers->run(b->workers->ctx, b->s, task_fd, result_fd);
}

/* ---- before any work --------------------------------------------------- */

static size_t count_inputs(const struct ib_file_list *list)
{
    size_t n = 0;
    for (size_t i = 0; i < list->n; i++)
        n += list->v[i].state == IB_ENTRY_INPUT;
    return n;
}

/* An entry whose every output is refused needs no work. */
static void refuse_entries(struct ib_batch *b)
{
    char why[IB_ERROR_MAX];
    for (size_t i = 0; i < b->list->n; i++) {
        struct ib_entry *e = &b->list->v[i];
        int refused = 0;
        for (int r = 0; e->state == IB_ENTRY_INPUT && r < b->s->nrenditions;
             r++)
            refused += ib_claims_state(b->claims, i, r, why, sizeof(why)) ==
                       IB_CLAIM_REFUSED;
        if (refused && refused == b->s->nrenditions) {
            e->state = IB_ENTRY_ERROR;
            e->why = IB_WHY_REFUSED;
        }
    }
}

/* Output r of entry i before any work: under -u, whether it is up to date
 * or may be made; without, whether it replaces a file. -n says what would
 * be made, and why. */
static enum ib_freshness judge(struct ib_batch *b, size_t i, int r)
{
    const struct ib_entry *e = &b->list->v[i];
    const struct ib_rendition *rd = &b->s->renditions[r];
    int late = rd->name && ib_name_is_late(rd->name);
    enum ib_freshness f = b->s->update
                              ? ib_state_check(b->state, state_dir(b, e), e,
                                               rd->variant, b->fingerprints[r],
                                               late ? NULL : output_of(b, e, r))
                              : replaces(b, e, r);
    set_fresh(b, i, r, f);
    char why[8];
    if (b->s->update && !b->s->dry_run && !late && f != IB_FRESH_UP_TO_DATE &&
        !ib_freshness_refused(f))
        ib_state_intend(b->state, state_dir(b, e), e, rd->variant,
                        output_of(b, e, r));
    if (b->s->dry_run && b->hooks->on_plan && f != IB_FRESH_UP_TO_DATE &&
        !ib_freshness_refused(f) &&
        ib_claims_state(b->claims, i, r, why, sizeof(why)) == IB_CLAIM_FREE) {
        /* output_of's buffer is reused by the hook's caller: copy. */
        ib_buf_reset(&b->scratch);
        ib_buf_put_str(&b->scratch, output_of(b, e, r));
        b->hooks->on_plan(b->hooks->ctx, e, r, ib_buf_cstr(&b->scratch),
                          ib_freshness_text(f));
    }
    return f;
}

/* Before any worker starts (none does if nothing is left): -u marks the
 * outputs that are up to date, and those it may not replace; an input
 * whose every output is one or the other needs no worker. --dry-run
 * announces the others. */
static void plan_work(struct ib_batch *b)
{
    int nr = b->s->nrenditions;
    for (size_t i = 0; i < b->list->n; i++) {
        struct ib_entry *e = &b->list->v[i];
        if (e->state != IB_ENTRY_INPUT)
            continue;
        int kept = 0, refused = 0;
        for (int r = 0; r < nr; r++) {
            enum ib_freshness f = judge(b, i, r);
            kept += f == IB_FRESH_UP_TO_DATE;
            refused += ib_freshness_refused(f);
        }
        if (kept == nr) {
            e->state = IB_ENTRY_SKIPPED;
            e->why = IB_WHY_UP_TO_DATE;
        } else if (refused && kept + refused == nr) {
            e->state = IB_ENTRY_ERROR;
            e->why = IB_WHY_REFUSED;
        } else if (b->s->dry_run) {
            e->state = IB_ENTRY_SKIPPED;
            e->why = IB_WHY_DRY_RUN;
        }
    }
}

/* ---- the end ----------------------------------------------------------- */

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

static void prune(struct ib_batch *b)
{
    const char *variants[IB_MAX_OUTPUTS];
    for (int r = 0; r < b->s->nrenditions; r++)
        variants[r] = b->s->renditions[r].variant;
    for (int i = 0; i < b->s->nprune_roots; i++)
        b->counts.pruned += ib_state_prune(b->state, b->s->prune_roots[i],
                                           variants, b->s->nrenditions,
                                           b->hooks->on_pruned, b->hooks->ctx);
}

/* Goldens that no input of this run maps to, when the run covers the
 * golden folder (settings.h). Never under --shard: the other shards'
 * goldens would all look orphaned. */
static void find_orphans(struct ib_batch *b)
{
    if (!b->s->golden_orphans || b->s->shard.count > 1)
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
    if (b->s->diff_dir &&
        ib_goldens_write_page(b->goldens, b->counts.golden) != 0)
        result->diff_page_errno = errno ? errno : EIO;
    if (!b->s->update_golden)
        result->orphans_unsought = ib_goldens_orphans_unsought(b->goldens);
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
    if (b->manifest && !b->s->dry_run && ib_manifest_write(b->manifest) != 0)
        result->manifest_errno = errno ? errno : EIO;
    ib_manifest_free(b->manifest);
    ib_goldens_free(b->goldens);
    ib_state_free(b->state);
    ib_claims_free(b->claims);
    b->manifest = NULL;
    b->goldens = NULL;
    b->state = NULL;
    b->claims = NULL;
    free(b->fresh);
    free(b->fingerprints);
    free(b->outcome);
    ib_order_free(&b->order);
    free(b->returned);
    free_flights(b);
    ib_buf_free(&b->output);
    ib_buf_free(&b->base);
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
        .task_claim = task_claim,
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

static void begin(struct ib_batch *b, struct ib_file_list *list,
                  struct ib_batch_result *result)
{
    const struct ib_settings *s = b->s;
    b->list = list;
    b->started = ib_now_seconds();
    b->counts.total = list->n;
    ib_buf_init(&b->output);
    ib_buf_init(&b->base);
    ib_buf_init(&b->scratch);
    memset(result, 0, sizeof(*result));
    b->outcome = ib_xmalloc(sizeof(*b->outcome));
    b->claims = ib_claims_new(s, list);
    refuse_entries(b);
    b->goldens = ib_goldens_new(s);
    b->manifest = ib_manifest_new(s);
    b->fingerprints = ib_xcalloc((size_t)s->nrenditions, sizeof(uint64_t));
    for (int r = 0; r < s->nrenditions; r++)
        b->fingerprints[r] = ib_rendition_fingerprint(s, &s->renditions[r]);
    size_t nfresh = (list->n ? list->n : 1) * (size_t)s->nrenditions;
    b->fresh = ib_xmalloc(nfresh);
    memset(b->fresh, IB_FRESH_NEW, nfresh);
    /* Without -u too: a run keeps up the records of a folder -u keeps. */
    b->state = ib_state_new(&s->shard);
    if (s->update || s->dry_run) {
        plan_work(b);
        /* The outputs about to be made, before any is (ib_state_intend). */
        if (s->update && !s->dry_run && ib_state_save(b->state) != 0)
            result->state_errno = errno ? errno : EIO;
    }
    b->inputs_left = count_inputs(list);
}

void ib_batch_run(struct ib_batch *b, struct ib_file_list *list,
                  struct ib_batch_result *result)
{
    begin(b, list, result);
    if (b->s->dry_run) {
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

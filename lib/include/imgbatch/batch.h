/* SPDX-License-Identifier: MIT */
/* One batch: the file list through the pool, every input accounted for
 * exactly once (ok, failed or skipped), reported through hooks. */
#ifndef IMGBATCH_BATCH_H
#define IMGBATCH_BATCH_H

#include <stddef.h>

#include "imgbatch/proto.h"
#include "imgbatch/scan.h"
#include "imgbatch/settings.h"

/* How long workers get after SIGTERM before SIGKILL, on a stop signal. */
#define IB_KILL_GRACE_SECONDS 5.0

/* After this many failed writes in a row, with no output written in
 * between, the destination is taken to be unwritable (disk full, read-only)
 * and the batch stops instead of failing every remaining file slowly. */
#define IB_WRITE_FAILURES_TO_STOP 8

struct ib_batch_counts {
    size_t total; /* entries in the list */
    size_t ok;
    size_t failed;
    size_t skipped;
    size_t would;   /* --dry-run: inputs that would be resized */
    size_t pruned;  /* --prune: outputs removed */
    double seconds; /* since the batch started */
    /* --golden: outputs by enum ib_golden, and goldens no input made. */
    size_t golden[IB_GOLDEN_UNCHANGED + 1];
    size_t orphans;
};

struct ib_batch_hooks {
    void *ctx;
    /* Every entry once, with what became of it and of each of its
     * outputs (o->outputs[i] is rendition i's; none when the input itself
     * failed, or needed no work). */
    void (*on_file)(void *ctx, const struct ib_entry *e,
                    const struct ib_outcome *o);
    /* About ten times a second while work is under way. May be NULL. */
    void (*on_tick)(void *ctx, const struct ib_batch_counts *c);
    /* --dry-run: every output that would be made, and why (the text of an
     * enum ib_freshness). May be NULL otherwise. */
    void (*on_plan)(void *ctx, const struct ib_entry *e, int rendition,
                    const char *output, const char *why);
    /* --golden: a golden file that no input of this run makes. May be
     * NULL. */
    void (*on_orphan)(void *ctx, const char *golden);
    /* --prune: an output removed, and why (its input is gone, its variant
     * is no longer made). May be NULL. */
    void (*on_pruned)(void *ctx, const char *output, const char *input,
                      const char *why);
};

enum ib_batch_end {
    IB_BATCH_DONE,
    IB_BATCH_INTERRUPTED, /* by a stop signal: see ib_signals_stop() */
    IB_BATCH_NO_WORKERS,  /* could not keep workers alive: see err */
    IB_BATCH_WRITES_FAIL, /* every write failed (all, or enough in a row to
                             stop): see err; files not tried are skipped */
};

struct ib_batch_result {
    enum ib_batch_end end;
    struct ib_batch_counts counts;
    char err[1024];
    int state_errno;     /* -u: the state could not be saved (errno) */
    int diff_page_errno; /* --diff-dir: index.html not written (errno) */
    int manifest_errno;  /* --manifest: not written (errno) */
    /* --golden: why orphans were not looked for, or NULL (goldens.h) */
    const char *orphans_unsought;
};

/* What the batch's workers run: the caller's choice (the vips module, for
 * the binary; a fake, for the tests), so the batch knows no libvips. */
struct ib_batch_workers {
    void *ctx;
    /* In the spawner, before it forks workers (pool.h): loads what they
     * all need. 0, or -1 with the reason in why. May be NULL. */
    int (*prepare)(void *ctx, char *why, size_t why_len);
    /* A worker's life (vips/worker.h); never returns. */
    void (*run)(void *ctx, const struct ib_settings *s, int task_fd,
                int result_fd);
};

struct ib_batch;

/* Before the list is made: workers_now workers are forked at once (0 for
 * none), so that none holds a copy of the list; the first starts (libvips)
 * while the list is made, the others when the batch has work for them.
 * s, hooks and workers must outlive the batch. */
struct ib_batch *ib_batch_new(const struct ib_settings *s,
                              const struct ib_batch_hooks *hooks,
                              const struct ib_batch_workers *workers,
                              int workers_now);

/* Runs the batch, once. The list must be finished (sorted); entries whose
 * outputs clash are marked failed here, before any work. */
void ib_batch_run(struct ib_batch *b, struct ib_file_list *list,
                  struct ib_batch_result *result);

/* Ends any worker left, started or not. */
void ib_batch_free(struct ib_batch *b);

#endif

/* SPDX-License-Identifier: MIT */
/* A pool of forked worker processes fed a task at a time. It knows
 * processes and the protocol's frames (their type, and the task id that
 * starts TASK and RESULT frames), never what a task or a result says: the
 * batch layer supplies task frames and reads result frames through hooks.
 * tests/unit/test_pool.c drives it with a fake worker. */
#ifndef IMGBATCH_POOL_H
#define IMGBATCH_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "imgbatch/buf.h"

struct ib_pool_config {
    int jobs;             /* workers at most */
    double timeout_s;     /* per task; 0 = none */
    double kill_grace_s;  /* after SIGTERM, before SIGKILL */
    int startup_failures; /* consecutive deaths before READY that end it */
};

struct ib_pool_hooks {
    void *ctx;
    /* Runs once in each spawner (spawn.h), before it forks workers: loads
     * what they all need, which they then share. 0, or -1 with the reason
     * in why (the workers it would have forked count as failed to start,
     * for that reason). May be NULL. */
    int (*prepare)(void *ctx, char *why, size_t why_len);
    /* Runs in a new worker, after fork(); must not return. It says READY
     * once it can work (or UNABLE, and why, and exits), then answers each
     * TASK frame with one RESULT frame carrying the task's id, in order.
     * What it writes on stderr is the pool's (see task_lost): it writes
     * IB_SAID_MARK there before READY and before each RESULT. */
    void (*worker_main)(void *ctx, int task_fd, int result_fd);
    /* Writes the next TASK frame into frame (its id is the task's);
     * returns 0 when none is left. */
    int (*next_task)(void *ctx, struct ib_buf *frame);
    /* How many tasks next_task has still to give (to size the pool). */
    size_t (*remaining)(void *ctx);
    /* A worker answered task id with this RESULT frame. 0, or -1 when the
     * frame does not decode: the worker is then ended as talking
     * nonsense, and the task lost. */
    int (*task_done)(void *ctx, uint64_t id, const unsigned char *frame,
                     size_t len);
    /* A worker working on task id asks (a CLAIM frame): the answer, a
     * frame, goes into reply and back to the worker. 0, or -1 when the
     * frame does not decode (the worker is ended, the task lost). */
    int (*task_claim)(void *ctx, uint64_t id, const unsigned char *frame,
                      size_t len, struct ib_buf *reply);
    /* The worker (pid) holding task id died or was killed; reason says how
     * ("killed by SIGSEGV", "timed out after 60 s"), NULL when the batch is
     * being interrupted. said: the last line the worker wrote on stderr
     * while on the task (a library's last words: "free(): invalid next
     * size"), as it came, or NULL. */
    void (*task_lost)(void *ctx, uint64_t id, pid_t pid, const char *reason,
                      const char *said);
    /* Task id, queued behind the one a worker died on (or fetched ahead
     * when the pool gives up), was never started: next_task is to give it
     * again. */
    void (*task_returned)(void *ctx, uint64_t id);
    /* Called about ten times a second while the pool waits. May be NULL. */
    void (*tick)(void *ctx);
};

enum ib_pool_end {
    IB_POOL_DONE,        /* every task handed out and answered */
    IB_POOL_INTERRUPTED, /* a stop signal arrived (see ib_signals_stop) */
    IB_POOL_NO_WORKERS,  /* workers keep dying at start-up: err says how */
};

struct ib_pool;

/* cfg and hooks must outlive the pool. */
struct ib_pool *ib_pool_new(const struct ib_pool_config *cfg,
                            const struct ib_pool_hooks *hooks);

/* Forks up to n workers now, before the tasks are known, so that none of
 * them holds a copy of what the caller makes next. The first starts at
 * once (worker_main), while the caller prepares the tasks; the others wait
 * dormant, and are started by the run when there is work for them, or
 * ended unstarted. */
void ib_pool_start(struct ib_pool *p, int n);

/* Hands out every task (next_task) and hears every outcome. Once. */
enum ib_pool_end ib_pool_run(struct ib_pool *p, char *err, size_t err_len);

/* Ends any worker left (one started and never run, too). */
void ib_pool_free(struct ib_pool *p);

#endif

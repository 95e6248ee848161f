/* SPDX-License-Identifier: MIT */
/* How the pool paces itself when files are quick (pool.c's design comment
 * says where it fits).
 *
 * Why. A worker answers each file with a RESULT, and every RESULT wakes
 * the parent. With files of a tenth of a millisecond (icons, tiles, 32x32
 * thumbnails) those wake-ups were the parent's cost: half of its CPU went
 * to being switched in, once per file. So, while the recent files are
 * quick, the pool hands each worker more of them at once (PACE_DEEP
 * instead of two) and lets the results gather for a while before it
 * reads them, a few per worker a wake-up: the workers, with files queued,
 * never wait for it.
 *
 * When. Only while the mean time a file takes (from the results as they
 * are read) is under PACE_QUICK_S, more files are left than the workers
 * would hold deep (so that the end of the batch is handed out two at a
 * time, as before), no worker has asked the parent anything mid-file (a
 * CLAIM waits for its answer: a gathering parent would keep it waiting)
 * and the task's frame is small (PACE_FRAME_MAX: deep queues stay well
 * inside a pipe's 64 KiB, so the parent's writes never block). A worker
 * that dies holding a deep queue costs the file it was on, as before; the
 * others go back to the batch. */
#ifndef IMGBATCH_PARENT_PACE_H
#define IMGBATCH_PARENT_PACE_H

#include <stddef.h>

/* Tasks a worker holds: the one it works on and the next; deep, more. */
#define PACE_SHALLOW 2
#define PACE_DEEP 8
/* Files quicker than this (mean) are paced. */
#define PACE_QUICK_S 0.002
/* A gathering wait lasts this long at most. */
#define PACE_GATHER_MAX_S 0.004
#define PACE_FRAME_MAX 4096

struct ib_pace {
    double mean_s; /* of the recent files, from their results */
    int samples;
    int asked; /* a worker has sent a CLAIM */
};

/* A result read: the file took seconds (since its worker started on it,
 * as far as the parent knows). */
void ib_pace_note_result(struct ib_pace *pc, double seconds);

/* A worker asked the parent mid-file (CLAIM): pacing ends for the run. */
void ib_pace_note_claim(struct ib_pace *pc);

/* How many tasks a worker is to hold when `remaining` are left for
 * `workers`: PACE_DEEP or PACE_SHALLOW. A task whose frame is longer
 * than PACE_FRAME_MAX is never queued deep. */
int ib_pace_depth(const struct ib_pace *pc, size_t remaining, int workers);

/* How long to let results gather before reading them, when the busy
 * worker holding the fewest tasks holds `fewest`: 0 for not at all. */
double ib_pace_gather_s(const struct ib_pace *pc, int fewest);

#endif

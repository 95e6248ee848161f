/* SPDX-License-Identifier: MIT */
/* The progress line on a terminal: one line redrawn in place (done/total,
 * percentage, failed, files/s, elapsed time, ETA), at most ten times a
 * second, fitted to the terminal's width, cleared before any other line
 * is printed. */
#ifndef IMGBATCH_CMD_PROGRESS_H
#define IMGBATCH_CMD_PROGRESS_H

#include <stdio.h>

#include "imgbatch/batch.h"

struct progress {
    FILE *f;     /* NULL: disabled */
    double last; /* when it was last drawn */
    int visible; /* something is on the line */
};

void progress_init(struct progress *p, FILE *f, int enabled);
void progress_update(struct progress *p, const struct ib_batch_counts *c);
/* Clears the line (if drawn) so the caller can print a whole line. */
void progress_clear(struct progress *p);

#endif

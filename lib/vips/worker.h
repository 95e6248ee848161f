/* SPDX-License-Identifier: MIT */
/* The worker process's main loop. */
#ifndef IMGBATCH_WORKER_H
#define IMGBATCH_WORKER_H

#include "imgbatch/settings.h"

/* Initialises libvips, says READY, then resizes one task at a time until
 * the task pipe closes. Never returns. */
void ib_worker_main(const struct ib_settings *s, int task_fd, int result_fd);

#endif

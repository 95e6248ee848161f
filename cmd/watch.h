/* SPDX-License-Identifier: MIT */
/* --watch: keep running, and make again what appears or changes under the
 * PATHs. */
#ifndef IMGBATCH_CMD_WATCH_H
#define IMGBATCH_CMD_WATCH_H

#include "imgbatch/batch.h"
#include "imgbatch/scan.h"
#include "options.h"

struct watch_hooks {
    void *ctx;
    /* One run over the PATHs (under -u: only what changed is made). 0 to
     * go on watching, 1 to go on with another round once settled (files
     * were held back), -1 to stop (a stop signal, workers that cannot
     * start, writes that keep failing). */
    int (*round)(void *ctx);
};

/* Takes out of a round's list the files changed less than settle
 * seconds ago (still being written, maybe): they wait for the next
 * round. Returns how many. */
size_t watch_hold_unsettled(struct ib_file_list *list, double settle);

/* Runs a round, then one each time the PATHs have been quiet for
 * --watch-settle seconds after a change, until a stop signal or a round
 * says stop. 0, or -1 after a message when inotify cannot watch them. */
int watch_run(const struct cli *c, const struct ib_scan_options *scan,
              const struct watch_hooks *hooks);

#endif

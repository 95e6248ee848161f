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
     * go on watching, -1 to stop (a stop signal, workers that cannot
     * start, writes that keep failing). */
    int (*round)(void *ctx);
};

/* Runs a round, then one each time the PATHs have been quiet for
 * --watch-settle seconds after a change, until a stop signal or a round
 * says stop. 0, or -1 after a message when inotify cannot watch them. */
int watch_run(const struct cli *c, const struct ib_scan_options *scan,
              const struct watch_hooks *hooks);

#endif

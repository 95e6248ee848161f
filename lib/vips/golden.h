/* SPDX-License-Identifier: MIT */
/* --golden and --update-golden, in the worker: an output just written is
 * compared with its golden by decoded pixels (compare.h), or becomes it. */
#ifndef IMGBATCH_GOLDEN_H
#define IMGBATCH_GOLDEN_H

#include "imgbatch/proto.h"
#include "imgbatch/settings.h"

/* Sets o->golden (and the figures in o->error) for an OK outcome of task
 * t; a golden that cannot be read or written fails the file. */
void ib_golden_check(const struct ib_settings *s, const struct ib_task *t,
                     struct ib_outcome *o);

#endif

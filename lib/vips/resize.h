/* SPDX-License-Identifier: MIT */
/* One input made into its outputs, in a worker (after fork(), never in
 * the parent): the driver of plan.h, jpeg/direct.h and outputs.h. */
#ifndef IMGBATCH_RESIZE_H
#define IMGBATCH_RESIZE_H

#include <stddef.h>

#include "imgbatch/proto.h"
#include "imgbatch/settings.h"
#include "outputs.h"

struct ib_resizer;

/* Starts libvips in this process (a worker, after fork) and configures it
 * for the batch. NULL with a reason in err on failure. */
struct ib_resizer *ib_resizer_new(const struct ib_settings *s, char *err,
                                  size_t err_len);
void ib_resizer_free(struct ib_resizer *r);

/* Makes task t's outputs and writes each (atomically: temp file and
 * rename), asking claimer for names known only once made; fills the
 * outcome, whose strings stay valid until the next call. Never leaves a
 * partial output. */
void ib_resize_input(struct ib_resizer *r, const struct ib_task *t,
                     struct ib_outcome *o, const struct ib_claimer *claimer);

/* Decodes, resizes and encodes an image held in memory into t's outputs,
 * writing nothing: the fuzzing entry point. Returns 0 when an output came
 * out. */
int ib_resize_memory(struct ib_resizer *r, const void *data, size_t len,
                     const struct ib_task *t, struct ib_outcome *o);

#endif

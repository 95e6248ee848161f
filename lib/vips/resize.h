/* SPDX-License-Identifier: MIT */
/* Decode, resize, encode and write one file, in a worker (after fork(),
 * never in the parent): the driver of plan.h, jpeg/direct.h and write.h. */
#ifndef IMGBATCH_RESIZE_H
#define IMGBATCH_RESIZE_H

#include <stddef.h>

#include "imgbatch/proto.h"
#include "imgbatch/settings.h"

struct ib_resizer;

/* Starts libvips in this process (a worker, after fork) and configures it
 * for the batch. NULL with a reason in err on failure. */
struct ib_resizer *ib_resizer_new(const struct ib_settings *s, char *err,
                                  size_t err_len);
void ib_resizer_free(struct ib_resizer *r);

/* Resizes task->input into task->output (atomically: temp file + rename)
 * and fills the outcome. Never leaves a partial output. */
void ib_resize_file(struct ib_resizer *r, const struct ib_task *task,
                    struct ib_outcome *o);

/* Decodes, resizes and encodes an image held in memory, writing nothing:
 * the fuzzing entry point. Returns 0 when an image came out. */
int ib_resize_memory(struct ib_resizer *r, const void *data, size_t len,
                     int format, struct ib_outcome *o);

#endif

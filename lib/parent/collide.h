/* SPDX-License-Identifier: MIT */
/* Finds, before any work, inputs whose outputs would clash: with the input
 * itself, with another input, or with another input's output. */
#ifndef IMGBATCH_COLLIDE_H
#define IMGBATCH_COLLIDE_H

#include "imgbatch/scan.h"
#include "imgbatch/settings.h"

/* Marks every clashing input IB_ENTRY_ERROR; the first input (in list
 * order) that claims an output keeps it. The list must be finished
 * (sorted). Returns how many were marked. */
size_t ib_mark_collisions(const struct ib_settings *s,
                          struct ib_file_list *list);

#endif

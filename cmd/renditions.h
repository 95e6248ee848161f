/* SPDX-License-Identifier: MIT */
/* The renditions a run makes of each input: every size of -s with every
 * format of -f, then each variant (a recipe's, then --variant's), each
 * over a copy of the command line's output options. Everything that can
 * be wrong with them is said here, before any work: a bad list or spec,
 * a fit that needs a box, two variants of one name, names that would
 * clash for every input or leave the output folder. */
#ifndef IMGBATCH_CMD_RENDITIONS_H
#define IMGBATCH_CMD_RENDITIONS_H

#include "options.h"
#include "recipe.h"

/* Builds c->settings.renditions. recipe may be NULL. 0, or -1 after a
 * usage error. */
int renditions_build(struct cli *c, const struct recipe *recipe);

#endif

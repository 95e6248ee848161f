/* SPDX-License-Identifier: MIT */
/* The parent's side of --golden: which goldens this run's outputs map to
 * (the rest of the golden folder are orphans), and the mismatches that
 * --diff-dir's page lists. The comparing itself is done by the worker that
 * made the output (vips/golden.c). */
#ifndef IMGBATCH_PARENT_GOLDENS_H
#define IMGBATCH_PARENT_GOLDENS_H

#include <stddef.h>

#include "imgbatch/proto.h"
#include "imgbatch/settings.h"

struct ib_goldens;

/* NULL without --golden. s must outlive it. With --diff-dir, removes the
 * pictures an earlier run left there: call it before any are written. */
struct ib_goldens *ib_goldens_new(const struct ib_settings *s);
void ib_goldens_free(struct ib_goldens *g);

/* A golden an output of this run maps to (not an orphan). */
void ib_goldens_note(struct ib_goldens *g, const char *golden);

/* --diff-dir: a mismatch or a missing golden (oo->golden says which),
 * for the page: its input, golden, output (its path, size, figures and
 * how far past its limits) and the base path of its pictures. */
void ib_goldens_case(struct ib_goldens *g, const char *input,
                     const char *golden, const struct ib_output_outcome *oo,
                     const char *pictures);

/* Goldens in the folder that no output of this run maps to: on_orphan is
 * called for each (under --update-golden, after removing it). Returns
 * how many there are (0 under --update-golden: they are gone). */
size_t ib_goldens_find_orphans(struct ib_goldens *g,
                               void (*on_orphan)(void *ctx, const char *path),
                               void *ctx);

/* Why orphans were not looked for ("--shard", "a PATH is not a whole
 * folder; --golden-orphans looks", ...: a string that outlives g), or
 * NULL when they were. */
const char *ib_goldens_orphans_unsought(const struct ib_goldens *g);

/* --diff-dir: writes its index.html: the mismatches worst first, the
 * missing goldens, the orphans (or why they were not looked for).
 * verdicts: how many outputs, by enum ib_golden. 0, or -1 with errno. */
int ib_goldens_write_page(struct ib_goldens *g, const size_t *verdicts);

#endif

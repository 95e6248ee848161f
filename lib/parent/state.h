/* SPDX-License-Identifier: MIT */
/* -u/--update: what was made from what, with which settings.
 *
 * Each output directory holds a small state file, `.imgbatch-state` (with
 * --shard K/N: `.imgbatch-state.K-of-N`, so parallel shards never write one
 * file), one record per output made: the settings fingerprint, the input's
 * path, size and mtime, and the output's size and mtime. It is written
 * whole and renamed into place at the end of a run, so it is never half
 * written; a run killed before then leaves the previous state, which can
 * only make the next run redo work, never skip what changed. */
#ifndef IMGBATCH_STATE_H
#define IMGBATCH_STATE_H

#include <stdint.h>

#include "imgbatch/scan.h"
#include "imgbatch/settings.h"
#include "imgbatch/shard.h"

struct ib_state; /* every state file this run has read, by directory */

/* Why an input needs work (or not). */
enum ib_freshness {
    IB_FRESH_UP_TO_DATE,
    IB_FRESH_NEW,              /* no record, or no output */
    IB_FRESH_INPUT_CHANGED,    /* size or mtime differ */
    IB_FRESH_SETTINGS_CHANGED, /* made with other settings */
    IB_FRESH_OUTPUT_CHANGED,   /* the output was replaced or touched */
};

const char *ib_freshness_text(enum ib_freshness f);

/* A fingerprint of every setting that changes an output's pixels or bytes,
 * and of the versions of imgbatch and libvips that made it. */
uint64_t ib_settings_fingerprint(const struct ib_settings *s);

struct ib_state *ib_state_new(uint64_t fingerprint,
                              const struct ib_shard *shard);
void ib_state_free(struct ib_state *st);

/* Whether the input of entry e, whose output is `output`, needs work. */
enum ib_freshness ib_state_check(struct ib_state *st, const struct ib_entry *e,
                                 const char *output);

/* Records that output was just made from e. */
void ib_state_record(struct ib_state *st, const struct ib_entry *e,
                     const char *output);

/* --prune: for every state file of this run's kind under root (a tree
 * walked without following symlinks), removes each output whose input no
 * longer exists, if the output is still the file imgbatch made (same size
 * and mtime), and forgets its record. on_pruned is called for each. Returns
 * the number of outputs removed. */
size_t ib_state_prune(struct ib_state *st, const char *root,
                      void (*on_pruned)(void *ctx, const char *output,
                                        const char *input),
                      void *ctx);

/* Writes every state file that changed. 0, or -1 with errno (the files that
 * could be written are). */
int ib_state_save(struct ib_state *st);

#endif

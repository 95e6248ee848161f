/* SPDX-License-Identifier: MIT */
/* -u/--update: what was made from what, with which settings.
 *
 * Beside each input's outputs (in the folder its outputs go to by default:
 * the input's own, or its mirror below -o) a small state file,
 * `.imgbatch-state` (with --shard K/N: `.imgbatch-state.K-of-N`, so
 * parallel shards never write one file), holds one record per output made:
 * the input's path, the output's variant, a fingerprint of the settings
 * that made it, the input's size and mtime, and the output's path and its
 * size and mtime. An output is looked up by its input and variant, so a
 * name known only once made ({w}, {hash:N}) is found as well. The file is
 * written whole and put in place atomically at the end of a run, so it is
 * never half written; a run killed before then leaves the previous state,
 * which can only make the next run redo work, never skip what changed. */
#ifndef IMGBATCH_STATE_H
#define IMGBATCH_STATE_H

#include <stdint.h>

#include "imgbatch/outpath.h"
#include "imgbatch/scan.h"
#include "imgbatch/settings.h"

struct ib_state; /* every state file this run has read, by directory */

/* Why an output needs work (or not), or may not have it. */
enum ib_freshness {
    IB_FRESH_UP_TO_DATE,
    IB_FRESH_NEW,              /* no record, or no output */
    IB_FRESH_INPUT_CHANGED,    /* size or mtime differ */
    IB_FRESH_SETTINGS_CHANGED, /* made with other settings */
    IB_FRESH_OUTPUT_CHANGED,   /* -u: replaced or touched since imgbatch
                                  made it: not replaced */
    IB_FRESH_NOT_OURS,         /* -u: a file imgbatch did not make is at
                                  its path: not replaced */
    IB_FRESH_REPLACES,         /* without -u: a file is at its path, and
                                  is replaced */
};

/* "new", "input changed", ...: what -n and the report say. */
const char *ib_freshness_text(enum ib_freshness f);

/* Whether -u leaves the output's path alone (the file there is not
 * imgbatch's). */
int ib_freshness_refused(enum ib_freshness f);

/* A fingerprint of every setting that changes rendition r's pixels or
 * bytes (the input's colour handling and page too), and of the versions of
 * imgbatch and libvips that made it. */
uint64_t ib_rendition_fingerprint(const struct ib_settings *s,
                                  const struct ib_rendition *r);

/* The state of a run; shard may be NULL. */
struct ib_state *ib_state_new(const struct ib_shard *shard);
void ib_state_free(struct ib_state *st);

/* Whether e's output for variant, made with fingerprint, needs work, and
 * may have it. dir is the folder the state is kept in for e (its default
 * outputs' folder); output, when known, is where the output is to go now
 * (a record of another path is stale; a file there must be one imgbatch
 * made, recorded in one of the folder's state files with its size and
 * mtime). */
enum ib_freshness ib_state_check(struct ib_state *st, const char *dir,
                                 const struct ib_entry *e, const char *variant,
                                 uint64_t fingerprint, const char *output);

/* Notes, before any work, that output may be written for e's variant:
 * saved at once (ib_state_save), so that a run killed before its end,
 * whose outputs no record names yet, leaves them to the next run as
 * imgbatch's own, to redo, and not as files it may not replace. */
void ib_state_intend(struct ib_state *st, const char *dir,
                     const struct ib_entry *e, const char *variant,
                     const char *output);

/* Records that output was just made from e for variant. */
void ib_state_record(struct ib_state *st, const char *dir,
                     const struct ib_entry *e, const char *variant,
                     uint64_t fingerprint, const char *output);

/* Without -u: records that output was made, if dir has a state file (a
 * -u run's), so that the file stays imgbatch's own for the next -u run;
 * a folder without one gets none. */
void ib_state_keep_up(struct ib_state *st, const char *dir,
                      const struct ib_entry *e, const char *variant,
                      uint64_t fingerprint, const char *output);

/* --prune: for every state file of this run's kind under root (a tree
 * walked without following symlinks), removes each output whose input no
 * longer exists, or whose variant is no longer made (not in variants),
 * if the output is still the file imgbatch made (same size and mtime),
 * and forgets its record. on_pruned is called for each. Returns the number
 * of outputs removed. */
size_t ib_state_prune(struct ib_state *st, const char *root,
                      const char *const *variants, int nvariants,
                      void (*on_pruned)(void *ctx, const char *output,
                                        const char *input, const char *why),
                      void *ctx);

/* Writes every state file that changed. 0, or -1 with errno (the files that
 * could be written are). */
int ib_state_save(struct ib_state *st);

#endif

/* SPDX-License-Identifier: MIT */
/* A worker's libvips: started once, after fork(), and set up for the batch
 * (one thread, no cache, the loader policy, the modules the policy allows),
 * with the log messages of libvips and its codecs caught: some decoders
 * fail with an empty error and say why only in a warning. */
#ifndef IMGBATCH_VIPS_STARTUP_H
#define IMGBATCH_VIPS_STARTUP_H

#include <stddef.h>

#include "imgbatch/proto.h"
#include "imgbatch/settings.h"

struct ib_vips;

/* Starts libvips in this process under the loader policy (which must
 * outlive it). all_modules: load every allowed module now, not on first
 * need (under an address-space limit that starts after start-up). NULL
 * with the reason in err. */
struct ib_vips *ib_vips_start(const struct ib_loaders *policy, int all_modules,
                              char *err, size_t err_len);
void ib_vips_stop(struct ib_vips *v);

/* Blocks and unblocks loaders as the policy says (ib_vips_start does). */
void ib_vips_set_policy(const struct ib_loaders *l);

/* Loads the allowed modules not loaded yet: 1 when it did (a file no
 * loader knew may have one now, a format may have its saver), else 0. */
int ib_vips_load_more(struct ib_vips *v);

/* A new file: errors and warnings from before now are not its own. */
void ib_vips_begin_file(struct ib_vips *v);

/* A step of the file (its header, its decode, one output) succeeded:
 * what libvips put in its error buffer meanwhile (warnings) explains no
 * later failure, which is then given its own reason. The warnings logged
 * stay: they are the file's, and some decoders say why they fail only
 * there. */
void ib_vips_step_done(struct ib_vips *v);

/* --max-memory, once the worker's address space is limited: a reason that
 * says "out of memory" then names the limit. */
void ib_vips_note_memory_limit(struct ib_vips *v, long long bytes);

/* libvips' reason for a failure: the first line of its error buffer (the
 * root cause: errors stack, root first), else the first warning logged
 * for this file. The error buffer is cleared. */
void ib_vips_reason(struct ib_vips *v, char *buf, size_t len);

/* The reason a saver failed when its target did not: libvips is lazy, so
 * the pixels are decoded as they are saved, and a decode that fails late
 * may say why only in a warning ("not enough data", a truncated
 * interlaced PNG) while the PNG saver's error blames the output
 * ("vips2png: unable to write to target"): then the warning; else as
 * ib_vips_reason. */
void ib_vips_save_reason(struct ib_vips *v, char *buf, size_t len);

/* Fails o with libvips' reason. */
void ib_vips_fail(struct ib_vips *v, struct ib_outcome *o);

#endif

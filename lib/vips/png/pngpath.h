/* SPDX-License-Identifier: MIT */
/* When a PNG's outputs come from a box-shrunk decode (pngbox.h) rather
 * than from libvips' loader: a file libvips would read whole and then
 * shrink by 4 or more, with outputs that libvips' thumbnail makes from an
 * image as from the file (no crop or stretch, no metadata kept, no linear
 * light), and a box of 2 or more that divides both sides (so that the
 * residual resize samples where libvips' would). The outputs then differ
 * from libvips' own in rounding, and where the box is smaller than
 * libvips' in how much of the shrink is lanczos (tests/cli/png_path.sh).
 * IMGBATCH_DIRECT_PNG=0 turns the path off. */
#ifndef IMGBATCH_PNGPATH_H
#define IMGBATCH_PNGPATH_H

#include "imgbatch/settings.h"
#include "outputs.h"
#include "plan.h"

/* Whether the path serves outs (those still to make), and the box
 * factors across and down of their base (equal, 2 or more): 1, or 0 with
 * both 1. */
int ib_png_path_factors(const struct ib_settings *s, const struct ib_input *in,
                        const struct ib_plan *p, const struct ib_outs *outs,
                        int *kh, int *kv);

#endif

/* SPDX-License-Identifier: MIT */
/* When a file's outputs come from a box-shrunk decode (pngbox.h, for
 * PNG) rather than from libvips' loader: a file libvips would read whole
 * and then
 * shrink by 4 or more, with outputs that libvips' thumbnail makes from an
 * image as from the file (no crop or stretch, no metadata kept, no linear
 * light), and a box of 2 or more that divides both sides (so that the
 * residual resize samples where libvips' would). The outputs then differ
 * from libvips' own in rounding, and where the box is smaller than
 * libvips' in how much of the shrink is lanczos (tests/cli/png_path.sh).
 * IMGBATCH_DIRECT_PNG=0 turns the path off. (The same box over libtiff's
 * strips was tried for striped TIFF and did not pay: libtiff's LZW decode
 * is the cost there, and libvips' loader adds little to it.) */
#ifndef IMGBATCH_BOXPATH_H
#define IMGBATCH_BOXPATH_H

#include "imgbatch/settings.h"
#include "outputs.h"
#include "plan.h"

/* Whether the file and every output of outs still to make can come from
 * a base made by a decoder of the worker's own rather than libvips'
 * loader: a file of that loader (class name prefix) that libvips would
 * read as it is, one page, no orientation to apply, no linear light; and
 * outputs that keep no metadata and are not stretched (--fit fill), and
 * from a shrunk base are not cropped either. path_switch is the environment
 * variable that turns the path off (pathswitch.h). */
int ib_base_serves(const struct ib_settings *s, const struct ib_input *in,
                   const struct ib_plan *p, const struct ib_outs *outs,
                   const char *loader, const char *path_switch, int shrunk);

/* The box (2 or more) by which the file can be decoded for outs (those
 * still to make): ib_png_box_load then gives their base. 0 when the path
 * does not serve them. */
int ib_box_path(const struct ib_settings *s, const struct ib_input *in,
                const struct ib_plan *p, const struct ib_outs *outs);

#endif

/* SPDX-License-Identifier: MIT */
/* Several outputs of one input from one decode, in a worker. */
#ifndef IMGBATCH_VIPS_SEVERAL_H
#define IMGBATCH_VIPS_SEVERAL_H

#include "outputs.h"
#include "plan.h"
#include "startup.h"

/* Loads in once, as the plan says, and makes each output of outs still to
 * be made (not kept, skipped or failed) from it. A failure to load fails
 * o; a failure of one output fails that output. */
void ib_make_several(const struct ib_settings *s, struct ib_vips *v,
                     struct ib_outs *outs, const struct ib_input *in,
                     const struct ib_plan *p, struct ib_outcome *o);

/* The same from a base made elsewhere (a shrunk decode: pngbox.h), which
 * it takes; the outputs made are marked pipeline (enum ib_pipeline). The
 * base must be of the file's own orientation and aspect. colour, when not
 * NULL, converts each thumbnail to sRGB (the base's profile having been
 * taken off: boxcolour.h). */
struct ib_box_colour;
void ib_make_from_base(const struct ib_settings *s, struct ib_vips *v,
                       struct ib_outs *outs, const struct ib_input *in,
                       const struct ib_plan *p, VipsImage *base,
                       const struct ib_box_colour *colour, int pipeline);

#endif

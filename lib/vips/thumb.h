/* SPDX-License-Identifier: MIT */
/* libvips' thumbnail operation, asked for one output (its target, crop,
 * and the input's orientation and colour handling), from the file or from
 * an image in memory; and the rest of the output after it: its fit, its
 * format's needs, and maybe its bytes. */
#ifndef IMGBATCH_VIPS_THUMB_H
#define IMGBATCH_VIPS_THUMB_H

#include <vips/vips.h>

#include "outputs.h"
#include "plan.h"
#include "startup.h"

/* out's thumbnail of the file in (shrink-on-load), lazily: NULL with a
 * libvips error. */
VipsImage *ib_thumb_file(const struct ib_settings *s, const struct ib_input *in,
                         const struct ib_plan *p, const struct ib_out *out);

/* img's thumbnail for target t (with crop), lazily: NULL with a libvips
 * error. */
VipsImage *ib_thumb_image(const struct ib_settings *s, VipsImage *img,
                          const struct ib_plan *p, const struct ib_target *t,
                          VipsInteresting crop);

/* The size of a lazy thumbnail (of ib_thumb_file or ib_thumb_image:
 * the header only, no pixel made), one page of it; the reference is
 * taken. 0, or -1 (lazy NULL) with the libvips error cleared. */
int ib_thumb_size(VipsImage *lazy, int *w, int *h);

/* Makes the thumbnail img into out: the rest of its fit, alpha and colour
 * space for its format, its size. Encoded into memory now when in_memory,
 * when its name waits for its bytes, or when it is not to be written;
 * else kept to be encoded as it is written. Takes img's reference (NULL:
 * the thumbnail failed). 0, or -1 with out failed with libvips' reason. */
int ib_thumb_finish(const struct ib_settings *s, struct ib_vips *v,
                    struct ib_out *out, VipsImage *img, int in_memory);

#endif

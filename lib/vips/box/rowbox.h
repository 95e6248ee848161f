/* SPDX-License-Identifier: MIT */
/* A decoder's rows box-shrunk as they come: the integer part of the
 * shrink libvips' resize would do on the whole decoded image (its
 * reducev/reduceh "gap" pre-shrink), computed in one pass, so that the
 * whole image is never held. The direct PNG path feeds it (pngbox.h). */
#ifndef IMGBATCH_ROWBOX_H
#define IMGBATCH_ROWBOX_H

#include <vips/vips.h>

struct ib_rowbox;

/* A box of kh across and kv down for a width x height image of 8-bit
 * samples, bands a pixel (1 to 4), the last alpha when alpha is set.
 * NULL when out of memory or the arguments are outside those. */
struct ib_rowbox *ib_rowbox_new(int width, int height, int bands, int alpha,
                                int kh, int kv);
void ib_rowbox_free(struct ib_rowbox *b);

/* Where the decoder puts the next row (width x bands bytes), and that it
 * has. */
unsigned char *ib_rowbox_row(struct ib_rowbox *b);
void ib_rowbox_push(struct ib_rowbox *b);

/* Once every row is pushed: the box-shrunk image, in memory, ceil(width /
 * kh) x ceil(height / kv), interpreted B_W or sRGB by its colour bands;
 * NULL before, or when out of memory. */
VipsImage *ib_rowbox_image(const struct ib_rowbox *b);

#endif

/* SPDX-License-Identifier: MIT */
/* A plain PNG decoded with libpng a row at a time and box-shrunk as the
 * rows stream, into a small image in memory: the integer part of the
 * shrink libvips' resize would do on the whole decoded image (its
 * reducev/reduceh "gap" pre-shrink: shrinkv then shrinkh, rounding alike,
 * the edges extended by copying). The whole image is never held, and the
 * box is computed in one tight pass instead of libvips' region pipeline.
 * libvips then does the residual lanczos resize, the colour and the rest
 * on the small image (boxpath.h says when). */
#ifndef IMGBATCH_PNGBOX_H
#define IMGBATCH_PNGBOX_H

#include <vips/vips.h>

/* The PNG in fd (read with pread from offset 0: the file position is left
 * alone) shrunk by kh across and kv down, as an 8-bit image in memory
 * with the metadata libvips' PNG loader would give it (interpretation,
 * resolution, ICC profile). NULL when the file is not one the path takes
 * (interlaced, 16-bit, transparency, EXIF, ...) or libpng finds fault
 * with it: the caller then leaves the file to libvips, which gives the
 * reason. */
VipsImage *ib_png_box_load(int fd, int kh, int kv);

/* The same from memory (the fuzz target's entry). */
VipsImage *ib_png_box_load_buffer(const void *data, size_t len, int kh, int kv);

#endif

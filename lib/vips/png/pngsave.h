/* SPDX-License-Identifier: MIT */
/* The direct PNG writer: the default PNG output, smaller and faster than
 * libvips' pngsave at its defaults (zlib level 6, no row filter).
 *
 * The rows are filtered as PNG's adaptive filtering does (pngfilter.h)
 * and the whole filtered image is compressed at once with libdeflate at
 * level 7; libpng writes the chunks around it (IHDR, pHYs as libvips
 * writes it, IDAT, IEND). On the bench's 41 wallpapers at 800 px this
 * is 2% smaller than Pillow's default PNG and a third faster to make;
 * libpng's own filtering into zlib at level 6 is as small but as slow as
 * Pillow's (README, "PNG output"). libdeflate is not a new package: it
 * comes with libtiff, which libvips needs.
 *
 * It serves only the plain case (the default compression, no palette,
 * metadata stripped, 8-bit grey or sRGB with up to one alpha band) and images
 * whose filtered rows fit in 64 MiB (libdeflate needs them whole) and in an
 * eighth of a --max-memory allowance (the rows and their compressed copy:
 * a quarter, the rest left to the image's pipeline); libvips
 * writes everything else, with its rows filtered likewise (encode.c). The
 * pixels written are those libvips would write (tests/cli/png_save.sh).
 * IMGBATCH_DIRECT_PNG_SAVE=0 turns it off. */
#ifndef IMGBATCH_PNGSAVE_H
#define IMGBATCH_PNGSAVE_H

#include <vips/vips.h>

#include "imgbatch/settings.h"

/* Whether the writer takes img, to be written with encoder options e and
 * the metadata stripped or not, under the run's --max-memory. */
int ib_png_save_serves(const struct ib_settings *s, const struct ib_encoder *e,
                       VipsImage *img, int strip);

/* Writes img as a PNG into target and ends it. 0; -1 with a libvips
 * error set; or IB_PNG_SAVE_NO_MEMORY when the filtered rows or their
 * compressed copy could not be allocated (under --max-memory, say), with
 * nothing written yet: the caller then leaves the image to libvips, whose
 * writer streams. */
enum { IB_PNG_SAVE_NO_MEMORY = -2 };
int ib_png_save(VipsImage *img, VipsTarget *target);

#endif

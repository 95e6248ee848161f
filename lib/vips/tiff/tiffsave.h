/* SPDX-License-Identifier: MIT */
/* The direct TIFF writer: the default TIFF output (deflate, horizontal
 * predictor, strips of 128 rows, as libvips' tiffsave writes it) in less
 * time.
 *
 * libvips 8.14 hands libtiff one scanline at a time, and libtiff then
 * compresses with zlib: 42% of the time of the bench's 8-bit TIFFs made
 * 800x800 TIFFs (perf). Given a whole strip in one call, libtiff (4.5,
 * built with libdeflate, as Debian's is) compresses it with libdeflate at
 * the same level instead: about half zlib's time for a slightly smaller
 * strip. So the writer gathers each strip's rows and hands it over whole;
 * the tags are those libvips writes (size, deflate with the horizontal
 * predictor, RGB or grey with unassociated alpha, 128 rows a strip,
 * orientation, resolution in pixels per centimetre, sample format).
 *
 * It serves the plain case (8-bit sRGB or grey with up to one alpha band,
 * one page, metadata stripped, the default policy); libvips writes the
 * rest. The pixels and tags are libvips' (tests/cli/tiff_save.sh).
 * IMGBATCH_DIRECT_TIFF_SAVE=0 turns it off. */
#ifndef IMGBATCH_TIFFSAVE_H
#define IMGBATCH_TIFFSAVE_H

#include <vips/vips.h>

/* Whether the writer takes img, to be written with the metadata stripped
 * or not. */
int ib_tiff_save_serves(VipsImage *img, int strip);

/* Writes img as a TIFF into target and ends it. 0, or -1 with a libvips
 * error set. */
int ib_tiff_save(VipsImage *img, VipsTarget *target);

#endif

/* SPDX-License-Identifier: MIT */
/* A HEIC or AVIF decoded by libheif into planes, as the base its outputs
 * are made from (several.h's ib_make_from_base), instead of through
 * libvips' loader.
 *
 * Why: libvips 8.14's loader asks libheif 1.15 for interleaved RGB, which
 * libheif makes in two scalar passes, YCbCr to planar RGB and then planar
 * to interleaved; asked for planar RGB it stops after the first. Decoding
 * the bench's 24 AVIF photos took libheif 1.75 to 1.91 s of CPU as planes
 * against 2.41 to 2.55 s interleaved; the 24 HEIC 4.78 s against 5.32 s.
 * libvips interleaves the planes as the resize reads them (bandjoin). The
 * pixels are libheif's own either way, its transformations (rotation,
 * mirror, crop) applied alike, and the metadata is what libvips' loader
 * sets, so the outputs are libvips' own bytes (tests/cli/heif_path.sh).
 *
 * When: the files and outputs a base of the worker's own serves
 * (boxpath.h's ib_base_serves: no kept metadata, no stretch; crops are
 * thumbnail's own), one image in the file, 8 bits, no alpha, and no
 * output that libvips' thumbnail would make from the file's embedded
 * thumbnail instead (it does when the thumbnail is narrower than the
 * image and would still be shrunk). IMGBATCH_DIRECT_HEIF=0 turns the
 * path off. */
#ifndef IMGBATCH_HEIFBASE_H
#define IMGBATCH_HEIFBASE_H

#include <vips/vips.h>

#include "imgbatch/settings.h"
#include "outputs.h"
#include "plan.h"

/* The base for the outputs of outs still to make, from the HEIF in fd
 * (read with pread: the file position is left alone); NULL when the path
 * does not serve them or libheif finds fault with the file (libvips then
 * reads it, and says why). */
VipsImage *ib_heif_base(int fd, const struct ib_settings *s,
                        const struct ib_input *in, const struct ib_plan *p,
                        const struct ib_outs *outs);

/* The whole image of a HEIF in memory, as ib_heif_base makes it, with no
 * outputs to serve (the fuzz target's entry). */
VipsImage *ib_heif_base_buffer(const void *data, size_t len);

#endif

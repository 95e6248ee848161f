/* SPDX-License-Identifier: MIT */
/* Whether a file takes the direct JPEG path (jpegpath.h), and running it:
 * the plan libvips' header would give, made from libjpeg's header, read
 * once for the plan and the decode. The worker keeps one ib_direct for
 * its life: the sRGB transforms and resize pipelines it caches. */
#ifndef IMGBATCH_VIPS_JPEG_DIRECT_H
#define IMGBATCH_VIPS_JPEG_DIRECT_H

#include "imgbatch/proto.h"
#include "imgbatch/settings.h"
#include "jpegio.h"
#include "srgb.h"
#include "outputs.h"

struct ib_direct;

/* NULL when IMGBATCH_DIRECT_JPEG=0 turns the path off: every file then
 * goes through libvips' pipeline (for comparing the two). s and srgb (the
 * worker's cached sRGB transforms, or NULL) must outlive it. */
struct ib_direct *ib_direct_new(const struct ib_settings *s,
                                struct ib_srgb_cache *srgb);
void ib_direct_free(struct ib_direct *d);

enum ib_direct_result {
    IB_DIRECT_DONE,     /* every output to make was made, in memory */
    IB_DIRECT_FAILED,   /* the plan refused the file: o says why */
    IB_DIRECT_DECLINED, /* libvips must do the file */
};

/* Runs the path on in for the outputs of outs: a plain JPEG whose outputs
 * are all JPEGs, decoded once at the shrink of the largest. On
 * IB_DIRECT_DONE each output to make holds its bytes, size and pipeline,
 * and o is ok. d may be NULL. */
enum ib_direct_result ib_direct_make(struct ib_direct *d,
                                     const struct ib_jpeg_input *in,
                                     struct ib_outs *outs,
                                     struct ib_outcome *o);

#endif

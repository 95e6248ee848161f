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
#include "write.h"

struct ib_direct;

/* NULL when IMGBATCH_DIRECT_JPEG=0 turns the path off: every file then
 * goes through libvips' pipeline (for comparing the two). s must outlive
 * it. */
struct ib_direct *ib_direct_new(const struct ib_settings *s);
void ib_direct_free(struct ib_direct *d);

enum ib_direct_result {
    IB_DIRECT_DONE,     /* pl holds the encoded output */
    IB_DIRECT_FAILED,   /* the plan refused the file: o says why */
    IB_DIRECT_DECLINED, /* libvips must do the file */
};

/* Runs the path on in, for output format (IB_FMT_FROM_LOADER: the
 * input's). On IB_DIRECT_DONE, pl->bytes is malloc'd (the caller frees
 * it) and o has the sizes and the pipeline. d may be NULL. */
enum ib_direct_result ib_direct_run(struct ib_direct *d, int format,
                                    const struct ib_jpeg_input *in,
                                    struct ib_payload *pl,
                                    struct ib_outcome *o);

#endif

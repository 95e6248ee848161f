/* SPDX-License-Identifier: MIT */
/* The direct JPEG path: a plain JPEG (RGB or grey; untagged, or tagged and
 * written as sRGB) resized to a JPEG with default colour handling, the
 * case of most batches. It does
 * what libvips' thumbnail does for such a file (the same shrink-on-load,
 * vips_resize, rotation and crop), but decodes and encodes with libjpeg
 * directly and computes the resize on the calling thread: on a 640-pixel
 * photo libvips' per-file machinery costs more than the codec. Anything
 * the path does not cover, or any file libjpeg finds fault with, goes
 * through the libvips pipeline instead (resize.c decides). */
#ifndef IMGBATCH_JPEGPATH_H
#define IMGBATCH_JPEGPATH_H

#include <stddef.h>
#include <vips/vips.h>

#include "imgbatch/geometry.h"
#include "imgbatch/settings.h"
#include "jpegio.h"
#include "resizecache.h"
#include "srgb.h"

struct ib_jpeg_job {
    int width, height;       /* as stored */
    int orientation;         /* EXIF 1..8; 1 when not rotating */
    struct ib_target target; /* resolved for the upright image */
    VipsInteresting crop;    /* when target.crop */
    /* The rest of the output's fit, ib_fit_finish's (fit.h); NULL: none. */
    const struct ib_rendition *rendition;
    /* Transform from the embedded profile to sRGB, with this intent,
     * through the cached transforms when they take the profile (srgb may
     * be NULL: libvips' transform then does it). */
    int to_srgb;
    int regrey; /* a grey image: one band again after (ib_srgb_to_grey) */
    VipsIntent intent;
    struct ib_srgb_cache *srgb;
    struct ib_resize_cache *resizes; /* may be NULL */
    const unsigned char *icc;        /* the embedded profile, when to_srgb */
    size_t icc_len;
    struct ib_jpeg_encoding encoding;
};

/* The job's shrink-on-load factor, libvips' for its target. */
int ib_jpeg_path_shrink(const struct ib_jpeg_job *job);

/* Decodes the JPEG whose header jpeg has read at 1/shrink, as libvips'
 * loader would (its size trimmed alike). 0, or -1 when the path cannot
 * do it cleanly. Once per reader. */
int ib_jpeg_path_decode(const struct ib_jpeg_job *job,
                        struct ib_jpeg_reader *jpeg, int shrink,
                        struct ib_pixels *decoded);

/* The job's output from decoded pixels (of any shrink): resized, to sRGB,
 * upright, cropped or padded. 0, or -1 (nothing reported: the caller uses
 * libvips). */
int ib_jpeg_path_render(const struct ib_jpeg_job *job,
                        const struct ib_pixels *decoded, struct ib_pixels *out);

/* Resizes the JPEG whose header jpeg has read: decoded at the job's own
 * shrink, rendered and encoded. On success *out holds the encoded output
 * (malloc'd) and out_w/out_h its size. -1 when the path cannot do it
 * cleanly: nothing is reported then, the caller uses libvips. */
int ib_jpeg_path_run(const struct ib_jpeg_job *job, struct ib_jpeg_reader *jpeg,
                     unsigned char **out, size_t *out_len, int *out_w,
                     int *out_h);
#endif

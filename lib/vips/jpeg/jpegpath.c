/* SPDX-License-Identifier: MIT */
/* The direct JPEG path (jpegpath.h). The shrink factors follow libvips
 * 8.14's thumbnail (resample/thumbnail.c) step for step, so that the
 * output has the same size and, the codec settings being libvips' too, the
 * same pixels; tests/cli/jpeg_path.sh compares the two paths. */
#include "jpegpath.h"

#include <stdlib.h>
#include <string.h>

#include "encode.h"
#include "fit.h"
#include "srgb.h"
#include "strips.h"

/* Decoded pixels beyond this go through libvips, which streams them: the
 * path holds the whole shrunk-on-load image in memory. 64 MiB is a 22
 * megapixel image after shrink-on-load, a 350 megapixel photo before. */
#define MAX_DECODED_BYTES ((size_t)64 << 20)

static int swaps_axes(int orientation)
{
    return orientation >= 5 && orientation <= 8;
}

/* thumbnail's calculate_shrink for the job's target, on a WxH image as
 * stored. */
static void calculate_shrink(const struct ib_jpeg_job *job, int width,
                             int height, double *hshrink, double *vshrink)
{
    ib_target_shrink(&job->target, width, height, swaps_axes(job->orientation),
                     hshrink, vshrink);
}

/* thumbnail's find_jpegshrink. */
static int jpeg_shrink(const struct ib_jpeg_job *job)
{
    double h, v;
    calculate_shrink(job, job->width, job->height, &h, &v);
    return ib_jpeg_shrink_factor(h, v);
}

/* libjpeg rounds a scaled size up, libvips' loader down (it drops the last
 * partial row and column): the same pixels otherwise. Keeps rows packed. */
static void trim_to_libvips_size(struct ib_pixels *px, int stored_w,
                                 int stored_h, int shrink)
{
    int w = stored_w / shrink, h = stored_h / shrink;
    if (w < 1 || h < 1 || (w == px->width && h == px->height))
        return;
    size_t from = (size_t)px->width * px->bands, to = (size_t)w * px->bands;
    for (int y = 1; y < h; y++)
        memmove(px->data + to * (size_t)y, px->data + from * (size_t)y, to);
    px->width = w;
    px->height = h;
}

static VipsImage *rotate_upright(const struct ib_jpeg_job *job, VipsImage *in)
{
    if (job->orientation <= 1 || job->orientation > 8)
        return in;
    vips_image_set_int(in, VIPS_META_ORIENTATION, job->orientation);
    VipsImage *out = NULL;
    int rc = vips_autorot(in, &out, NULL);
    return ib_image_replace(in, rc, &out);
}

static VipsImage *crop(const struct ib_jpeg_job *job, VipsImage *in)
{
    if (!job->target.crop)
        return in;
    int w = job->target.width < in->Xsize ? job->target.width : in->Xsize;
    int h = job->target.height < in->Ysize ? job->target.height : in->Ysize;
    VipsImage *out = NULL;
    int rc = vips_smartcrop(in, &out, w, h, "interesting", job->crop, NULL);
    return ib_image_replace(in, rc, &out);
}

/* ib_pixels hold 8-bit samples, which compute_here is given. */
static void copy_row(const VipsPel *row, int y, void *a)
{
    struct ib_pixels *out = a;
    size_t len = (size_t)out->width * (size_t)out->bands;
    memcpy(out->data + len * (size_t)y, row, len);
}

/* Computes img on this thread (strips.h), into packed rows. */
static int compute_here(VipsImage *img, struct ib_pixels *out)
{
    out->width = img->Xsize;
    out->height = img->Ysize;
    out->bands = img->Bands;
    size_t row = VIPS_IMAGE_SIZEOF_LINE(img);
    if (!(out->data = malloc(row * (size_t)img->Ysize)))
        return -1;
    if (ib_strips_compute(img, copy_row, out) != 0) {
        ib_pixels_free(out);
        return -1;
    }
    return 0;
}

/* The resized pixels through the cached transform: 0 with *converted
 * holding them, -1 when the cache declines the profile. */
static int convert_cached(const struct ib_jpeg_job *job, VipsImage *in,
                          struct ib_pixels *converted)
{
    struct ib_pixels resized = {0};
    if (!job->srgb || in->Bands != 3 || in->BandFmt != VIPS_FORMAT_UCHAR ||
        compute_here(in, &resized) != 0)
        return -1;
    size_t n = (size_t)resized.width * (size_t)resized.height;
    *converted = resized;
    if (!(converted->data = malloc(n * 3)) ||
        ib_srgb_convert(job->srgb, job->icc, job->icc_len, job->intent,
                        resized.data, converted->data, n) != 0) {
        ib_pixels_free(&resized);
        ib_pixels_free(converted);
        return -1;
    }
    ib_pixels_free(&resized);
    return 0;
}

/* Where thumbnail does it: after the resize, before rotation and crop:
 * through the worker's cached transform when it takes the profile, else
 * through libvips'. converted holds the cached transform's pixels. */
static VipsImage *transform_to_srgb(const struct ib_jpeg_job *job,
                                    VipsImage *in, struct ib_pixels *converted)
{
    if (!job->to_srgb)
        return in;
    if (convert_cached(job, in, converted) == 0) {
        g_object_unref(in);
        return ib_pixels_wrap(converted);
    }
    vips_image_set_blob_copy(in, VIPS_META_ICC_NAME, job->icc, job->icc_len);
    VipsImage *out = NULL;
    int rc = vips_icc_transform(in, &out, "srgb", "intent", job->intent,
                                "embedded", TRUE, NULL);
    return ib_image_replace(in, rc, &out);
}

/* The size a shrink of a WxH image comes out at: libvips' reduce rounds
 * to nearest. */
static int reduced(int n, double shrink)
{
    int size = (int)(n / shrink + 0.5);
    return size > 0 ? size : 1;
}

/* Decoded at another shrink than the job's own (renditions: the largest
 * output's), the job's output would round to another size, a pixel off:
 * it is asked for the size it has alone, exactly. When it enlarges, the
 * sizes are left as the shrink makes them. */
static void exact_shrink(const struct ib_jpeg_job *job,
                         const struct ib_pixels *decoded, double *h, double *v)
{
    int own = jpeg_shrink(job);
    int w = job->width / own, ht = job->height / own;
    double oh, ov;
    if (w == decoded->width || w < 1 || ht < 1)
        return;
    calculate_shrink(job, w, ht, &oh, &ov);
    if (oh < 1 || ov < 1 || *h < 1 || *v < 1)
        return;
    *h = (double)decoded->width / reduced(w, oh);
    *v = (double)decoded->height / reduced(ht, ov);
}

static VipsImage *resize_decoded(const struct ib_jpeg_job *job,
                                 const struct ib_pixels *decoded)
{
    double h, v;
    calculate_shrink(job, decoded->width, decoded->height, &h, &v);
    exact_shrink(job, decoded, &h, &v);
    return ib_resize_pixels(job->resizes, decoded, h, v);
}

int ib_jpeg_path_shrink(const struct ib_jpeg_job *job)
{
    return jpeg_shrink(job);
}

int ib_jpeg_path_decode(const struct ib_jpeg_job *job,
                        struct ib_jpeg_reader *jpeg, int shrink,
                        struct ib_pixels *decoded)
{
    if (ib_jpeg_read(jpeg, shrink, MAX_DECODED_BYTES, decoded) != 0)
        return -1;
    trim_to_libvips_size(decoded, job->width, job->height, shrink);
    return 0;
}

int ib_jpeg_path_render(const struct ib_jpeg_job *job,
                        const struct ib_pixels *decoded, struct ib_pixels *out)
{
    /* converted: the cached transform's output, which img may wrap. */
    struct ib_pixels converted = {0};
    memset(out, 0, sizeof(*out));
    VipsImage *img = resize_decoded(job, decoded);
    if (img)
        img = transform_to_srgb(job, img, &converted);
    if (img && job->regrey)
        img = ib_srgb_to_grey(img);
    if (img)
        img = rotate_upright(job, img);
    if (img)
        img = crop(job, img);
    if (img && job->rendition)
        img = ib_fit_finish(job->rendition, IB_FMT_JPEG, img);
    int rc =
        img && img->Bands == decoded->bands && img->BandFmt == VIPS_FORMAT_UCHAR
            ? compute_here(img, out)
            : -1;
    if (img)
        g_object_unref(img);
    ib_pixels_free(&converted);
    vips_error_clear();
    return rc;
}

int ib_jpeg_path_run(const struct ib_jpeg_job *job, struct ib_jpeg_reader *jpeg,
                     unsigned char **out, size_t *out_len, int *out_w,
                     int *out_h)
{
    struct ib_pixels decoded, resized = {0};
    if (ib_jpeg_path_decode(job, jpeg, jpeg_shrink(job), &decoded) != 0)
        return -1;
    int rc = ib_jpeg_path_render(job, &decoded, &resized);
    ib_pixels_free(&decoded);
    if (rc == 0)
        rc = ib_jpeg_encode(&resized, &job->encoding, out, out_len);
    if (rc == 0) {
        *out_w = resized.width;
        *out_h = resized.height;
    }
    ib_pixels_free(&resized);
    return rc;
}

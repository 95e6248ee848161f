/* SPDX-License-Identifier: MIT */
/* Fitting a thumbnail to its output format, and encoding it with the
 * metadata policy of metadata.h.
 *
 * Encoders run through the operation API so that an option the user did
 * not set is left to the encoder's own default. */
#include "encode.h"

#include <string.h>
#include <vips/vips.h>

#include "imgbatch/format.h"
#include "metadata.h"
#include "png/pngsave.h"
#include "tiff/tiffsave.h"

/* ---- alpha and colour space -------------------------------------------- */

VipsImage *ib_image_replace(VipsImage *in, int rc, VipsImage **out)
{
    g_object_unref(in);
    return rc == 0 ? *out : NULL;
}

static VipsImage *flatten(const struct ib_rendition *r, VipsImage *in)
{
    double scale = (in->Type == VIPS_INTERPRETATION_GREY16 ||
                    in->Type == VIPS_INTERPRETATION_RGB16)
                       ? 65535.0 / 255.0
                       : 1.0;
    double bg[3];
    int n = in->Bands - 1 < 3 ? in->Bands - 1 : 3;
    for (int i = 0; i < 3; i++)
        bg[i] = r->background.rgb[i] * scale;
    if (n == 1) /* grey: the background's luminance (Rec. 601) */
        bg[0] = (0.299 * bg[0] + 0.587 * bg[1] + 0.114 * bg[2]);
    VipsArrayDouble *array = vips_array_double_new(bg, n);
    VipsImage *out = NULL;
    int rc = vips_flatten(in, &out, "background", array, NULL);
    vips_area_unref(VIPS_AREA(array));
    return ib_image_replace(in, rc, &out);
}

/* CMYK pixels (from --keep-profile on a CMYK input) only fit JPEG and
 * TIFF; elsewhere they become sRGB through their own profile. */
static VipsImage *fit_colour_space(VipsImage *in, int format)
{
    if (in->Type != VIPS_INTERPRETATION_CMYK || format == IB_FMT_JPEG ||
        format == IB_FMT_TIFF)
        return in;
    VipsImage *out = NULL;
    int rc = vips_icc_transform(in, &out, "srgb", "embedded", TRUE, "depth", 8,
                                NULL);
    return ib_image_replace(in, rc, &out);
}

VipsImage *ib_srgb_to_grey(VipsImage *img)
{
    if (img->Bands < 3)
        return img;
    /* Green: the band the luminance weighs most. The three differ by a
     * level at most, lcms' rounding. */
    VipsImage *grey = NULL, *out = NULL;
    int alpha = vips_image_hasalpha(img);
    int rc = vips_extract_band(img, &grey, 1, NULL);
    if (rc == 0 && alpha) {
        VipsImage *a = NULL, *joined = NULL;
        rc = vips_extract_band(img, &a, img->Bands - 1, NULL) ||
             vips_bandjoin2(grey, a, &joined, NULL);
        if (a)
            g_object_unref(a);
        grey = ib_image_replace(grey, rc, &joined);
        rc = grey ? 0 : -1;
    }
    if (rc == 0)
        rc = vips_copy(grey, &out, "interpretation", VIPS_INTERPRETATION_B_W,
                       NULL);
    if (grey)
        g_object_unref(grey);
    return ib_image_replace(img, rc, &out);
}

VipsImage *ib_prepare_for_format(const struct ib_rendition *r, VipsImage *img,
                                 int format)
{
    if (!ib_format_has_alpha(format) && vips_image_hasalpha(img))
        img = flatten(r, img);
    if (img)
        img = fit_colour_space(img, format);
    return img;
}

/* ---- encoding ---------------------------------------------------------- */

/* Sets option name to value unless value is -1 (the encoder's default). */
static void set_if_given(VipsOperation *op, const char *name, int value)
{
    if (value >= 0)
        vips_object_set(VIPS_OBJECT(op), name, value, NULL);
}

static const char *saver_for(int format)
{
    switch (format) {
    case IB_FMT_JPEG: return "jpegsave_target";
    case IB_FMT_PNG: return "pngsave_target";
    case IB_FMT_WEBP: return "webpsave_target";
    case IB_FMT_AVIF:
    case IB_FMT_HEIC: return "heifsave_target";
    case IB_FMT_TIFF: return "tiffsave_target";
    case IB_FMT_GIF: return "gifsave_target";
    case IB_FMT_JXL: return "jxlsave_target";
    default: return NULL;
    }
}

static void set_format_options(const struct ib_rendition *r, VipsOperation *op,
                               int format)
{
    const struct ib_encoder *e = &r->encoder;
    VipsObject *o = VIPS_OBJECT(op);
    if (ib_format_is_lossy(format))
        vips_object_set(o, "Q", r->quality, NULL);
    switch (format) {
    case IB_FMT_JPEG:
        set_if_given(op, "interlace", e->jpeg_progressive);
        set_if_given(op, "optimize_coding", e->jpeg_optimize);
        if (e->jpeg_subsample != IB_SUBSAMPLE_AUTO)
            vips_object_set(o, "subsample_mode",
                            e->jpeg_subsample == IB_SUBSAMPLE_ON
                                ? VIPS_FOREIGN_SUBSAMPLE_ON
                                : VIPS_FOREIGN_SUBSAMPLE_OFF,
                            NULL);
        break;
    case IB_FMT_PNG:
        set_if_given(op, "compression", e->png_compression);
        set_if_given(op, "palette", e->png_palette);
        if (e->png_palette > 0)
            vips_object_set(o, "Q", r->quality, NULL);
        else /* adaptive row filters, as the direct writer (pngsave.h) */
            vips_object_set(o, "filter", VIPS_FOREIGN_PNG_FILTER_ALL, NULL);
        break;
    case IB_FMT_WEBP:
        set_if_given(op, "lossless", e->webp_lossless);
        set_if_given(op, "near_lossless", e->webp_near_lossless);
        set_if_given(op, "effort", e->webp_effort);
        break;
    case IB_FMT_AVIF:
        vips_object_set(o, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
                        NULL);
        set_if_given(op, "effort", e->avif_effort);
        break;
    case IB_FMT_HEIC:
        vips_object_set(o, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_HEVC,
                        NULL);
        break;
    case IB_FMT_TIFF:
        vips_object_set(o, "compression", VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE,
                        NULL);
        break;
    default: break;
    }
}

/* Encodes with libvips' saver. */
static int save(const struct ib_rendition *r, VipsImage *img, int strip,
                const char *saver, int format, VipsTarget *target)
{
    VipsOperation *op = vips_operation_new(saver);
    if (!op)
        return -1;
    vips_object_set(VIPS_OBJECT(op), "in", img, "target", target, "strip",
                    strip, NULL);
    set_format_options(r, op, format);
    int rc = vips_cache_operation_buildp(&op);
    vips_object_unref_outputs(VIPS_OBJECT(op));
    g_object_unref(op);
    return rc;
}

int ib_encode(const struct ib_settings *s, const struct ib_rendition *r,
              VipsImage *img, int format, VipsTarget *target)
{
    const char *saver = saver_for(format);
    if (!saver) {
        vips_error("imgbatch", "unknown output format %d", format);
        return -1;
    }
    int strip;
    g_object_ref(img);
    VipsImage *ready = ib_metadata_apply(s, r, img, &strip);
    if (ready && strip && format == IB_FMT_WEBP)
        ready = ib_metadata_strip(ready);
    if (!ready)
        return -1;
    int rc;
    if (format == IB_FMT_PNG &&
        ib_png_save_serves(s, &r->encoder, ready, strip))
        rc = ib_png_save(ready, target);
    else if (format == IB_FMT_TIFF && ib_tiff_save_serves(ready, strip))
        rc = ib_tiff_save(ready, target);
    else
        rc = save(r, ready, strip, saver, format, target);
    if (rc == IB_PNG_SAVE_NO_MEMORY) /* nothing read or written yet */
        rc = save(r, ready, strip, saver, format, target);
    g_object_unref(ready);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/* One output's thumbnail (thumb.h). */
#include "thumb.h"

#include <stdio.h>

#include "encbudget.h"
#include "encode.h"
#include "fit.h"
#include "imgbatch/format.h"
#include "metadata.h"
#include "write.h"

static void set_string_if_given(VipsObject *op, const char *name,
                                const char *value)
{
    if (value)
        vips_object_set(op, name, value, NULL);
}

/* What every thumbnail of the input is asked: the output's target and
 * crop, and the input's orientation and colour handling. */
static void set_arguments(const struct ib_settings *s, const struct ib_plan *p,
                          const struct ib_target *t, VipsInteresting crop,
                          VipsObject *o)
{
    vips_object_set(o, "width", t->width, "height", t->height, "size",
                    ib_vips_size(t->size), "crop", crop, "no_rotate",
                    s->no_rotate, "linear", s->colour.linear, "intent",
                    ib_vips_intent(s->colour.intent), NULL);
    set_string_if_given(o, "import_profile", p->input_profile);
    set_string_if_given(o, "export_profile", p->output_profile);
}

/* The thumbnail; a grey input exported to sRGB made grey again. */
static VipsImage *run(const struct ib_settings *s, const struct ib_plan *p,
                      VipsOperation *op)
{
    VipsImage *img = NULL;
    if (op && vips_cache_operation_buildp(&op) == 0)
        g_object_get(op, "out", &img, NULL);
    if (op) {
        vips_object_unref_outputs(VIPS_OBJECT(op));
        g_object_unref(op);
    }
    if (img && ib_plan_regreys(&s->colour, p))
        img = ib_srgb_to_grey(img);
    return img;
}

/* From a source or from memory: one set of arguments for both.
 * thumbnail_source (like thumbnail_buffer) does not hand its own fail_on
 * to the loader (the file variant does), so a truncated file would
 * quietly become a grey-filled thumbnail: the loader gets fail_on through
 * the option string instead. */
VipsImage *ib_thumb_file(const struct ib_settings *s, const struct ib_input *in,
                         const struct ib_plan *p, const struct ib_out *out)
{
    VipsOperation *op =
        vips_operation_new(in->blob ? "thumbnail_buffer" : "thumbnail_source");
    if (!op)
        return NULL;
    VipsObject *o = VIPS_OBJECT(op);
    if (in->blob)
        vips_object_set(o, "buffer", in->blob, NULL);
    else
        vips_object_set(o, "source", in->src, NULL);
    char options[96];
    snprintf(options, sizeof(options), "fail_on=error%s", p->options);
    vips_object_set(o, "fail_on", VIPS_FAIL_ON_ERROR, "option_string", options,
                    NULL);
    set_arguments(s, p, &out->target, out->crop, o);
    return run(s, p, op);
}

VipsImage *ib_thumb_image(const struct ib_settings *s, VipsImage *img,
                          const struct ib_plan *p, const struct ib_target *t,
                          VipsInteresting crop)
{
    VipsOperation *op = vips_operation_new("thumbnail_image");
    if (!op)
        return NULL;
    vips_object_set(VIPS_OBJECT(op), "in", img, NULL);
    set_arguments(s, p, t, crop, VIPS_OBJECT(op));
    return run(s, p, op);
}

int ib_thumb_size(VipsImage *lazy, int *w, int *h)
{
    if (!lazy) {
        vips_error_clear();
        return -1;
    }
    *w = lazy->Xsize;
    *h = vips_image_get_page_height(lazy);
    g_object_unref(lazy);
    return 0;
}

/* --sharpen: libvips' unsharp mask on the lightness, at its own defaults
 * but the sigma, after the downscale and before any padding (whose edge
 * must not get a halo). */
static VipsImage *sharpen(const struct ib_rendition *r, VipsImage *in)
{
    if (r->sharpen <= 0)
        return in;
    VipsImage *out = NULL;
    return ib_image_replace(
        in, vips_sharpen(in, &out, "sigma", r->sharpen, NULL), &out);
}

/* --max-bytes encodes again and again: the pixels are made once, here. */
static VipsImage *in_memory_now(VipsImage *in)
{
    VipsImage *out = vips_image_copy_memory(in);
    g_object_unref(in);
    return out;
}

/* Encodes img into out->pl now: under the budget, or once. */
static int encode_now(const struct ib_settings *s, struct ib_vips *v,
                      struct ib_out *out, VipsImage *img)
{
    const struct ib_rendition *r = out->r;
    if (!r->max_bytes)
        return ib_encode_to_memory(s, r, v, img, out->format, &out->pl,
                                   out->error, sizeof(out->error));
    struct ib_budget_outcome bo = {0, 0};
    int rc = ib_encode_within_budget(s, r, v, img, out->format, &out->pl, &bo,
                                     out->error, sizeof(out->error));
    out->quality = bo.quality;
    out->encodes = bo.encodes;
    return rc;
}

int ib_thumb_finish(const struct ib_settings *s, struct ib_vips *v,
                    struct ib_out *out, VipsImage *img, int in_memory)
{
    if (img)
        img = sharpen(out->r, img);
    if (img)
        img = ib_fit_finish(out->r, out->format, img);
    if (img)
        img = ib_prepare_for_format(out->r, img, out->format);
    if (!img) {
        ib_vips_reason(v, out->error, sizeof(out->error));
        out->failed = 1;
        return -1;
    }
    out->w = img->Xsize;
    out->h = vips_image_get_page_height(img);
    out->pipeline = IB_PIPELINE_LIBVIPS;
    out->quality = ib_format_is_lossy(out->format) ? out->r->quality : 0;
    if (s->mtime == IB_MTIME_EXIF)
        out->capture_ns = ib_metadata_capture_ns(img);
    /* --skip-larger compares sizes before anything is written. */
    in_memory |= out->r->max_bytes > 0 || out->r->skip_larger;
    if (!in_memory && !ib_out_is_late(out) &&
        out->action != IB_OUTPUT_BLOCKED) {
        out->pl = (struct ib_payload){img, out->format, NULL, 0};
        ib_vips_step_done(v);
        return 0;
    }
    if (out->r->max_bytes && !(img = in_memory_now(img))) {
        ib_vips_reason(v, out->error, sizeof(out->error));
        out->failed = 1;
        return -1;
    }
    int rc = encode_now(s, v, out, img);
    g_object_unref(img);
    out->failed = rc != 0;
    if (rc == 0)
        ib_vips_step_done(v);
    return rc;
}

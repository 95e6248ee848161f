/* SPDX-License-Identifier: MIT */
/* The direct JPEG path's dispatch (direct.h). */
#include "direct.h"

#include <stdlib.h>
#include <string.h>

#include "budget.h"
#include "imgbatch/alloc.h"
#include "imgbatch/clock.h"
#include "jpegpath.h"
#include "pathswitch.h"
#include "plan.h"
#include "resizecache.h"
#include "srgb.h"

struct ib_direct {
    const struct ib_settings *s;
    /* Kept from file to file (srgb is the worker's, lent). */
    struct ib_srgb_cache *srgb;
    struct ib_resize_cache *resizes;
};

struct ib_direct *ib_direct_new(const struct ib_settings *s,
                                struct ib_srgb_cache *srgb)
{
    if (!ib_direct_path_on("IMGBATCH_DIRECT_JPEG"))
        return NULL;
    struct ib_direct *d = ib_xcalloc(1, sizeof(*d));
    d->s = s;
    d->srgb = srgb;
    d->resizes = ib_resize_cache_new();
    return d;
}

void ib_direct_free(struct ib_direct *d)
{
    if (!d)
        return;
    ib_resize_cache_free(d->resizes);
    free(d);
}

/* JPEGs to JPEGs with nothing that needs the full pipeline: no colour
 * handling beyond the default, no metadata to keep or read (--mtime
 * exif), no sharpening, no page. Whether the file is a plain JPEG, its
 * header says (ib_jpeg_open). */
static int applies(const struct ib_settings *s, const struct ib_outs *outs)
{
    if (!ib_colour_is_default(&s->colour) || s->page > 0 ||
        s->mtime == IB_MTIME_EXIF)
        return 0;
    for (int i = 0; i < outs->n; i++) {
        const struct ib_out *out = &outs->v[i];
        if (out->action == IB_OUTPUT_KEEP)
            continue;
        if ((out->format != IB_FMT_FROM_LOADER && out->format != IB_FMT_JPEG) ||
            out->r->keep_metadata || out->r->sharpen > 0)
            return 0;
    }
    return 1;
}

/* The plan libvips' header would give (plan.c's read_header), from
 * libjpeg's. */
static void plan_from_jpeg(const struct ib_settings *s,
                           const struct ib_jpeg_header *h, struct ib_plan *p,
                           struct ib_outcome *o)
{
    memset(p, 0, sizeof(*p));
    p->loader = "VipsForeignLoadJpeg";
    p->format = IB_FMT_JPEG;
    p->width = o->in_w = h->width;
    p->height = o->in_h = h->height;
    p->pages = 1;
    p->tagged = h->icc != NULL;
    p->grey_profile = ib_plan_is_grey_profile(h->icc, h->icc_len);
    p->bands = h->bands;
    p->output_profile = ib_plan_output_profile(&s->colour, p);
    p->orientation = s->no_rotate ? 1 : h->orientation;
    p->swap = p->orientation >= 5 && p->orientation <= 8;
    p->decode_bytes = h->coef_bytes;
}

static void set_quality(struct ib_jpeg_encoding *enc,
                        const struct ib_rendition *r, int quality)
{
    enc->quality = quality;
    /* libvips' automatic mode: 4:2:0 below quality 90. */
    enc->subsample = r->encoder.jpeg_subsample == IB_SUBSAMPLE_AUTO
                         ? quality < 90
                         : r->encoder.jpeg_subsample == IB_SUBSAMPLE_ON;
}

static void make_job(const struct ib_direct *d, const struct ib_plan *p,
                     const struct ib_jpeg_header *h, const struct ib_out *out,
                     struct ib_jpeg_job *job)
{
    const struct ib_settings *s = d->s;
    const struct ib_rendition *r = out->r;
    const struct ib_encoder *e = &r->encoder;
    memset(job, 0, sizeof(*job));
    job->width = p->width;
    job->height = p->height;
    job->orientation = p->orientation;
    job->target = out->target;
    job->crop = out->crop;
    job->rendition = r;
    job->to_srgb = p->output_profile != NULL;
    job->regrey = ib_plan_regreys(&s->colour, p);
    job->intent = ib_vips_intent(s->colour.intent);
    job->srgb = d->srgb;
    job->resizes = d->resizes;
    job->icc = h->icc;
    job->icc_len = h->icc_len;
    job->encoding.progressive = e->jpeg_progressive > 0;
    job->encoding.optimize = e->jpeg_optimize > 0;
    set_quality(&job->encoding, r, r->quality);
}

static int to_make(const struct ib_out *out)
{
    return out->action != IB_OUTPUT_KEEP && !out->skip;
}

/* Each output's target, as libvips would plan it; the shrink-on-load of
 * the largest, which the decode is made at. */
static int plan_outputs(const struct ib_direct *d, const struct ib_plan *p,
                        const struct ib_jpeg_header *h, struct ib_outs *outs,
                        struct ib_jpeg_job *jobs)
{
    int shrink = 8;
    for (int i = 0; i < outs->n; i++) {
        struct ib_out *out = &outs->v[i];
        out->format = IB_FMT_JPEG;
        ib_plan_target(p, out->r, &out->target, &out->crop);
        if (out->r->no_enlarge && ib_plan_enlarges(p, &out->target)) {
            out->skip = 1;
            snprintf(out->error, sizeof(out->error), "would enlarge");
        }
        make_job(d, p, h, out, &jobs[i]);
        int own = ib_jpeg_path_shrink(&jobs[i]);
        if (to_make(out) && own < shrink)
            shrink = own;
    }
    return shrink;
}

static void drop_made(struct ib_outs *outs)
{
    for (int i = 0; i < outs->n; i++) {
        free(outs->v[i].pl.bytes);
        outs->v[i].pl.bytes = NULL;
    }
}

/* --max-bytes: one encoding of the search (budget.h). */
struct attempt {
    const struct ib_pixels *px;
    struct ib_jpeg_encoding enc;
    const struct ib_rendition *r;
};

static int encode_at(void *ctx, int quality, unsigned char **bytes, size_t *len)
{
    struct attempt *a = ctx;
    set_quality(&a->enc, a->r, quality);
    return ib_jpeg_encode(a->px, &a->enc, bytes, len);
}

/* Encodes px into out, under its budget if it has one: 0, or -1 when
 * libjpeg failed. An output that does not fit fails alone. */
static int encode(struct ib_out *out, const struct ib_jpeg_job *job,
                  const struct ib_pixels *px)
{
    const struct ib_rendition *r = out->r;
    out->quality = r->quality;
    if (!r->max_bytes)
        return ib_jpeg_encode(px, &job->encoding, &out->pl.bytes, &out->pl.len);
    struct attempt a = {px, job->encoding, r};
    struct ib_budget b = {r->max_bytes, r->min_quality, r->quality};
    struct ib_budget_result res;
    enum ib_budget_end end = ib_budget_search(&b, encode_at, &a, &res);
    out->encodes = res.encodes;
    out->quality = res.quality;
    if (end == IB_BUDGET_TOO_BIG) {
        ib_budget_reason(&b, &res, out->error, sizeof(out->error));
        out->failed = 1;
    }
    out->pl.bytes = res.bytes;
    out->pl.len = res.len;
    return end == IB_BUDGET_FAILED ? -1 : 0;
}

/* Every output from one decode. 0, or -1 when libjpeg or libvips found
 * fault (nothing kept: libvips does the file again). */
static int make_outputs(struct ib_outs *outs, struct ib_jpeg_job *jobs,
                        const struct ib_pixels *decoded)
{
    for (int i = 0; i < outs->n; i++) {
        struct ib_out *out = &outs->v[i];
        struct ib_pixels px;
        if (!to_make(out))
            continue;
        long long start = ib_now_usec();
        if (ib_jpeg_path_render(&jobs[i], decoded, &px) != 0 ||
            encode(out, &jobs[i], &px) != 0) {
            ib_pixels_free(&px);
            drop_made(outs);
            return -1;
        }
        out->pl.format = IB_FMT_JPEG;
        out->w = px.width;
        out->h = px.height;
        out->pipeline = IB_PIPELINE_DIRECT_JPEG;
        out->usec += ib_now_usec() - start;
        ib_pixels_free(&px);
    }
    return 0;
}

enum ib_direct_result ib_direct_make(struct ib_direct *d,
                                     const struct ib_jpeg_input *in,
                                     struct ib_outs *outs, struct ib_outcome *o)
{
    if (!d || !applies(d->s, outs) || ib_outs_to_make(outs) == 0)
        return IB_DIRECT_DECLINED;
    struct ib_jpeg_header h;
    struct ib_jpeg_reader *jpeg = ib_jpeg_open(in, &h);
    if (!jpeg)
        return IB_DIRECT_DECLINED;
    struct ib_plan p;
    plan_from_jpeg(d->s, &h, &p, o);
    outs->input.format = IB_FMT_JPEG;
    outs->input.w = h.width;
    outs->input.h = h.height;
    enum ib_direct_result res = IB_DIRECT_FAILED;
    struct ib_jpeg_job jobs[IB_MAX_OUTPUTS];
    struct ib_pixels decoded;
    if (ib_plan_check_limits(d->s, &p, o) == 0) {
        int shrink = plan_outputs(d, &p, &h, outs, jobs);
        res = IB_DIRECT_DECLINED;
        if (ib_outs_to_make(outs) > 0 &&
            ib_jpeg_path_decode(&jobs[0], jpeg, shrink, &decoded) == 0) {
            if (make_outputs(outs, jobs, &decoded) == 0)
                res = IB_DIRECT_DONE;
            ib_pixels_free(&decoded);
        }
    }
    ib_jpeg_close(jpeg);
    if (res == IB_DIRECT_DONE)
        o->status = IB_STATUS_OK;
    return res;
}

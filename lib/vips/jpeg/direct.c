/* SPDX-License-Identifier: MIT */
/* The direct JPEG path's dispatch (direct.h). */
#include "direct.h"

#include <stdlib.h>
#include <string.h>

#include "imgbatch/alloc.h"
#include "jpegpath.h"
#include "plan.h"
#include "resizecache.h"
#include "srgb.h"

struct ib_direct {
    const struct ib_settings *s;
    /* Kept from file to file. */
    struct ib_srgb_cache *srgb;
    struct ib_resize_cache *resizes;
};

struct ib_direct *ib_direct_new(const struct ib_settings *s)
{
    const char *env = getenv("IMGBATCH_DIRECT_JPEG");
    if (env && strcmp(env, "0") == 0)
        return NULL;
    struct ib_direct *d = ib_xcalloc(1, sizeof(*d));
    d->s = s;
    d->srgb = ib_srgb_cache_new();
    d->resizes = ib_resize_cache_new();
    return d;
}

void ib_direct_free(struct ib_direct *d)
{
    if (!d)
        return;
    ib_srgb_cache_free(d->srgb);
    ib_resize_cache_free(d->resizes);
    free(d);
}

/* The colour handling the direct path does is the default one: none, or
 * (the plan's output profile then being "srgb") a tagged RGB image to sRGB
 * through its own profile. */
static int colour_applies(const struct ib_settings *s)
{
    return !s->colour.input_profile && !s->colour.output_profile &&
           !s->colour.keep_profile && !s->colour.linear;
}

/* A JPEG to JPEG with nothing that needs the full pipeline: no colour
 * handling beyond the default, no metadata to keep, no page. Whether the
 * file is a plain JPEG, its header says (ib_jpeg_open). */
static int applies(const struct ib_settings *s, int format)
{
    return (format == IB_FMT_FROM_LOADER || format == IB_FMT_JPEG) &&
           colour_applies(s) && !s->keep_metadata && s->page <= 0;
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
    p->bands = h->bands;
    p->output_profile = ib_plan_output_profile(&s->colour, p);
    p->orientation = s->no_rotate ? 1 : h->orientation;
    ib_plan_resolve_target(s, p, p->orientation >= 5 && p->orientation <= 8);
}

static void make_job(const struct ib_direct *d, const struct ib_plan *p,
                     const struct ib_jpeg_header *h, struct ib_jpeg_job *job)
{
    const struct ib_settings *s = d->s;
    const struct ib_encoder *e = &s->encoder;
    job->width = p->width;
    job->height = p->height;
    job->orientation = p->orientation;
    job->target = p->target;
    job->crop = ib_vips_interesting(s->crop);
    job->to_srgb = p->output_profile != NULL;
    job->intent = ib_vips_intent(s->colour.intent);
    job->srgb = d->srgb;
    job->resizes = d->resizes;
    job->icc = h->icc;
    job->icc_len = h->icc_len;
    job->encoding.quality = s->quality;
    job->encoding.progressive = e->jpeg_progressive > 0;
    job->encoding.optimize = e->jpeg_optimize > 0;
    /* libvips' automatic mode: 4:2:0 below quality 90. */
    job->encoding.subsample = e->jpeg_subsample == IB_SUBSAMPLE_AUTO
                                  ? s->quality < 90
                                  : e->jpeg_subsample == IB_SUBSAMPLE_ON;
}

enum ib_direct_result ib_direct_run(struct ib_direct *d, int format,
                                    const struct ib_jpeg_input *in,
                                    struct ib_payload *pl, struct ib_outcome *o)
{
    if (!d || !applies(d->s, format))
        return IB_DIRECT_DECLINED;
    struct ib_jpeg_header h;
    struct ib_jpeg_reader *jpeg = ib_jpeg_open(in, &h);
    if (!jpeg)
        return IB_DIRECT_DECLINED;
    struct ib_plan p;
    plan_from_jpeg(d->s, &h, &p, o);
    enum ib_direct_result res = IB_DIRECT_FAILED;
    if (ib_plan_check_pixels(d->s, &p, o) == 0) {
        struct ib_jpeg_job job;
        make_job(d, &p, &h, &job);
        res = ib_jpeg_path_run(&job, jpeg, &pl->bytes, &pl->len, &o->out_w,
                               &o->out_h) == 0
                  ? IB_DIRECT_DONE
                  : IB_DIRECT_DECLINED;
    }
    ib_jpeg_close(jpeg);
    if (res == IB_DIRECT_DONE) {
        pl->img = NULL;
        pl->format = IB_FMT_JPEG;
        o->pipeline = IB_PIPELINE_DIRECT_JPEG;
    }
    return res;
}

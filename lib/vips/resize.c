/* SPDX-License-Identifier: MIT */
/* One input through libvips (resize.h): open it ourselves (file names with
 * '[' are never parsed, a FIFO never blocks us), try the direct JPEG path,
 * else plan from the header (plan.h) and make each output, then name,
 * check and write them (outputs.h).
 *
 * One output is made as it always was: libvips' thumbnail from the file,
 * with shrink-on-load, encoded as it is written. Several are made from one
 * decode (several.h).
 *
 * fail_on=error makes truncation an error rather than a grey-filled
 * image. */
#define _POSIX_C_SOURCE 200809L
#include "resize.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include "imgbatch/alloc.h"
#include "imgbatch/clock.h"
#include "imgbatch/format.h"
#include "jpeg/direct.h"
#include "box/boxcolour.h"
#include "box/boxpath.h"
#include "heif/heifbase.h"
#include "png/pngbox.h"
#include "outputs.h"
#include "plan.h"
#include "several.h"
#include "startup.h"
#include "thumb.h"

struct ib_resizer {
    const struct ib_settings *s;
    struct ib_vips *vips;
    struct ib_direct *direct;   /* NULL: the direct path is off */
    struct ib_srgb_cache *srgb; /* transforms kept per profile; may be NULL */
    struct ib_outs outs;        /* the input being worked on */
};

/* ---- set-up ------------------------------------------------------------ */

struct ib_resizer *ib_resizer_new(const struct ib_settings *s, char *err,
                                  size_t err_len)
{
    /* --max-memory limits the address space from after start-up on, and
     * a module loaded later would count against it (libheif and its
     * codecs map 25 MB): under it, every allowed module now. Not under
     * the default limit, a bound of hundreds of MB at least, which the
     * modules a batch may never need would cost every worker. */
    int all_modules = s->max_memory > 0 && !s->max_memory_default;
    struct ib_vips *vips =
        ib_vips_start(&s->loaders, all_modules, err, err_len);
    if (!vips)
        return NULL;
    ib_vips_note_memory_limit(vips, s->max_memory);
    struct ib_resizer *r = ib_xcalloc(1, sizeof(*r));
    r->s = s;
    r->vips = vips;
    r->srgb = ib_srgb_cache_new();
    r->direct = ib_direct_new(s, r->srgb);
    for (int i = 0; i < IB_MAX_OUTPUTS; i++)
        ib_buf_init(&r->outs.v[i].path);
    return r;
}

void ib_resizer_free(struct ib_resizer *r)
{
    if (!r)
        return;
    for (int i = 0; i < IB_MAX_OUTPUTS; i++)
        ib_buf_free(&r->outs.v[i].path);
    ib_direct_free(r->direct);
    ib_srgb_cache_free(r->srgb);
    ib_vips_stop(r->vips);
    free(r);
}

/* ---- input ------------------------------------------------------------- */

/* Opens without blocking on a FIFO and insists on a regular file. */
static int open_input(const char *path, struct ib_outcome *o)
{
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        ib_outcome_fail(o, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ib_outcome_fail(o, "not a regular file");
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    o->in_bytes = (long long)st.st_size;
    if (st.st_size == 0) {
        ib_outcome_fail(o, "empty file");
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- one output, from the file ----------------------------------------- */

static void make_one(struct ib_resizer *r, struct ib_input *in,
                     const struct ib_plan *p, struct ib_out *out)
{
    long long start = ib_now_usec();
    ib_thumb_finish(r->s, r->vips, out, ib_thumb_file(r->s, in, p, out), 0);
    out->usec += ib_now_usec() - start;
}

/* A base made by a decoder of the worker's own: the direct PNG path's
 * box-shrunk decode (boxpath.h) or a HEIF's planes (heifbase.h). NULL
 * when neither serves the outputs or the decoder does not take the file
 * (libvips then makes them, and says what is wrong with the file). */
static VipsImage *direct_base(struct ib_resizer *r, int fd,
                              const struct ib_input *in,
                              const struct ib_plan *p, int *pipeline)
{
    int k = ib_box_path(r->s, in, p, &r->outs);
    *pipeline = k ? IB_PIPELINE_DIRECT_PNG : IB_PIPELINE_DIRECT_HEIF;
    return k ? ib_png_box_load(fd, k, k)
             : ib_heif_base(fd, r->s, in, p, &r->outs);
}

/* The outputs from a direct base: 1 when it made them, 0 when there is
 * none. */
static int make_from_direct(struct ib_resizer *r, int fd,
                            const struct ib_input *in, const struct ib_plan *p)
{
    int pipeline;
    VipsImage *base = direct_base(r, fd, in, p, &pipeline);
    if (!base)
        return 0;
    ib_vips_step_done(r->vips);
    struct ib_plan own = *p;
    struct ib_box_colour colour;
    /* The box path's cached transforms write no profile where libvips'
     * thumbnail writes sRGB's (WebP, TIFF): the HEIF path, whose outputs
     * are libvips' own bytes, leaves the colour to thumbnail. */
    int converts = pipeline == IB_PIPELINE_DIRECT_PNG &&
                   ib_box_colour_take(r->srgb, r->s, &base, &own, &colour);
    ib_make_from_base(r->s, r->vips, &r->outs, in, &own, base,
                      converts ? &colour : NULL, pipeline);
    if (converts)
        ib_box_colour_clear(&colour);
    return 1;
}

/* ---- the plan ---------------------------------------------------------- */

/* Each output's format, target, and whether it would enlarge; whether any
 * keeps the frames of an animation. */
static int plan_outputs(struct ib_resizer *r, const struct ib_plan *p)
{
    int formats[IB_MAX_OUTPUTS], n = 0;
    for (int i = 0; i < r->outs.n; i++) {
        struct ib_out *out = &r->outs.v[i];
        out->format = ib_plan_format(p, out->format);
        ib_plan_target(p, out->r, &out->target, &out->crop);
        if (out->r->no_enlarge && ib_plan_enlarges(p, &out->target)) {
            out->skip = 1;
            snprintf(out->error, sizeof(out->error), "would enlarge");
        }
        if (out->action != IB_OUTPUT_KEEP && !out->skip)
            formats[n++] = out->format;
    }
    return ib_plan_animates(p, formats, n);
}

static void make_with_libvips(struct ib_resizer *r, int fd,
                              struct ib_outcome *o)
{
    VipsSource *src = vips_source_new_from_descriptor(fd);
    if (!src) {
        ib_vips_fail(r->vips, o);
        return;
    }
    struct ib_input in = {src, NULL};
    struct ib_plan p;
    if (ib_plan_read(r->s, r->vips, &in, &p, o) == 0 &&
        ib_plan_pages(r->s, r->vips, &in, plan_outputs(r, &p), &p, o) == 0) {
        o->status = IB_STATUS_OK;
        r->outs.input.format = p.format;
        r->outs.input.w = p.width;
        r->outs.input.h = p.height;
        int n = ib_outs_to_make(&r->outs);
        if (n > 0 && make_from_direct(r, fd, &in, &p))
            n = 0;
        for (int i = 0; n == 1 && i < r->outs.n; i++)
            if (r->outs.v[i].action != IB_OUTPUT_KEEP && !r->outs.v[i].skip)
                make_one(r, &in, &p, &r->outs.v[i]);
        if (n > 1)
            ib_make_several(r->s, r->vips, &r->outs, &in, &p, o);
    }
    if (in.blob)
        vips_area_unref(VIPS_AREA(in.blob));
    g_object_unref(src);
}

/* ---- one input --------------------------------------------------------- */

/* The savers of these formats are in modules loaded on first need. */
static void load_savers(struct ib_resizer *r)
{
    for (int i = 0; i < r->outs.n; i++) {
        int f = r->outs.v[i].format;
        if (f == IB_FMT_AVIF || f == IB_FMT_HEIC || f == IB_FMT_JXL) {
            ib_vips_load_more(r->vips);
            return;
        }
    }
}

/* 0 when the direct path made the outputs or failed the file (both
 * final); -1 when libvips must do the file. */
static int try_direct_jpeg(struct ib_resizer *r, int fd, struct ib_outcome *o)
{
    struct ib_jpeg_input in = {NULL, 0, fd};
    return ib_direct_make(r->direct, &in, &r->outs, o) == IB_DIRECT_DECLINED
               ? -1
               : 0;
}

void ib_resize_input(struct ib_resizer *r, const struct ib_task *t,
                     struct ib_outcome *o, const struct ib_claimer *claimer)
{
    long long start = ib_now_usec();
    memset(o, 0, sizeof(*o));
    o->status = IB_STATUS_FAILED;
    ib_vips_begin_file(r->vips);
    ib_outs_begin(&r->outs, r->s, t);
    load_savers(r);
    int fd = open_input(t->input, o);
    if (fd >= 0) {
        if (try_direct_jpeg(r, fd, o) != 0)
            make_with_libvips(r, fd, o);
        if (o->status == IB_STATUS_OK)
            ib_outs_commit(&r->outs, r->vips, fd, claimer);
        close(fd);
    }
    ib_outs_end(&r->outs, o);
    o->usec = ib_now_usec() - start;
}

/* ---- from memory (fuzzing) --------------------------------------------- */

int ib_resize_memory(struct ib_resizer *r, const void *data, size_t len,
                     const struct ib_task *t, struct ib_outcome *o)
{
    memset(o, 0, sizeof(*o));
    o->status = IB_STATUS_FAILED;
    ib_vips_begin_file(r->vips);
    ib_outs_begin(&r->outs, r->s, t);
    load_savers(r);
    struct ib_jpeg_input direct = {data, len, -1};
    if (ib_direct_make(r->direct, &direct, &r->outs, o) == IB_DIRECT_DECLINED) {
        VipsSource *src = vips_source_new_from_memory(data, len);
        struct ib_input in = {src, NULL};
        struct ib_plan p;
        if (src && ib_plan_read(r->s, r->vips, &in, &p, o) == 0 &&
            ib_plan_pages(r->s, r->vips, &in, plan_outputs(r, &p), &p, o) ==
                0) {
            o->status = IB_STATUS_OK;
            ib_make_several(r->s, r->vips, &r->outs, &in, &p, o);
        }
        if (in.blob)
            vips_area_unref(VIPS_AREA(in.blob));
        if (src)
            g_object_unref(src);
    }
    int made = 0;
    for (int i = 0; i < r->outs.n; i++)
        made += r->outs.v[i].pl.bytes != NULL;
    ib_outs_end(&r->outs, o);
    return made ? 0 : -1;
}

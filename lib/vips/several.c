/* SPDX-License-Identifier: MIT */
/* Several outputs from one decode (several.h).
 *
 * The file is loaded once, shrunk on load as far as the largest output
 * allows (libvips' own factor for that output), into memory: the base.
 * Each output is then libvips' thumbnail of the base, asked for the size
 * it would have had from the file alone (the two can round differently,
 * a pixel off), so that an output is the same whether it is made alone or
 * among others, but for one thing: a JPEG output that alone would have
 * been shrunk on load further, by libjpeg's scaled DCT, is resampled from
 * the base instead. Outputs that ask for one thumbnail (320 wide as JPEG
 * and as WebP) share it.
 *
 * The base is loaded sequentially: a base loaded for random access is
 * resized four to five times slower (libvips 8.14: 3840x2400 to 640 wide,
 * 290 ms against 55 ms with one thread). */
#include "several.h"

#include <string.h>

#include "imgbatch/clock.h"
#include "imgbatch/format.h"
#include "thumb.h"

/* A thumbnail outputs share: what they asked, and what came of it. */
struct shared {
    struct ib_target target;
    VipsInteresting crop;
    int first_page;
    VipsImage *img;
};

struct several {
    const struct ib_settings *s;
    struct ib_vips *v;
    const struct ib_plan *p;
    const struct ib_input *in;
    VipsImage *base;
    struct shared thumbs[IB_MAX_OUTPUTS];
    int nthumbs;
};

/* ---- the base ---------------------------------------------------------- */

/* The factor libvips' thumbnail opens the file with for out (its
 * vips_thumbnail_open): a JPEG shrink, or a WebP, PDF or SVG scale
 * divisor. 1 for the other loaders, which it also loads whole (TIFF
 * pyramids aside). */
static double open_factor(const struct ib_settings *s, const struct ib_plan *p,
                          const struct ib_out *out)
{
    double h, v;
    ib_target_shrink(&out->target, p->width, p->height, p->swap, &h, &v);
    if (vips_isprefix("VipsForeignLoadJpeg", p->loader))
        return s->colour.linear ? 1 : ib_jpeg_shrink_factor(h, v);
    double common = h < v ? h : v;
    if (vips_isprefix("VipsForeignLoadWebp", p->loader))
        return common > 1 ? common : 1;
    if (vips_isprefix("VipsForeignLoadPdf", p->loader) ||
        vips_isprefix("VipsForeignLoadSvg", p->loader))
        return common;
    return 1;
}

static int to_make(const struct ib_out *out)
{
    return out->action != IB_OUTPUT_KEEP && !out->skip && !out->failed;
}

/* The loader options that load the file at the largest output's factor. */
static void base_options(const struct ib_settings *s, const struct ib_plan *p,
                         const struct ib_outs *outs, char *options, size_t len)
{
    double factor = -1;
    for (int i = 0; i < outs->n; i++) {
        if (!to_make(&outs->v[i]))
            continue;
        double f = open_factor(s, p, &outs->v[i]);
        if (factor < 0 || f < factor)
            factor = f;
    }
    int n = snprintf(options, len, "fail_on=error%s", p->options);
    if (factor <= 1 || n < 0 || (size_t)n >= len)
        return;
    if (vips_isprefix("VipsForeignLoadJpeg", p->loader))
        snprintf(options + n, len - (size_t)n, ",shrink=%d", (int)factor);
    else
        snprintf(options + n, len - (size_t)n, ",scale=%.17g", 1.0 / factor);
}

/* The file, loaded once at the base factor, decoded into memory. */
static VipsImage *load_base(const struct ib_settings *s,
                            const struct ib_outs *outs,
                            const struct ib_input *in, const struct ib_plan *p)
{
    char options[160];
    base_options(s, p, outs, options, sizeof(options));
    VipsImage *lazy;
    if (in->blob) {
        size_t len;
        const void *data = vips_blob_get(in->blob, &len);
        lazy = vips_image_new_from_buffer(data, len, options, "access",
                                          VIPS_ACCESS_SEQUENTIAL, NULL);
    } else {
        lazy = vips_image_new_from_source(in->src, options, "access",
                                          VIPS_ACCESS_SEQUENTIAL, NULL);
    }
    VipsImage *base = lazy ? vips_image_copy_memory(lazy) : NULL;
    if (lazy)
        g_object_unref(lazy);
    return base;
}

/* ---- thumbnails -------------------------------------------------------- */

static int same_target(const struct ib_target *a, const struct ib_target *b)
{
    return a->width == b->width && a->height == b->height &&
           a->size == b->size && a->crop == b->crop;
}

/* An output that cannot animate, from a base of every frame: the first. */
static VipsImage *first_page(VipsImage *img)
{
    VipsImage *page = NULL;
    int h = vips_image_get_page_height(img);
    int failed = vips_crop(img, &page, 0, 0, img->Xsize, h, NULL);
    g_object_unref(img);
    return failed ? NULL : page;
}

/* The size of an image's thumbnail for t (lazily: the header is read, no
 * pixel made); 0, or -1 with the libvips error cleared. */
static int size_of(VipsImage *lazy, int *w, int *h)
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

/* What to ask of thumbnail for out: its own target, unless from source
 * it would come out another size than from the file alone (the two round
 * differently): then exactly that size. A crop or a stretch is the box's
 * size either way. */
static struct ib_target
exact_target(struct several *sv, const struct ib_out *out, VipsImage *source)
{
    int w, h, bw, bh;
    if (out->crop != VIPS_INTERESTING_NONE || out->target.crop ||
        out->target.size == IB_SIZE_FORCE ||
        size_of(ib_thumb_file(sv->s, sv->in, sv->p, out), &w, &h) != 0 ||
        size_of(ib_thumb_image(sv->s, source, sv->p, &out->target, out->crop),
                &bw, &bh) != 0 ||
        (bw == w && bh == h))
        return out->target;
    return (struct ib_target){w, h, IB_SIZE_FORCE, 0};
}

/* out's thumbnail, in memory, shared with the outputs that ask the same:
 * a new reference, or NULL with a libvips error. */
static VipsImage *thumbnail(struct several *sv, const struct ib_out *out)
{
    int first = sv->p->all_pages && !ib_format_can_animate(out->format);
    for (int i = 0; i < sv->nthumbs; i++) {
        const struct shared *t = &sv->thumbs[i];
        if (same_target(&t->target, &out->target) && t->crop == out->crop &&
            t->first_page == first)
            return g_object_ref(t->img);
    }
    VipsImage *source = g_object_ref(sv->base);
    if (first)
        source = first_page(source);
    struct ib_target t = source ? exact_target(sv, out, source) : out->target;
    VipsImage *lazy =
        source ? ib_thumb_image(sv->s, source, sv->p, &t, out->crop) : NULL;
    VipsImage *img = lazy ? vips_image_copy_memory(lazy) : NULL;
    if (source)
        g_object_unref(source);
    if (lazy)
        g_object_unref(lazy);
    if (!img)
        return NULL;
    sv->thumbs[sv->nthumbs++] =
        (struct shared){out->target, out->crop, first, img};
    return g_object_ref(img);
}

void ib_make_several(const struct ib_settings *s, struct ib_vips *v,
                     struct ib_outs *outs, const struct ib_input *in,
                     const struct ib_plan *p, struct ib_outcome *o)
{
    struct several sv = {.s = s, .v = v, .p = p, .in = in};
    if (ib_outs_to_make(outs) == 0)
        return;
    if (!(sv.base = load_base(s, outs, in, p))) {
        ib_vips_fail(v, o);
        return;
    }
    ib_vips_step_done(v);
    for (int i = 0; i < outs->n; i++) {
        struct ib_out *out = &outs->v[i];
        if (!to_make(out))
            continue;
        long long start = ib_now_usec();
        ib_thumb_finish(s, v, out, thumbnail(&sv, out), 1);
        out->usec += ib_now_usec() - start;
    }
    for (int i = 0; i < sv.nthumbs; i++)
        g_object_unref(sv.thumbs[i].img);
    g_object_unref(sv.base);
}

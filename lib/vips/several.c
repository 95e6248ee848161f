/* SPDX-License-Identifier: MIT */
/* Several outputs from one decode (several.h).
 *
 * The file is loaded once, shrunk on load as far as the largest output
 * allows (libvips' own factor for that output), into memory: the base.
 * The outputs are made largest first, each libvips' thumbnail at the size
 * it has when made alone (the base and the file can round differently, a
 * pixel off), from:
 * - the base, when alone it would have been loaded at the base's factor:
 *   the output is then the very one made alone;
 * - else (alone, a JPEG's DCT scaling or a WebP's scaled decode would
 *   have shrunk it further on load) the smallest larger output's thumbnail
 *   that leaves it a shrink of two on each axis, or the base. It cannot be
 *   the one made alone then, whatever it is made from; measured against a
 *   lanczos resize of the whole image, it is as close as the one made
 *   alone (tests/cli/one_decode.sh), and resizing 1280 pixels to 640 costs
 *   far less than 3840 to 640.
 * Outputs that ask for one thumbnail (320 wide as JPEG and as WebP) share
 * it.
 *
 * The base is loaded sequentially: a base loaded for random access is
 * resized four to five times slower (libvips 8.14: 3840x2400 to 640 wide,
 * 290 ms against 55 ms with one thread). */
#include "several.h"

#include <stdlib.h>
#include <string.h>

#include "box/boxcolour.h"
#include "imgbatch/clock.h"
#include "imgbatch/format.h"
#include "metadata.h"
#include "thumb.h"

/* A thumbnail outputs share: what they asked, and what came of it. */
struct shared {
    struct ib_target target;
    VipsInteresting crop;
    int first_page;
    VipsImage *img;
    int source; /* uncropped, unstretched: smaller outputs may come from it */
};

struct several {
    const struct ib_settings *s;
    struct ib_vips *v;
    const struct ib_plan *p;
    const struct ib_input *in;
    VipsImage *base;
    double base_factor; /* the shrink-on-load it was loaded at */
    struct shared thumbs[IB_MAX_OUTPUTS];
    int nthumbs;
    /* The box path's sRGB conversion, done here when it took it from
     * thumbnail (boxcolour.h); NULL otherwise. */
    const struct ib_box_colour *colour;
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

/* The largest output's factor: the smallest. */
static double base_factor(const struct ib_settings *s, const struct ib_plan *p,
                          const struct ib_outs *outs)
{
    double factor = -1;
    for (int i = 0; i < outs->n; i++) {
        if (!ib_out_to_make(&outs->v[i]))
            continue;
        double f = open_factor(s, p, &outs->v[i]);
        if (factor < 0 || f < factor)
            factor = f;
    }
    return factor;
}

/* The loader options that load the file at factor. */
static void base_options(const struct ib_plan *p, double factor, char *options,
                         size_t len)
{
    int n = snprintf(options, len, "fail_on=error%s", p->options);
    if (factor <= 1 || n < 0 || (size_t)n >= len)
        return;
    if (vips_isprefix("VipsForeignLoadJpeg", p->loader))
        snprintf(options + n, len - (size_t)n, ",shrink=%d", (int)factor);
    else
        snprintf(options + n, len - (size_t)n, ",scale=%.17g", 1.0 / factor);
}

/* The file, loaded once at the base factor, decoded into memory. */
static VipsImage *load_base(const struct ib_input *in, const struct ib_plan *p,
                            double factor)
{
    char options[160];
    base_options(p, factor, options, sizeof(options));
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
    if (base)
        ib_metadata_own_blobs(base);
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
        ib_thumb_size(ib_thumb_file(sv->s, sv->in, sv->p, out), &w, &h) != 0 ||
        ib_thumb_size(
            ib_thumb_image(sv->s, source, sv->p, &out->target, out->crop), &bw,
            &bh) != 0 ||
        (bw == w && bh == h))
        return out->target;
    return (struct ib_target){w, h, IB_SIZE_FORCE, 0};
}

/* Whether out's thumbnail may be the source of smaller outputs: its aspect
 * kept, uncropped, not a stack of frames. */
static int is_source(const struct ib_plan *p, const struct ib_out *out)
{
    return out->crop == VIPS_INTERESTING_NONE && !out->target.crop &&
           out->target.size != IB_SIZE_FORCE && !p->all_pages;
}

/* The smallest thumbnail made so far that leaves out a shrink of two on
 * each axis (it is upright already), or NULL. */
static VipsImage *smaller_source(const struct several *sv,
                                 const struct ib_out *out)
{
    VipsImage *best = NULL;
    for (int i = 0; i < sv->nthumbs; i++) {
        VipsImage *img = sv->thumbs[i].img;
        double h, v;
        if (!sv->thumbs[i].source)
            continue;
        ib_target_shrink(&out->target, img->Xsize, img->Ysize, 0, &h, &v);
        if (h >= 2 && v >= 2 &&
            (!best || (double)img->Xsize * img->Ysize <
                          (double)best->Xsize * best->Ysize))
            best = img;
    }
    return best;
}

/* What out's thumbnail is made from (a new reference): the base, unless
 * alone it would have been shrunk on load further than the base was (a
 * JPEG's DCT scale, a WebP's scaled decode): it is not the same as alone
 * then in any case, and a larger output's thumbnail is as good a source
 * and far smaller. */
static VipsImage *source_for(struct several *sv, const struct ib_out *out)
{
    VipsImage *smaller = NULL;
    if (open_factor(sv->s, sv->p, out) > sv->base_factor)
        smaller = smaller_source(sv, out);
    return g_object_ref(smaller ? smaller : sv->base);
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
    VipsImage *source = source_for(sv, out);
    if (source && first)
        source = first_page(source);
    struct ib_target t = source ? exact_target(sv, out, source) : out->target;
    VipsImage *lazy =
        source ? ib_thumb_image(sv->s, source, sv->p, &t, out->crop) : NULL;
    VipsImage *img = lazy ? vips_image_copy_memory(lazy) : NULL;
    if (source)
        g_object_unref(source);
    if (lazy)
        g_object_unref(lazy);
    if (img && sv->colour && ib_box_colour_apply(sv->colour, img) != 0)
        VIPS_UNREF(img);
    if (!img)
        return NULL;
    sv->thumbs[sv->nthumbs++] = (struct shared){out->target, out->crop, first,
                                                img, is_source(sv->p, out)};
    return g_object_ref(img);
}

/* ---- the order --------------------------------------------------------- */

/* The area of out's thumbnail before any crop, as the plan foresees it. */
static double foreseen_area(const struct ib_plan *p, const struct ib_out *out)
{
    double hs, vs;
    ib_target_shrink(&out->target, p->width, p->height, p->swap, &hs, &vs);
    return p->width / hs * (p->height / vs);
}

/* The outputs to make, the largest first (sources before what comes from
 * them); how many. */
static int largest_first(const struct ib_plan *p, const struct ib_outs *outs,
                         int *order)
{
    int n = 0;
    for (int i = 0; i < outs->n; i++) {
        if (!ib_out_to_make(&outs->v[i]))
            continue;
        double area = foreseen_area(p, &outs->v[i]);
        int j = n++;
        for (; j > 0 && foreseen_area(p, &outs->v[order[j - 1]]) < area; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    return n;
}

/* ---- the same bytes twice --------------------------------------------- */

static int same_background(const struct ib_background *a,
                           const struct ib_background *b)
{
    return a->given == b->given && a->rgb[0] == b->rgb[0] &&
           a->rgb[1] == b->rgb[1] && a->rgb[2] == b->rgb[2];
}

/* Whether two outputs of one thumbnail come out as the same bytes: the
 * same fit to the same box, the same format and encoder settings. Their
 * names may differ (-s 640,640x480 on a landscape photo). */
static int same_encoding(const struct ib_out *a, const struct ib_out *b)
{
    const struct ib_rendition *x = a->r, *y = b->r;
    return a->format == b->format && x->fit == y->fit &&
           x->geometry.width == y->geometry.width &&
           x->geometry.height == y->geometry.height &&
           x->gravity.kind == y->gravity.kind && x->gravity.x == y->gravity.x &&
           x->gravity.y == y->gravity.y && x->quality == y->quality &&
           x->keep_metadata == y->keep_metadata &&
           same_background(&x->background, &y->background) &&
           memcmp(&x->encoder, &y->encoder, sizeof(x->encoder)) == 0;
}

/* out made as twin was: its bytes copied, not encoded again. 0, or -1
 * when twin has no bytes (it failed). */
static int copy_made(const struct ib_out *twin, struct ib_out *out)
{
    if (!twin->pl.bytes)
        return -1;
    unsigned char *bytes = malloc(twin->pl.len);
    if (!bytes)
        return -1;
    memcpy(bytes, twin->pl.bytes, twin->pl.len);
    out->pl = (struct ib_payload){NULL, twin->pl.format, bytes, twin->pl.len};
    out->w = twin->w;
    out->h = twin->h;
    out->pipeline = twin->pipeline;
    return 0;
}

/* Each output from sv's base, largest first; the base and the thumbnails
 * are let go at the end. */
static void make_from_base(struct several *sv, struct ib_outs *outs,
                           const int *order, int n, int pipeline)
{
    const VipsImage *from[IB_MAX_OUTPUTS];
    for (int i = 0; i < n; i++) {
        struct ib_out *out = &outs->v[order[i]];
        long long start = ib_now_usec();
        VipsImage *thumb = thumbnail(sv, out);
        from[i] = thumb;
        const struct ib_out *twin = NULL;
        for (int j = 0; j < i && thumb && !twin; j++)
            if (from[j] == thumb && same_encoding(&outs->v[order[j]], out))
                twin = &outs->v[order[j]];
        if (twin && copy_made(twin, out) == 0)
            g_object_unref(thumb);
        else if (ib_thumb_finish(sv->s, sv->v, out, thumb, 1) == 0)
            out->pipeline = pipeline;
        out->usec += ib_now_usec() - start;
    }
    for (int i = 0; i < sv->nthumbs; i++)
        g_object_unref(sv->thumbs[i].img);
    g_object_unref(sv->base);
}

void ib_make_several(const struct ib_settings *s, struct ib_vips *v,
                     struct ib_outs *outs, const struct ib_input *in,
                     const struct ib_plan *p, struct ib_outcome *o)
{
    struct several sv = {.s = s, .v = v, .p = p, .in = in};
    int order[IB_MAX_OUTPUTS];
    int n = largest_first(p, outs, order);
    if (n == 0)
        return;
    sv.base_factor = base_factor(s, p, outs);
    if (!(sv.base = load_base(in, p, sv.base_factor))) {
        ib_vips_fail(v, o);
        return;
    }
    ib_vips_step_done(v);
    make_from_base(&sv, outs, order, n, IB_PIPELINE_LIBVIPS);
}

void ib_make_from_base(const struct ib_settings *s, struct ib_vips *v,
                       struct ib_outs *outs, const struct ib_input *in,
                       const struct ib_plan *p, VipsImage *base,
                       const struct ib_box_colour *colour, int pipeline)
{
    /* Loaded whole as far as libvips' thumbnail knows: every output comes
     * from it, at the size it has alone (exact_target), and none from
     * another's thumbnail (which colour has converted already). */
    struct several sv = {.s = s,
                         .v = v,
                         .p = p,
                         .in = in,
                         .base = base,
                         .base_factor = 1,
                         .colour = colour};
    int order[IB_MAX_OUTPUTS];
    int n = largest_first(p, outs, order);
    if (n == 0) {
        g_object_unref(base);
        return;
    }
    make_from_base(&sv, outs, order, n, pipeline);
}

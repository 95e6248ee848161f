/* SPDX-License-Identifier: MIT */
/* Planning one file from its header (plan.h). */
#include "plan.h"

#include "fit.h"
#include "imgbatch/memlimit.h"
#include "svgsniff.h"

#include <stdio.h>
#include <string.h>

static int loader_is(const struct ib_plan *p, const char *prefix)
{
    return vips_isprefix(prefix, p->loader);
}

/* libvips' own verdict, except for the loaders with a policy of their own
 * (see ib_vips_set_policy in startup.c): JPEG XL, SVG and PDF. */
/* The loader's class, for its flags and name; NULL when unknown. */
static VipsOperationClass *loader_class(const char *loader)
{
    GType type = g_type_from_name(loader);
    gpointer klass = type ? g_type_class_peek(type) : NULL;
    return klass ? VIPS_OPERATION_CLASS(klass) : NULL;
}

/* Blocked loaders get a reason that says how to unblock them. What is
 * blocked is libvips' own flag, which the policy set (startup.c): every
 * loader libvips flags untrusted, whatever module or build it comes from,
 * unless --allow-untrusted; SVG and PDF unless their own option. */
static int check_loader(const struct ib_loaders *l, const struct ib_plan *p,
                        struct ib_outcome *o)
{
    if (loader_is(p, "VipsForeignLoadSvg") && !l->allow_svg) {
        ib_outcome_fail(o, "%s", "SVG input is off (--allow-svg turns it on)");
        return -1;
    }
    if (loader_is(p, "VipsForeignLoadPdf") && !l->allow_pdf) {
        ib_outcome_fail(o, "%s", "PDF input is off (--allow-pdf turns it on)");
        return -1;
    }
    VipsOperationClass *c = loader_class(p->loader);
    if (!c || !(c->flags & VIPS_OPERATION_BLOCKED))
        return 0;
    const char *name = VIPS_OBJECT_CLASS(c)->nickname;
    if (c->flags & VIPS_OPERATION_UNTRUSTED)
        ib_outcome_fail(o,
                        "%s is an untrusted loader, off by default "
                        "(--allow-untrusted turns it on)",
                        name ? name : p->loader);
    else
        ib_outcome_fail(o, "%s is blocked", name ? name : p->loader);
    return -1;
}

static int format_from_loader(const struct ib_plan *p, VipsImage *header)
{
    static const struct {
        const char *prefix;
        int format;
    } table[] = {
        {"VipsForeignLoadJpeg", IB_FMT_JPEG},
        {"VipsForeignLoadPng", IB_FMT_PNG},
        {"VipsForeignLoadWebp", IB_FMT_WEBP},
        {"VipsForeignLoadTiff", IB_FMT_TIFF},
        {"VipsForeignLoadNsgif", IB_FMT_GIF},
        {"VipsForeignLoadJxl", IB_FMT_JXL},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (loader_is(p, table[i].prefix))
            return table[i].format;
    if (loader_is(p, "VipsForeignLoadHeif")) {
        const char *compression = NULL;
        if (vips_image_get_typeof(header, "heif-compression") &&
            !vips_image_get_string(header, "heif-compression", &compression) &&
            strcmp(compression, "av1") == 0)
            return IB_FMT_AVIF;
        return IB_FMT_HEIC;
    }
    return IB_FMT_PNG;
}

static int has_pages(const struct ib_plan *p)
{
    static const char *const loaders[] = {
        "VipsForeignLoadNsgif",  "VipsForeignLoadWebp",
        "VipsForeignLoadTiff",   "VipsForeignLoadHeif",
        "VipsForeignLoadPdf",    "VipsForeignLoadJxl",
        "VipsForeignLoadMagick", NULL};
    for (const char *const *l = loaders; *l; l++)
        if (loader_is(p, *l))
            return 1;
    return 0;
}

static int animated(const struct ib_plan *p)
{
    return p->pages > 1 && (loader_is(p, "VipsForeignLoadNsgif") ||
                            loader_is(p, "VipsForeignLoadWebp"));
}

int ib_plan_animates(const struct ib_plan *p, const int *formats, int n)
{
    for (int i = 0; i < n && animated(p); i++)
        if (ib_format_can_animate(ib_plan_format(p, formats[i])))
            return 1;
    return 0;
}

int ib_plan_format(const struct ib_plan *p, int format)
{
    return format == IB_FMT_FROM_LOADER ? p->format : format;
}

/* --page N, or every frame of an animation that an output can hold. */
static int choose_pages(const struct ib_settings *s, struct ib_plan *p,
                        int animate, struct ib_outcome *o)
{
    if (s->page >= 0 && !has_pages(p)) {
        if (s->page == 0)
            return 0;
        ib_outcome_fail(o, "--page %d: the file has a single image", s->page);
        return -1;
    }
    if (s->page >= 0) {
        if (s->page >= p->pages) {
            ib_outcome_fail(o, "--page %d: the file has %d page%s", s->page,
                            p->pages, p->pages == 1 ? "" : "s");
            return -1;
        }
        snprintf(p->options, sizeof(p->options), ",page=%d", s->page);
        return 0;
    }
    p->all_pages = animate && animated(p);
    if (p->all_pages)
        snprintf(p->options, sizeof(p->options), ",n=-1");
    return 0;
}

int ib_plan_check_limits(const struct ib_settings *s, const struct ib_plan *p,
                         struct ib_outcome *o)
{
    long long frames = p->all_pages ? p->pages : 1;
    long long pixels = (long long)p->width * p->height * frames;
    if (s->max_pixels && pixels > s->max_pixels) {
        ib_outcome_fail(o,
                        "image is %dx%d%s (%lld pixels), more than "
                        "--max-pixels %lld",
                        p->width, p->height, frames > 1 ? " per frame" : "",
                        pixels, s->max_pixels);
        return -1;
    }
    if (s->max_memory > 0 && p->decode_bytes > s->max_memory) {
        o->status = IB_STATUS_FAILED;
        ib_memlimit_reason(s->max_memory, o->error, sizeof(o->error));
        return -1;
    }
    return 0;
}

/* Luma-sized planes a JPEG's components make (libvips' header says how
 * chroma is subsampled, not by how much per component): with 4:2:0, 1.5
 * for YCbCr. Low where unsure: the estimate must never refuse a file
 * that fits. */
static double jpeg_planes(VipsImage *h)
{
    const char *sub = NULL;
    double chroma = 0.25;
    if (vips_image_get_typeof(h, "jpeg-chroma-subsample") &&
        !vips_image_get_string(h, "jpeg-chroma-subsample", &sub)) {
        if (vips_isprefix("4:4:4", sub))
            chroma = 1;
        else if (vips_isprefix("4:2:2", sub) || vips_isprefix("4:4:0", sub))
            chroma = 0.5;
    }
    return 1 + (h->Bands - 1) * chroma;
}

static int header_int(VipsImage *h, const char *name)
{
    int v = 0;
    if (vips_image_get_typeof(h, name) && vips_image_get_int(h, name, &v))
        v = 0;
    return v;
}

/* What the loader allocates at once to decode the file, at any scale
 * (libvips 8.14): the coefficients of every block of a progressive JPEG
 * (two bytes each), the RGBA canvas of a GIF (nsgifload's frame bitmap),
 * the whole image of an interlaced PNG. */
static long long decode_bytes(const struct ib_plan *p, VipsImage *h)
{
    double pixels = (double)p->width * p->height;
    if (loader_is(p, "VipsForeignLoadJpeg") && header_int(h, "interlaced"))
        return (long long)(pixels * 2 * jpeg_planes(h));
    if (loader_is(p, "VipsForeignLoadNsgif"))
        return (long long)(pixels * 4);
    if (loader_is(p, "VipsForeignLoadPng") && header_int(h, "interlaced"))
        return (long long)(pixels * VIPS_IMAGE_SIZEOF_PEL(h));
    return 0;
}

/* Imports an embedded profile and writes sRGB unless told otherwise. A
 * grey image with a profile of its own (Gray Gamma 2.2, say) too: its
 * pixels are not sRGB's tone curve, and the output goes untagged. The
 * export makes it three bands, which ib_plan_regreys says to make one
 * again. */
const char *ib_plan_output_profile(const struct ib_colour *c,
                                   const struct ib_plan *p)
{
    if (c->output_profile)
        return c->output_profile;
    if (c->keep_profile)
        return NULL;
    if ((p->tagged || c->input_profile) && p->bands >= 3)
        return "srgb";
    if (p->grey_profile && p->bands < 3)
        return "srgb";
    return NULL;
}

int ib_plan_is_grey_profile(const void *icc, size_t len)
{
    /* The header's data colour space, at byte 16. */
    return icc && len >= 128 && memcmp((const char *)icc + 16, "GRAY", 4) == 0;
}

int ib_colour_is_default(const struct ib_colour *c)
{
    return !c->input_profile && !c->output_profile && !c->keep_profile &&
           !c->linear;
}

int ib_plan_regreys(const struct ib_colour *c, const struct ib_plan *p)
{
    return p->bands < 3 && p->output_profile && !c->output_profile;
}

/* An untagged RGB input is sRGB. Said explicitly, because libvips 8.14's
 * thumbnail, given only an export profile, converts untagged pixels to it
 * through its own approximation (a saturated green moves by 70 levels). */
static const char *choose_input_profile(const struct ib_colour *c,
                                        const struct ib_plan *p,
                                        VipsImage *header)
{
    if (c->input_profile)
        return c->input_profile;
    if (p->output_profile && p->bands >= 3 && !p->tagged &&
        vips_image_guess_interpretation(header) == VIPS_INTERPRETATION_sRGB)
        return "srgb";
    return NULL;
}

void ib_plan_target(const struct ib_plan *p, const struct ib_rendition *r,
                    struct ib_target *t, VipsInteresting *crop)
{
    ib_fit_target(r, p->swap ? p->height : p->width,
                  p->swap ? p->width : p->height, t, crop);
}

int ib_plan_enlarges(const struct ib_plan *p, const struct ib_target *t)
{
    double h, v;
    ib_target_shrink(t, p->width, p->height, p->swap, &h, &v);
    return h < 1 || v < 1;
}

static void read_header(const struct ib_settings *s, struct ib_plan *p,
                        VipsImage *h, struct ib_outcome *o)
{
    p->width = h->Xsize;
    p->height = vips_image_get_page_height(h);
    p->pages = vips_image_get_n_pages(h);
    o->in_w = p->width;
    o->in_h = p->height;
    p->format = format_from_loader(p, h);
    p->tagged = vips_image_get_typeof(h, VIPS_META_ICC_NAME) != 0;
    const void *icc = NULL;
    size_t icc_len = 0;
    if (p->tagged &&
        !vips_image_get_blob(h, VIPS_META_ICC_NAME, &icc, &icc_len))
        p->grey_profile = ib_plan_is_grey_profile(icc, icc_len);
    p->bands = h->Bands;
    p->output_profile = ib_plan_output_profile(&s->colour, p);
    p->input_profile = choose_input_profile(&s->colour, p, h);
    p->orientation = s->no_rotate ? 1 : vips_image_get_orientation(h);
    p->swap = !s->no_rotate && vips_image_get_orientation_swap(h);
    p->decode_bytes = decode_bytes(p, h);
}

/* libvips' own search, in its order, once its SVG check is known to end
 * (svgsniff.h). */
static const char *find_loader(const struct ib_loaders *l, struct ib_vips *v,
                               struct ib_input *in)
{
    const char *loader = vips_foreign_find_load_source(in->src);
    if (!loader && ib_vips_load_more(v)) {
        vips_error_clear();
        loader = vips_foreign_find_load_source(in->src);
    }
    if (loader || !l->allow_untrusted)
        return loader;
    vips_error_clear();
    if (!(in->blob = vips_source_map_blob(in->src)))
        return NULL;
    size_t len;
    const void *data = vips_blob_get(in->blob, &len);
    /* The buffer loaders' SVG check is given the whole file. */
    if (ib_svg_sniff(data, len) >= IB_SVG_LOOPS)
        return NULL;
    return vips_foreign_find_load_buffer(data, len);
}

/* Files libvips' SVG check would never be done with: SVG off, one that
 * is SVG inside says so, as any SVG does; else each fails at once. 0 when
 * libvips may look. */
static int refuse_endless_svg(const struct ib_loaders *l, struct ib_input *in,
                              struct ib_outcome *o)
{
    enum ib_svg_sniff svg = ib_svg_sniff_source(in->src);
    if (svg == IB_SVG_LOOPS_SVG && !l->allow_svg)
        ib_outcome_fail(o, "%s", "SVG input is off (--allow-svg turns it on)");
    else if (svg == IB_SVG_LOOPS_SVG)
        ib_outcome_fail(o, "%s",
                        "damaged SVGZ: bytes after the end of its gzip data");
    else if (svg == IB_SVG_LOOPS)
        ib_outcome_fail(o, "%s", "not an image format imgbatch can read");
    return svg >= IB_SVG_LOOPS ? -1 : 0;
}

static VipsImage *load_header(const struct ib_input *in, const char *options)
{
    if (!in->blob)
        return vips_image_new_from_source(in->src, options, "access",
                                          VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                          VIPS_FAIL_ON_ERROR, NULL);
    size_t len;
    const void *data = vips_blob_get(in->blob, &len);
    return vips_image_new_from_buffer(data, len, options, "access",
                                      VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                      VIPS_FAIL_ON_ERROR, NULL);
}

int ib_plan_read(const struct ib_settings *s, struct ib_vips *v,
                 struct ib_input *in, struct ib_plan *p, struct ib_outcome *o)
{
    memset(p, 0, sizeof(*p));
    if (refuse_endless_svg(&s->loaders, in, o) != 0)
        return -1;
    p->loader = find_loader(&s->loaders, v, in);
    if (!p->loader) {
        vips_error_clear();
        ib_outcome_fail(o, "%s", "not an image format imgbatch can read");
        return -1;
    }
    if (check_loader(&s->loaders, p, o) != 0)
        return -1;
    VipsImage *h = load_header(in, "");
    if (!h) {
        ib_vips_fail(v, o);
        return -1;
    }
    read_header(s, p, h, o);
    g_object_unref(h);
    ib_vips_step_done(v);
    return 0;
}

int ib_plan_pages(const struct ib_settings *s, struct ib_vips *v,
                  struct ib_input *in, int animate, struct ib_plan *p,
                  struct ib_outcome *o)
{
    if (choose_pages(s, p, animate, o) != 0)
        return -1;
    /* The header of the first page counted the pages; a later page may
     * have a size of its own. */
    if (s->page > 0) {
        char options[32];
        snprintf(options, sizeof(options), "page=%d", s->page);
        VipsImage *h = load_header(in, options);
        if (!h) {
            ib_vips_fail(v, o);
            return -1;
        }
        read_header(s, p, h, o);
        g_object_unref(h);
        ib_vips_step_done(v);
    }
    return ib_plan_check_limits(s, p, o);
}

/* ---- the settings in libvips' terms ------------------------------------ */

VipsSize ib_vips_size(enum ib_size_mode m)
{
    switch (m) {
    case IB_SIZE_UP: return VIPS_SIZE_UP;
    case IB_SIZE_DOWN: return VIPS_SIZE_DOWN;
    case IB_SIZE_FORCE: return VIPS_SIZE_FORCE;
    default: return VIPS_SIZE_BOTH;
    }
}

VipsIntent ib_vips_intent(enum ib_intent i)
{
    switch (i) {
    case IB_INTENT_PERCEPTUAL: return VIPS_INTENT_PERCEPTUAL;
    case IB_INTENT_SATURATION: return VIPS_INTENT_SATURATION;
    case IB_INTENT_ABSOLUTE: return VIPS_INTENT_ABSOLUTE;
    default: return VIPS_INTENT_RELATIVE;
    }
}

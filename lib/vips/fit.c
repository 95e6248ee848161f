/* SPDX-License-Identifier: MIT */
/* A rendition's fit (fit.h). */
#include "fit.h"

#include <math.h>

#include "encode.h"
#include "imgbatch/format.h"

static VipsInteresting interesting_of(const struct ib_gravity *g)
{
    if (g->kind == IB_GRAVITY_ATTENTION)
        return VIPS_INTERESTING_ATTENTION;
    if (g->kind == IB_GRAVITY_ENTROPY)
        return VIPS_INTERESTING_ENTROPY;
    if (g->x == 0.5 && g->y == 0.5)
        return VIPS_INTERESTING_CENTRE;
    return VIPS_INTERESTING_NONE; /* a point: ib_fit_finish crops */
}

void ib_fit_target(const struct ib_rendition *r, int display_w, int display_h,
                   struct ib_target *t, VipsInteresting *crop)
{
    struct ib_geometry g = r->geometry;
    *crop = VIPS_INTERESTING_NONE;
    switch (r->fit) {
    case IB_FIT_FILL: g.flag = IB_GEOM_EXACT; break;
    case IB_FIT_OUTSIDE: g.flag = IB_GEOM_COVER; break;
    case IB_FIT_COVER:
        *crop = interesting_of(&r->gravity);
        g.flag = *crop == VIPS_INTERESTING_NONE ? IB_GEOM_COVER : IB_GEOM_PLAIN;
        break;
    default: g.flag = IB_GEOM_PLAIN; break;
    }
    ib_geometry_resolve(&g, display_w, display_h,
                        *crop != VIPS_INTERESTING_NONE, t);
}

/* ---- one page at a time ------------------------------------------------ */

typedef VipsImage *(*page_fn)(const struct ib_rendition *r, int format,
                              VipsImage *page);

/* Applies fn to each page of an animation (its frames stacked), or to the
 * image. Takes img's reference. */
static VipsImage *each_page(const struct ib_rendition *r, int format,
                            VipsImage *img, page_fn fn)
{
    int page_h = vips_image_get_page_height(img);
    int pages = img->Ysize / page_h;
    if (pages <= 1)
        return fn(r, format, img);
    VipsImage **v = g_new0(VipsImage *, pages);
    int ok = 1;
    for (int i = 0; ok && i < pages; i++)
        ok = !vips_crop(img, &v[i], 0, i * page_h, img->Xsize, page_h, NULL) &&
             (v[i] = fn(r, format, v[i])) != NULL;
    VipsImage *out = NULL;
    if (ok && !vips_arrayjoin(v, &out, pages, "across", 1, NULL)) {
        vips_image_set_int(out, VIPS_META_PAGE_HEIGHT, out->Ysize / pages);
    }
    for (int i = 0; i < pages; i++)
        if (v[i])
            g_object_unref(v[i]);
    g_free(v);
    g_object_unref(img);
    return out;
}

/* ---- cover at a point -------------------------------------------------- */

static VipsImage *crop_at_point(const struct ib_rendition *r, int format,
                                VipsImage *in)
{
    (void)format;
    int w = r->geometry.width < in->Xsize ? r->geometry.width : in->Xsize;
    int h = r->geometry.height < in->Ysize ? r->geometry.height : in->Ysize;
    int left = (int)floor((in->Xsize - w) * r->gravity.x);
    int top = (int)floor((in->Ysize - h) * r->gravity.y);
    VipsImage *out = NULL;
    return ib_image_replace(in, vips_crop(in, &out, left, top, w, h, NULL),
                            &out);
}

/* ---- contain ----------------------------------------------------------- */

static double sample_max(const VipsImage *img)
{
    return img->BandFmt == VIPS_FORMAT_USHORT ? 65535.0 : 255.0;
}

/* A transparent pad: the image gets an alpha band if it has none. */
static int transparent(const struct ib_rendition *r, int format)
{
    return ib_format_has_alpha(format) && !r->background.given;
}

static VipsImage *with_alpha(VipsImage *in)
{
    if (vips_image_hasalpha(in))
        return in;
    VipsImage *out = NULL;
    int rc = vips_bandjoin_const1(in, &out, sample_max(in), NULL);
    return ib_image_replace(in, rc, &out);
}

/* The padding's value in each band of img. */
static VipsArrayDouble *pad_value(const struct ib_rendition *r, int format,
                                  const VipsImage *img)
{
    double v[4] = {0, 0, 0, 0};
    double scale = sample_max(img) / 255.0;
    int colours = img->Bands - vips_image_hasalpha((VipsImage *)img);
    const double *rgb = r->background.rgb;
    if (!transparent(r, format)) {
        if (colours < 3) /* grey: the colour's luminance (Rec. 601) */
            v[0] = (0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]) * scale;
        else if (img->Type == VIPS_INTERPRETATION_CMYK) /* kept CMYK: */
            for (int i = 0; i < 3; i++) /* the ink that leaves it, no K */
                v[i] = (255 - rgb[i]) * scale;
        else
            for (int i = 0; i < 3; i++)
                v[i] = rgb[i] * scale;
        if (colours < img->Bands)
            v[colours] = sample_max(img);
    }
    return vips_array_double_new(v, img->Bands < 4 ? img->Bands : 4);
}

static VipsImage *pad_to_box(const struct ib_rendition *r, int format,
                             VipsImage *in)
{
    int w = r->geometry.width > in->Xsize ? r->geometry.width : in->Xsize;
    int h = r->geometry.height > in->Ysize ? r->geometry.height : in->Ysize;
    if (w == in->Xsize && h == in->Ysize)
        return in;
    if (transparent(r, format) && !(in = with_alpha(in)))
        return NULL;
    int left = (int)floor((w - in->Xsize) * r->gravity.x);
    int top = (int)floor((h - in->Ysize) * r->gravity.y);
    VipsArrayDouble *bg = pad_value(r, format, in);
    VipsImage *out = NULL;
    int rc = vips_embed(in, &out, left, top, w, h, "extend",
                        VIPS_EXTEND_BACKGROUND, "background", bg, NULL);
    vips_area_unref(VIPS_AREA(bg));
    return ib_image_replace(in, rc, &out);
}

VipsImage *ib_fit_finish(const struct ib_rendition *r, int format,
                         VipsImage *img)
{
    if (r->fit == IB_FIT_CONTAIN)
        return each_page(r, format, img, pad_to_box);
    if (r->fit == IB_FIT_COVER && r->gravity.kind == IB_GRAVITY_POINT &&
        !(r->gravity.x == 0.5 && r->gravity.y == 0.5))
        return each_page(r, format, img, crop_at_point);
    return img;
}

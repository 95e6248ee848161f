/* SPDX-License-Identifier: MIT */
/* When a box-shrunk decode serves (boxpath.h). */
#include "boxpath.h"

#include "pathswitch.h"
#include "thumb.h"

static int file_serves(const struct ib_settings *s, const struct ib_input *in,
                       const struct ib_plan *p, const char *loader,
                       const char *path_switch)
{
    return vips_isprefix(loader, p->loader) && ib_direct_path_on(path_switch) &&
           in->src && !in->blob && !p->all_pages && p->pages <= 1 &&
           !p->options[0] && p->orientation == 1 && !p->swap &&
           !s->colour.linear;
}

/* No kept metadata and no stretch (libvips' thumbnail updates a
 * stretched output's EXIF from the file otherwise than from an image);
 * and from a box-shrunk base no crop either (the box is chosen for a
 * resize of the whole image). */
static int output_serves(const struct ib_out *out, int shrunk)
{
    return !out->r->keep_metadata && out->target.size != IB_SIZE_FORCE &&
           (!shrunk ||
            (out->crop == VIPS_INTERESTING_NONE && !out->target.crop));
}

/* libvips' reduce: the box part of shrinking size to out (its gap 2). */
static int box_of(int size, int out)
{
    int k = out > 0 ? size / out / 2 : 1;
    return k > 1 ? k : 1;
}

/* The largest box of at most k that divides both sides: the base is then
 * exactly the image at 1/k, and thumbnail resizes it by exactly the scale
 * left, from exactly where it would start on the whole image. A box that
 * leaves a part-filled block at an edge makes the base a fraction of a
 * pixel larger than that, and every sample of the resize lands that much
 * off, up to half a pixel of the output at the far edge (PSNR 34 dB
 * against a whole-image resize on a detailed 100-pixel thumbnail, where
 * libvips' own gives 49). 1 when none. */
static int exact_box(int width, int height, int k)
{
    for (; k >= 2; k--)
        if (width % k == 0 && height % k == 0)
            return k;
    return 1;
}

int ib_base_serves(const struct ib_settings *s, const struct ib_input *in,
                   const struct ib_plan *p, const struct ib_outs *outs,
                   const char *loader, const char *path_switch, int shrunk)
{
    if (!file_serves(s, in, p, loader, path_switch))
        return 0;
    for (int i = 0; i < outs->n; i++)
        if (ib_out_to_make(&outs->v[i]) && !output_serves(&outs->v[i], shrunk))
            return 0;
    return 1;
}

int ib_box_path(const struct ib_settings *s, const struct ib_input *in,
                const struct ib_plan *p, const struct ib_outs *outs)
{
    if (!ib_base_serves(s, in, p, outs, "VipsForeignLoadPng",
                        "IMGBATCH_DIRECT_PNG", 1))
        return 0;
    int h_box = 0, v_box = 0;
    for (int i = 0; i < outs->n; i++) {
        const struct ib_out *out = &outs->v[i];
        if (!ib_out_to_make(out))
            continue;
        int w, h;
        if (ib_thumb_size(ib_thumb_file(s, in, p, out), &w, &h) != 0)
            return 0;
        /* The largest output's, the smallest box, serves them all. */
        int hb = box_of(p->width, w), vb = box_of(p->height, h);
        h_box = h_box == 0 || hb < h_box ? hb : h_box;
        v_box = v_box == 0 || vb < v_box ? vb : v_box;
    }
    int box = exact_box(p->width, p->height, h_box < v_box ? h_box : v_box);
    return box >= 2 ? box : 0;
}

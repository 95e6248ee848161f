/* SPDX-License-Identifier: MIT */
/* The box path's sRGB conversion through cached transforms
 * (boxcolour.h). */
#include "boxcolour.h"

#include <stdlib.h>
#include <string.h>

#include "pathswitch.h"

/* An RGB profile's colours made sRGB, as the default colour handling
 * does with a tagged file. */
static int converts_to_srgb(const struct ib_settings *s,
                            const struct ib_plan *p)
{
    return ib_colour_is_default(&s->colour) && p->tagged && !p->grey_profile &&
           p->output_profile && strcmp(p->output_profile, "srgb") == 0;
}

static int rgb_image(const VipsImage *img)
{
    return img->BandFmt == VIPS_FORMAT_UCHAR &&
           img->Coding == VIPS_CODING_NONE &&
           img->Type == VIPS_INTERPRETATION_sRGB &&
           (img->Bands == 3 || img->Bands == 4);
}

/* Whether the cache takes the profile: its transform is built now (or
 * found), on one pixel. */
static int cache_takes(struct ib_srgb_cache *cache, const void *icc, size_t len,
                       int intent)
{
    unsigned char pixel[3] = {0}, converted[3];
    return ib_srgb_convert(cache, icc, len, intent, pixel, converted, 1) == 0;
}

int ib_box_colour_take(struct ib_srgb_cache *cache, const struct ib_settings *s,
                       VipsImage **base, struct ib_plan *p,
                       struct ib_box_colour *c)
{
    memset(c, 0, sizeof(*c));
    const void *data;
    size_t len;
    int intent = ib_vips_intent(s->colour.intent);
    if (!cache || !ib_direct_path_on("IMGBATCH_CACHED_SRGB") ||
        !converts_to_srgb(s, p) || !rgb_image(*base) ||
        vips_image_get_blob(*base, VIPS_META_ICC_NAME, &data, &len) != 0 ||
        /* A profile the cache declines is left to libvips, with the base
         * as it is. */
        !cache_takes(cache, data, len, intent)) {
        vips_error_clear();
        return 0;
    }
    VipsImage *untagged = NULL;
    if (vips_copy(*base, &untagged, NULL) != 0) {
        vips_error_clear();
        return 0;
    }
    VipsBlob *icc = vips_blob_copy(data, len);
    vips_image_remove(untagged, VIPS_META_ICC_NAME);
    g_object_unref(*base);
    *base = untagged;
    p->output_profile = NULL;
    p->tagged = 0;
    *c = (struct ib_box_colour){cache, icc, intent};
    return 1;
}

int ib_box_colour_apply(const struct ib_box_colour *c, VipsImage *img)
{
    const int bands = img->Bands, w = img->Xsize;
    const size_t n = (size_t)w;
    size_t len;
    const void *icc = vips_blob_get(c->icc, &len);
    unsigned char *rgb = malloc(n * 3), *srgb = malloc(n * 3);
    int rc = rgb && srgb ? 0 : -1;
    for (int y = 0; rc == 0 && y < img->Ysize; y++) {
        unsigned char *row = VIPS_IMAGE_ADDR(img, 0, y);
        for (size_t x = 0; x < n; x++)
            memcpy(rgb + 3 * x, row + (size_t)bands * x, 3);
        rc = ib_srgb_convert(c->cache, icc, len, c->intent, rgb, srgb, n);
        for (size_t x = 0; rc == 0 && x < n; x++)
            memcpy(row + (size_t)bands * x, srgb + 3 * x, 3);
    }
    free(rgb);
    free(srgb);
    if (rc != 0)
        vips_error("imgbatch", "cannot convert to sRGB");
    return rc;
}

void ib_box_colour_clear(struct ib_box_colour *c)
{
    if (c->icc)
        vips_area_unref(VIPS_AREA(c->icc));
    memset(c, 0, sizeof(*c));
}

/* SPDX-License-Identifier: MIT */
#include "imgbatch/settings.h"

#include <string.h>

void ib_settings_defaults(struct ib_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->page = -1;
    s->colour.intent = IB_INTENT_RELATIVE;
    s->timeout_s = 300;
    /* sharp's limitInputPixels default: 0x3FFF * 0x3FFF. */
    s->max_pixels = 268402689;
    s->shard.count = 1;
    s->watch_settle = 1.0;
    ib_tolerance_defaults(&s->tolerance);
}

void ib_rendition_defaults(struct ib_rendition *r)
{
    memset(r, 0, sizeof(*r));
    r->variant = "default";
    r->size_text = "100x100";
    r->geometry.kind = IB_GEOM_BOX;
    r->geometry.width = 100;
    r->geometry.height = 100;
    r->fit = IB_FIT_INSIDE;
    r->gravity.kind = IB_GRAVITY_POINT;
    r->gravity.x = r->gravity.y = 0.5;
    r->format = IB_FMT_KEEP;
    r->quality = 85;
    r->min_quality = 40;
    r->prefix = "resized_";
    r->background.rgb[0] = r->background.rgb[1] = r->background.rgb[2] = 255;
    r->encoder.jpeg_progressive = -1;
    r->encoder.jpeg_optimize = -1;
    r->encoder.png_compression = -1;
    r->encoder.png_palette = -1;
    r->encoder.webp_lossless = -1;
    r->encoder.webp_near_lossless = -1;
    r->encoder.webp_effort = -1;
    r->encoder.avif_effort = -1;
}

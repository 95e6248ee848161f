/* SPDX-License-Identifier: MIT */
#include "imgbatch/settings.h"

#include <string.h>

void ib_settings_defaults(struct ib_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->geometry.kind = IB_GEOM_BOX;
    s->geometry.width = 100;
    s->geometry.height = 100;
    s->format = IB_FMT_KEEP;
    s->quality = 85;
    s->prefix = "resized_";
    s->page = -1;
    s->background[0] = s->background[1] = s->background[2] = 255;
    s->colour.intent = IB_INTENT_RELATIVE;
    s->encoder.jpeg_progressive = -1;
    s->encoder.jpeg_optimize = -1;
    s->encoder.png_compression = -1;
    s->encoder.png_palette = -1;
    s->encoder.webp_lossless = -1;
    s->encoder.webp_near_lossless = -1;
    s->encoder.webp_effort = -1;
    s->encoder.avif_effort = -1;
    s->timeout_s = 300;
    /* sharp's limitInputPixels default: 0x3FFF * 0x3FFF. */
    s->max_pixels = 268402689;
    s->shard.count = 1;
    ib_tolerance_defaults(&s->tolerance);
}

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
    s->timeout_s = 300;
    /* sharp's limitInputPixels default: 0x3FFF * 0x3FFF. */
    s->max_pixels = 268402689;
}

/* SPDX-License-Identifier: MIT */
/* imgbatch's value parsers (values.h). */
#include "values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imgbatch/format.h"
#include "imgbatch/geometry.h"
#include "imgbatch/settings.h"
#include "imgbatch/shard.h"

int opt_geometry(const struct opt *o, const char *arg, void *field, char *why,
                 size_t why_len)
{
    (void)o;
    return ib_geometry_parse(arg, field, why, why_len);
}

int opt_format(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len)
{
    (void)o;
    enum ib_format f = ib_format_from_name(arg);
    if (f == IB_FMT_KEEP) {
        snprintf(why, why_len,
                 "expected jpg, png, webp, avif, tif, gif, jxl or heic");
        return -1;
    }
    *(enum ib_format *)field = f;
    return 0;
}

int opt_prefix(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len)
{
    (void)o;
    if (strchr(arg, '/')) {
        snprintf(why, why_len, "it may not contain '/'");
        return -1;
    }
    *(const char **)field = arg;
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* #rgb or #rrggbb. */
static int parse_hex_colour(const char *hex, double rgb[3])
{
    size_t n = strlen(hex);
    if (n != 3 && n != 6)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (hex_digit(hex[i]) < 0)
            return -1;
    for (int c = 0; c < 3; c++)
        rgb[c] = n == 3
                     ? hex_digit(hex[c]) * 17
                     : hex_digit(hex[2 * c]) * 16 + hex_digit(hex[2 * c + 1]);
    return 0;
}

/* R,G,B, each 0-255. */
static int parse_rgb_triple(const char *text, double rgb[3])
{
    int r, g, b, used = 0;
    if (sscanf(text, "%d,%d,%d%n", &r, &g, &b, &used) != 3 ||
        text[used] != '\0')
        return -1;
    if (r < 0 || r > 255 || g < 0 || g > 255 || b < 0 || b > 255)
        return -1;
    rgb[0] = r, rgb[1] = g, rgb[2] = b;
    return 0;
}

const char *const ib_colour_names[] = {"white", "black", "grey", "gray",
                                       "red",   "green", "blue", NULL};

static const double colour_values[][3] = {
    {255, 255, 255}, {0, 0, 0},   {128, 128, 128}, {128, 128, 128},
    {255, 0, 0},     {0, 128, 0}, {0, 0, 255},
};

int opt_colour(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len)
{
    (void)o;
    double *rgb = field;
    for (size_t i = 0; ib_colour_names[i]; i++)
        if (strcasecmp(arg, ib_colour_names[i]) == 0) {
            memcpy(rgb, colour_values[i], sizeof(colour_values[i]));
            return 0;
        }
    if ((arg[0] == '#' && parse_hex_colour(arg + 1, rgb) == 0) ||
        parse_rgb_triple(arg, rgb) == 0)
        return 0;
    snprintf(why, why_len,
             "expected a name (white, black, ...), #rrggbb or R,G,B");
    return -1;
}

int opt_crop(const struct opt *o, const char *arg, void *field, char *why,
             size_t why_len)
{
    if (strcmp(arg, "center") == 0)
        arg = "centre";
    int i;
    if (opt_choice(o, arg, &i, why, why_len) != 0)
        return -1;
    *(enum ib_crop *)field = (enum ib_crop)i;
    return 0;
}

static const char *plain_getenv(const char *name)
{
    return getenv(name);
}

int opt_shard(const struct opt *o, const char *arg, void *field, char *why,
              size_t why_len)
{
    (void)o;
    return ib_shard_parse(arg, plain_getenv, field, why, why_len);
}

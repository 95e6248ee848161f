/* SPDX-License-Identifier: MIT */
/* imgbatch's value parsers (values.h). */
#include "values.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imgbatch/format.h"
#include "imgbatch/geometry.h"
#include "imgbatch/name.h"
#include "imgbatch/settings.h"
#include "imgbatch/shard.h"

/* Calls one for each comma-separated item of arg (items may not be
 * empty). 0, or -1 with why. */
static int each_item(const char *arg, int max, void *list,
                     int (*one)(void *list, const char *item, size_t len,
                                char *why, size_t why_len),
                     char *why, size_t why_len)
{
    int n = 0;
    for (const char *p = arg;; p++) {
        size_t len = strcspn(p, ",");
        if (len == 0) {
            snprintf(why, why_len, "an empty item in the list");
            return -1;
        }
        if (++n > max) {
            snprintf(why, why_len, "more than %d items", max);
            return -1;
        }
        if (one(list, p, len, why, why_len))
            return -1;
        p += len;
        if (!*p)
            return 0;
    }
}

static int one_size(void *list, const char *item, size_t len, char *why,
                    size_t why_len)
{
    struct size_list *l = list;
    if (len >= MAX_SIZE_TEXT) {
        snprintf(why, why_len, "'%.*s' is too long", (int)len, item);
        return -1;
    }
    char *text = l->text[l->n];
    memcpy(text, item, len);
    text[len] = '\0';
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->text[i], text) == 0) {
            snprintf(why, why_len, "'%s' is in the list twice", text);
            return -1;
        }
    char err[128];
    if (ib_geometry_parse(text, &l->g[l->n], err, sizeof(err))) {
        if (strchr(text, ',') || l->n || item[len])
            snprintf(why, why_len, "'%s': %s", text, err);
        else
            snprintf(why, why_len, "%s", err);
        return -1;
    }
    l->n++;
    return 0;
}

int opt_sizes(const struct opt *o, const char *arg, void *field, char *why,
              size_t why_len)
{
    (void)o;
    struct size_list *l = field;
    l->n = 0;
    return each_item(arg, MAX_SIZES, l, one_size, why, why_len);
}

static int one_format(void *list, const char *item, size_t len, char *why,
                      size_t why_len)
{
    struct format_list *l = list;
    char name[16];
    enum ib_format f = IB_FMT_KEEP;
    if (len < sizeof(name)) {
        memcpy(name, item, len);
        name[len] = '\0';
        f = ib_format_from_name(name);
    }
    if (f == IB_FMT_KEEP) {
        snprintf(why, why_len,
                 "'%.*s' is not jpg, png, webp, avif, tif, gif, jxl or heic",
                 (int)len, item);
        return -1;
    }
    for (int i = 0; i < l->n; i++)
        if (l->f[i] == f) {
            snprintf(why, why_len, "%s is in the list twice",
                     ib_format_name(f));
            return -1;
        }
    l->f[l->n++] = f;
    return 0;
}

int opt_formats(const struct opt *o, const char *arg, void *field, char *why,
                size_t why_len)
{
    (void)o;
    struct format_list *l = field;
    l->n = 0;
    return each_item(arg, MAX_FORMATS, l, one_format, why, why_len);
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
    struct ib_background *bg = field;
    double *rgb = bg->rgb;
    bg->given = 1;
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

int opt_template(const struct opt *o, const char *arg, void *field, char *why,
                 size_t why_len)
{
    (void)o;
    if (ib_name_check(arg, why, why_len))
        return -1;
    *(const char **)field = arg;
    return 0;
}

const char *const ib_gravity_names[] = {
    "centre",    "north", "northeast", "east",      "southeast", "south",
    "southwest", "west",  "northwest", "attention", "entropy",   NULL};

/* Where each compass name puts the image, x then y. */
static const double gravity_points[][2] = {
    {0.5, 0.5}, {0.5, 0}, {1, 0},   {1, 0.5}, {1, 1},
    {0.5, 1},   {0, 1},   {0, 0.5}, {0, 0},
};

int opt_gravity(const struct opt *o, const char *arg, void *field, char *why,
                size_t why_len)
{
    (void)o;
    struct gravity_value *v = field;
    v->given = 1;
    v->g.kind = IB_GRAVITY_POINT;
    if (strcmp(arg, "center") == 0)
        arg = "centre";
    for (int i = 0; ib_gravity_names[i]; i++) {
        if (strcmp(arg, ib_gravity_names[i]) != 0)
            continue;
        if (strcmp(arg, "attention") == 0)
            v->g.kind = IB_GRAVITY_ATTENTION;
        else if (strcmp(arg, "entropy") == 0)
            v->g.kind = IB_GRAVITY_ENTROPY;
        else
            v->g.x = gravity_points[i][0], v->g.y = gravity_points[i][1];
        return 0;
    }
    double x, y;
    int used = 0;
    if (sscanf(arg, "%lf,%lf%n", &x, &y, &used) == 2 && !arg[used] && x >= 0 &&
        x <= 1 && y >= 0 && y <= 1) {
        v->g.x = x, v->g.y = y;
        return 0;
    }
    snprintf(why, why_len,
             "expected centre, north, northeast, east, southeast, south, "
             "southwest, west, northwest, attention, entropy or X,Y (each "
             "from 0 to 1)");
    return -1;
}

int opt_append(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len)
{
    (void)o;
    struct string_list *l = field;
    if (l->n == MAX_REPEATS) {
        snprintf(why, why_len, "more than %d of them", MAX_REPEATS);
        return -1;
    }
    l->v[l->n++] = arg;
    return 0;
}

int opt_crop(const struct opt *o, const char *arg, void *field, char *why,
             size_t why_len)
{
    return opt_choice(o, strcmp(arg, "center") == 0 ? "centre" : arg, field,
                      why, why_len);
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

/* ---- --keep-metadata, --sharpen ---------------------------------------- */

const char *const ib_metadata_names[] = {
    "icc",       "exif",     "xmp", "iptc", "comment",
    "copyright", "datetime", "gps", "all",  NULL};

static int one_metadata(void *list, const char *item, size_t len, char *why,
                        size_t why_len)
{
    unsigned *mask = list;
    for (int i = 0; ib_metadata_names[i]; i++)
        if (strlen(ib_metadata_names[i]) == len &&
            strncmp(ib_metadata_names[i], item, len) == 0) {
            /* "all" is the last name: every bit below it. */
            *mask |= ib_metadata_names[i + 1] ? 1u << i : IB_META_ALL;
            return 0;
        }
    snprintf(why, why_len,
             "'%.*s' is not one of icc, exif, xmp, iptc, comment, copyright, "
             "datetime, gps, all",
             (int)len, item);
    return -1;
}

int opt_metadata(const struct opt *o, const char *arg, void *field, char *why,
                 size_t why_len)
{
    (void)o;
    unsigned mask = 0;
    if (!arg)
        mask = IB_META_ALL;
    else if (each_item(arg, 16, &mask, one_metadata, why, why_len))
        return -1;
    *(unsigned *)field = mask;
    return 0;
}

int opt_sharpen(const struct opt *o, const char *arg, void *field, char *why,
                size_t why_len)
{
    (void)o;
    char *end = NULL;
    double sigma = arg ? strtod(arg, &end) : IB_SHARPEN_SIGMA;
    if (arg && (end == arg || *end || !(sigma >= 0.1 && sigma <= 10))) {
        snprintf(why, why_len, "expected a sigma from 0.1 to 10");
        return -1;
    }
    *(double *)field = sigma;
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* Copyright and dates out of XMP and IPTC (metapick.h).
 *
 * XMP is RDF/XML: a property is an element (its text, or the first
 * rdf:li of an rdf:Alt or rdf:Seq inside it) or an attribute of
 * rdf:Description. GLib's GMarkup reads it (libvips needs GLib anyway);
 * the usual prefixes (dc, xmp, exif, photoshop), which every writer we
 * know uses, stand for their namespaces. IPTC-IIM, as libvips keeps it,
 * is a Photoshop resource block (JPEG's APP13) whose resource 0x0404 holds
 * the datasets, or the datasets alone (TIFF). */
#define _POSIX_C_SOURCE 200809L
#include "metapick.h"

#include <stdio.h>
#include <string.h>

#include "imgbatch/settings.h"

#define VALUE_MAX 512

/* ---- XMP --------------------------------------------------------------- */

struct xmp_search {
    const char *name; /* "dc:rights" */
    int depth;        /* inside the element: how deep */
    char value[VALUE_MAX];
};

static void xmp_start(GMarkupParseContext *ctx, const char *element,
                      const char **names, const char **values, void *data,
                      GError **error)
{
    (void)ctx;
    (void)error;
    struct xmp_search *x = data;
    if (x->value[0])
        return;
    if (x->depth > 0) {
        x->depth++;
        return;
    }
    if (strcmp(element, x->name) == 0) {
        x->depth = 1;
        return;
    }
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], x->name) == 0)
            snprintf(x->value, sizeof(x->value), "%s", values[i]);
}

static void xmp_end(GMarkupParseContext *ctx, const char *element, void *data,
                    GError **error)
{
    (void)ctx;
    (void)element;
    (void)error;
    struct xmp_search *x = data;
    if (x->depth > 0)
        x->depth--;
}

static void xmp_text(GMarkupParseContext *ctx, const char *text, gsize len,
                     void *data, GError **error)
{
    (void)ctx;
    (void)error;
    struct xmp_search *x = data;
    while (len > 0 && g_ascii_isspace(*text))
        text++, len--;
    while (len > 0 && g_ascii_isspace(text[len - 1]))
        len--;
    if (x->depth > 0 && !x->value[0] && len > 0)
        snprintf(x->value, sizeof(x->value), "%.*s", (int)len, text);
}

/* The value of property name in img's XMP, into value; 0 when found. */
static int xmp_value(VipsImage *img, const char *name, char *value)
{
    const void *data;
    size_t len;
    if (!vips_image_get_typeof(img, VIPS_META_XMP_NAME) ||
        vips_image_get_blob(img, VIPS_META_XMP_NAME, &data, &len) != 0)
        return -1;
    static const GMarkupParser parser = {xmp_start, xmp_end, xmp_text, NULL,
                                         NULL};
    struct xmp_search x = {name, 0, ""};
    GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, &x, NULL);
    /* A packet may end in padding and a NUL: what parsed so far counts. */
    size_t n = strnlen(data, len);
    g_markup_parse_context_parse(ctx, data, (gssize)n, NULL);
    g_markup_parse_context_free(ctx);
    if (!x.value[0])
        return -1;
    snprintf(value, VALUE_MAX, "%s", x.value);
    return 0;
}

/* ---- IPTC -------------------------------------------------------------- */

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static size_t be32(const unsigned char *p)
{
    return (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
}

/* The IIM datasets of a Photoshop resource block (resource 0x0404). */
static const unsigned char *iim_of_resources(const unsigned char *p, size_t len,
                                             size_t *iim_len)
{
    static const char sig[] = "Photoshop 3.0";
    size_t i = sizeof(sig);
    while (i + 12 <= len && memcmp(p + i, "8BIM", 4) == 0) {
        unsigned id = be16(p + i + 4);
        size_t name = (size_t)p[i + 6] + 1;
        size_t at = i + 6 + name + (name & 1);
        if (at + 4 > len)
            break;
        size_t size = be32(p + at);
        at += 4;
        if (size > len - at)
            break;
        if (id == 0x0404) {
            *iim_len = size;
            return p + at;
        }
        i = at + size + (size & 1);
    }
    return NULL;
}

/* Dataset 2:dataset of img's IPTC, into value; 0 when found. */
static int iptc_value(VipsImage *img, unsigned dataset, char *value)
{
    const void *data;
    size_t len, n;
    if (!vips_image_get_typeof(img, VIPS_META_IPTC_NAME) ||
        vips_image_get_blob(img, VIPS_META_IPTC_NAME, &data, &len) != 0)
        return -1;
    const unsigned char *p = data;
    if (len > 14 && memcmp(p, "Photoshop 3.0", 14) == 0 &&
        !(p = iim_of_resources(data, len, &len)))
        return -1;
    for (size_t i = 0; i + 5 <= len && p[i] == 0x1c; i += 5 + n) {
        n = be16(p + i + 3);
        if (n & 0x8000 || n > len - i - 5) /* extended: not a short text */
            return -1;
        if (p[i + 1] == 2 && p[i + 2] == dataset && n < VALUE_MAX) {
            memcpy(value, p + i + 5, n);
            value[n] = '\0';
            return 0;
        }
    }
    return -1;
}

/* ---- into EXIF --------------------------------------------------------- */

static void pick_copyright(VipsImage *img)
{
    char v[VALUE_MAX];
    if (xmp_value(img, "dc:rights", v) == 0 || iptc_value(img, 116, v) == 0)
        vips_image_set_string(img, "exif-ifd0-Copyright", v);
}

/* "2019-05-06T07:08:09+02:00" (XMP, seconds and zone optional) as EXIF's
 * date and offset. 0, or -1 when it is not such a date. */
static int from_iso(const char *iso, char *date, char *offset)
{
    unsigned y, mo, d, h = 0, mi = 0, s = 0;
    int n = 0;
    if (sscanf(iso, "%4u-%2u-%2uT%2u:%2u%n", &y, &mo, &d, &h, &mi, &n) < 3 ||
        mo > 12 || d > 31 || h > 23 || mi > 59)
        return -1;
    const char *rest = n ? iso + n : "";
    if (*rest == ':' && sscanf(rest, ":%2u%n", &s, &n) == 1 && s < 61)
        rest += n;
    while (*rest == '.' || (*rest >= '0' && *rest <= '9'))
        rest++;
    snprintf(date, 32, "%04u:%02u:%02u %02u:%02u:%02u", y, mo, d, h, mi,
             s % 61);
    offset[0] = '\0';
    if (*rest == 'Z')
        snprintf(offset, 7, "+00:00");
    else if ((*rest == '+' || *rest == '-') && strlen(rest) == 6)
        snprintf(offset, 7, "%s", rest);
    return 0;
}

/* IPTC's 2:55 "20190506" and 2:60 "070809+0200" as an XMP-style date. */
static int iptc_date(VipsImage *img, char *iso)
{
    char d[VALUE_MAX], t[VALUE_MAX];
    if (iptc_value(img, 55, d) != 0 || strlen(d) != 8)
        return -1;
    if (iptc_value(img, 60, t) != 0 || strlen(t) < 6)
        snprintf(t, sizeof(t), "000000");
    int zone = strlen(t) == 11;
    snprintf(iso, VALUE_MAX, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2s%s%.3s%s%.2s", d,
             d + 4, d + 6, t, t + 2, t + 4, "", zone ? t + 6 : "",
             zone ? ":" : "", zone ? t + 9 : "");
    return 0;
}

static void pick_date(VipsImage *img)
{
    static const char *const props[] = {"exif:DateTimeOriginal",
                                        "photoshop:DateCreated",
                                        "xmp:CreateDate", NULL};
    char iso[VALUE_MAX], date[32], offset[7];
    int found = -1;
    for (int i = 0; props[i] && found != 0; i++)
        found = xmp_value(img, props[i], iso);
    if (found != 0)
        found = iptc_date(img, iso);
    if (found != 0 || from_iso(iso, date, offset) != 0)
        return;
    vips_image_set_string(img, "exif-ifd2-DateTimeOriginal", date);
    if (offset[0])
        vips_image_set_string(img, "exif-ifd2-OffsetTimeOriginal", offset);
}

void ib_metapick_fill(VipsImage *img, unsigned keep)
{
    if ((keep & IB_META_COPYRIGHT) &&
        !vips_image_get_typeof(img, "exif-ifd0-Copyright"))
        pick_copyright(img);
    if ((keep & IB_META_DATETIME) &&
        !vips_image_get_typeof(img, "exif-ifd2-DateTimeOriginal"))
        pick_date(img);
}

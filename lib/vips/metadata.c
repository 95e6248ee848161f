/* SPDX-License-Identifier: MIT */
/* The metadata policy (metadata.h).
 *
 * By default an output drops EXIF (and with it any GPS position), XMP,
 * IPTC and comments: the saver's `strip`. A colour profile is kept only
 * when the pixels are not sRGB (--keep-profile, or a non-sRGB
 * --output-profile), since a viewer needs it to show them. A bare
 * --keep-metadata (all) keeps everything.
 *
 * A list keeps field by field: libvips holds each EXIF tag as a field of
 * its own (exif-ifd0-Copyright, exif-ifd3-GPSLatitude, ...) and rebuilds
 * the EXIF block from them on save, dropping the tags whose field is gone
 * (libvips 8.14, checked with exiftool in tests/cli/metadata.sh); XMP,
 * IPTC and an ICC profile are one field each. Copyright and datetime keep
 * those EXIF tags, and when EXIF has none, take the value from XMP or
 * IPTC into EXIF (metapick.h). Without strip, libvips' savers write a
 * minimal EXIF block of their own (resolution, orientation) even when
 * nothing of the input's is kept.
 *
 * The orientation is reset to 1 because the pixels are already upright,
 * unless --no-rotate kept them as stored: then the tag still says how to
 * show them. */
#define _DEFAULT_SOURCE
#include "metadata.h"

#include <string.h>
#include <time.h>

#include "encode.h"
#include "metapick.h"

/* ---- which fields a list keeps ----------------------------------------- */

static int profile_is_needed(const struct ib_settings *s, VipsImage *img)
{
    if (!vips_image_get_typeof(img, VIPS_META_ICC_NAME))
        return 0;
    if (s->colour.keep_profile)
        return 1;
    const char *p = s->colour.output_profile;
    return p && strcmp(p, "srgb") != 0;
}

/* Fields a saver needs to write an animation, kept in every case. */
static int is_animation_field(const char *name)
{
    static const char *const names[] = {"delay",     "loop",     "page-height",
                                        "gif-delay", "gif-loop", NULL};
    for (const char *const *n = names; *n; n++)
        if (strcmp(name, *n) == 0)
            return 1;
    return 0;
}

static int is_date_tag(const char *tag)
{
    static const char *const tags[] = {"ifd0-DateTime",
                                       "ifd2-DateTimeOriginal",
                                       "ifd2-DateTimeDigitized",
                                       "ifd2-SubSecTime",
                                       "ifd2-SubSecTimeOriginal",
                                       "ifd2-SubSecTimeDigitized",
                                       "ifd2-OffsetTime",
                                       "ifd2-OffsetTimeOriginal",
                                       "ifd2-OffsetTimeDigitized",
                                       NULL};
    for (const char *const *t = tags; *t; t++)
        if (strcmp(tag, *t) == 0)
            return 1;
    return 0;
}

/* The list items that keep an EXIF field (name without "exif-"). */
static unsigned exif_kept_by(const char *tag)
{
    if (strcmp(tag, "data") == 0) /* the block: rebuilt from the tags */
        return IB_META_EXIF | IB_META_GPS | IB_META_COPYRIGHT |
               IB_META_DATETIME;
    if (vips_isprefix("ifd3-", tag))
        return IB_META_GPS;
    if (strcmp(tag, "ifd0-Copyright") == 0)
        return IB_META_EXIF | IB_META_COPYRIGHT;
    if (is_date_tag(tag))
        return IB_META_EXIF | IB_META_DATETIME;
    return IB_META_EXIF;
}

/* The list items that keep a field; 0 for one no item keeps. */
static unsigned kept_by(const char *name)
{
    if (vips_isprefix("exif-", name))
        return exif_kept_by(name + 5);
    if (strcmp(name, VIPS_META_ICC_NAME) == 0)
        return IB_META_ICC;
    if (strcmp(name, VIPS_META_XMP_NAME) == 0)
        return IB_META_XMP;
    if (strcmp(name, VIPS_META_IPTC_NAME) == 0)
        return IB_META_IPTC;
    if (strstr(name, "comment")) /* jpeg-comment, png-comment-0-..., */
        return IB_META_COMMENT;
    return 0;
}

struct sweep {
    unsigned keep;
    GSList *unwanted;
};

static void *collect_unwanted(VipsImage *img, const char *name, GValue *value,
                              void *a)
{
    (void)img;
    (void)value;
    struct sweep *sw = a;
    if (!is_animation_field(name) && strcmp(name, "orientation") != 0 &&
        !(kept_by(name) & sw->keep))
        sw->unwanted = g_slist_prepend(sw->unwanted, g_strdup(name));
    return NULL;
}

static void keep_only(VipsImage *img, unsigned keep)
{
    struct sweep sw = {keep, NULL};
    vips_image_map(img, collect_unwanted, &sw);
    for (GSList *p = sw.unwanted; p; p = p->next)
        vips_image_remove(img, p->data);
    g_slist_free_full(sw.unwanted, g_free);
}

/* ---- the policy -------------------------------------------------------- */

/* A private copy of the header, so metadata can change without touching
 * the image libvips may share. */
static VipsImage *own_header(VipsImage *in)
{
    VipsImage *out = NULL;
    return ib_image_replace(in, vips_copy(in, &out, NULL), &out);
}

VipsImage *ib_metadata_apply(const struct ib_settings *s,
                             const struct ib_rendition *r, VipsImage *img,
                             int *strip)
{
    unsigned keep = r->keep_metadata;
    *strip = 0;
    if (profile_is_needed(s, img))
        keep |= IB_META_ICC;
    if (keep == 0) {
        *strip = 1;
        return img;
    }
    if (keep == IB_META_ALL && s->no_rotate)
        return img;
    if (!(img = own_header(img)))
        return NULL;
    if (keep != IB_META_ALL) {
        ib_metapick_fill(img, keep);
        keep_only(img, keep);
    }
    if (!s->no_rotate)
        vips_image_set_int(img, VIPS_META_ORIENTATION, 1);
    return img;
}

VipsImage *ib_metadata_strip(VipsImage *img)
{
    if (!(img = own_header(img)))
        return NULL;
    keep_only(img, 0);
    return img;
}

/* ---- blobs of their own ------------------------------------------------ */

/* Names of img's blob fields (ib_metadata_own_blobs replaces them while
 * the map walks the list). */
static void *note_blob(VipsImage *img, const char *name, GValue *value, void *a)
{
    (void)img;
    if (G_VALUE_HOLDS(value, VIPS_TYPE_BLOB))
        *(GSList **)a = g_slist_prepend(*(GSList **)a, g_strdup(name));
    return NULL;
}

void ib_metadata_own_blobs(VipsImage *img)
{
    GSList *names = NULL;
    vips_image_map(img, note_blob, &names);
    for (GSList *n = names; n; n = n->next) {
        const void *data;
        size_t len;
        if (vips_image_get_blob(img, n->data, &data, &len) == 0)
            vips_image_set_blob_copy(img, n->data, data, len);
    }
    g_slist_free_full(names, g_free);
}

/* ---- the capture date -------------------------------------------------- */

/* "+02:00" (libvips' text of an ASCII tag starts with the value): the
 * offset east of UTC in seconds; 0 and *found 0 when there is none. */
static long offset_of(VipsImage *img, const char *field, int *found)
{
    const char *text = NULL;
    int sign, h, m;
    char c;
    *found = 0;
    if (vips_image_get_typeof(img, field) &&
        vips_image_get_string(img, field, &text) == 0 &&
        sscanf(text, "%c%2d:%2d", &c, &h, &m) == 3 && (c == '+' || c == '-')) {
        sign = c == '-' ? -1 : 1;
        *found = 1;
        return sign * (h * 3600L + m * 60L);
    }
    return 0;
}

/* One EXIF date tag ("2019:05:06 07:08:09"), in ns; 0 when absent. */
static long long date_of(VipsImage *img, const char *field,
                         const char *offset_field)
{
    const char *text = NULL;
    struct tm tm;
    memset(&tm, 0, sizeof(tm));
    if (!vips_image_get_typeof(img, field) ||
        vips_image_get_string(img, field, &text) != 0 ||
        sscanf(text, "%4d:%2d:%2d %2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
               &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6 ||
        tm.tm_year < 1900 || tm.tm_mon < 1)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int has_offset;
    long offset = offset_of(img, offset_field, &has_offset);
    time_t t;
    if (has_offset) {
        t = timegm(&tm) - offset;
    } else {
        tm.tm_isdst = -1;
        t = mktime(&tm);
    }
    return t == (time_t)-1 ? 0 : (long long)t * 1000000000LL;
}

long long ib_metadata_capture_ns(VipsImage *img)
{
    long long ns = date_of(img, "exif-ifd2-DateTimeOriginal",
                           "exif-ifd2-OffsetTimeOriginal");
    if (!ns)
        ns = date_of(img, "exif-ifd2-DateTimeDigitized",
                     "exif-ifd2-OffsetTimeDigitized");
    if (!ns)
        ns = date_of(img, "exif-ifd0-DateTime", "exif-ifd2-OffsetTime");
    return ns;
}

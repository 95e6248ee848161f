/* SPDX-License-Identifier: MIT */
/* EXIF orientation (exiforient.h), with libexif as libvips uses it
 * (foreign/exif.c, vips__exif_parse): the block loaded without
 * EXIF_DATA_OPTION_FOLLOW_SPECIFICATION, then exif_data_fix() (which,
 * among other things, turns an Orientation stored as LONG, SLONG or SSHORT
 * into SHORT), then IFD0's Orientation. libvips renders the tag as text
 * and takes atoi() of it: for a SHORT that is its first component, the one
 * case read here; every other form is left to libvips. */
#include "exiforient.h"

#include <libexif/exif-data.h>
#include <string.h>

/* libvips' limits on the block (vips_exif_load_data_without_fix). */
#define MIN_EXIF 4
#define MAX_EXIF ((size_t)1 << 20)

/* libvips renders at most nine components as numbers. */
#define MAX_COMPONENTS 9

static int orientation_of(ExifData *ed)
{
    ExifEntry *e =
        exif_content_get_entry(ed->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
    if (!e)
        return 1;
    if (e->format != EXIF_FORMAT_SHORT || e->components < 1 ||
        e->components > MAX_COMPONENTS || e->size < 2)
        return 0;
    int v = exif_get_short(e->data, exif_data_get_byte_order(ed));
    return v >= 1 && v <= 8 ? v : 1;
}

int ib_exif_orientation(const unsigned char *exif, size_t len)
{
    if (len < MIN_EXIF || len > MAX_EXIF || memcmp(exif, "Exif", 4) != 0)
        return 0;
    ExifData *ed = exif_data_new();
    if (!ed)
        return 0;
    exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    exif_data_load_data(ed, exif, (unsigned int)len);
    exif_data_fix(ed);
    int orientation = orientation_of(ed);
    exif_data_free(ed);
    return orientation;
}

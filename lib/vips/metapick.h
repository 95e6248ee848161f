/* SPDX-License-Identifier: MIT */
/* --keep-metadata=copyright,datetime without xmp or iptc: the copyright
 * notice and the capture date picked out of XMP or IPTC into EXIF, where
 * EXIF has none, so that they survive the XMP and IPTC blocks being
 * dropped. */
#ifndef IMGBATCH_VIPS_METAPICK_H
#define IMGBATCH_VIPS_METAPICK_H

#include <vips/vips.h>

/* For the enum ib_meta bits of keep (copyright, datetime), sets
 * exif-ifd0-Copyright and exif-ifd2-DateTimeOriginal (with
 * OffsetTimeOriginal) on img from its XMP (dc:rights; exif:DateTime
 * Original, photoshop:DateCreated, xmp:CreateDate) or IPTC (2:116; 2:55
 * and 2:60) when EXIF lacks them. img's header must be its own. */
void ib_metapick_fill(VipsImage *img, unsigned keep);

#endif

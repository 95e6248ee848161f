/* SPDX-License-Identifier: MIT */
/* The EXIF orientation of a JPEG as libvips 8.14 reads it, from the APP1
 * block alone: the direct JPEG path reads the header with libjpeg and must
 * rotate exactly when libvips would. */
#ifndef IMGBATCH_EXIFORIENT_H
#define IMGBATCH_EXIFORIENT_H
#include <stddef.h>

/* The orientation (1..8; 1 for none or a value out of range) in the APP1
 * payload exif (starting "Exif"), or 0 when the tag is in a form libvips
 * would read through its text rendering (a rational, a string, ...): the
 * caller then leaves the file to libvips. */
int ib_exif_orientation(const unsigned char *exif, size_t len);
#endif

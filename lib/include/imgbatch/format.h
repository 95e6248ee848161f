/* SPDX-License-Identifier: MIT */
/* Output formats by name and extension. No libvips here: the parent names
 * outputs before any worker runs. */
#ifndef IMGBATCH_FORMAT_H
#define IMGBATCH_FORMAT_H

enum ib_format {
    IB_FMT_KEEP = 0, /* a setting only: the input's format */
    IB_FMT_JPEG,
    IB_FMT_PNG,
    IB_FMT_WEBP,
    IB_FMT_AVIF,
    IB_FMT_TIFF,
    IB_FMT_GIF,
    IB_FMT_JXL,
    IB_FMT_HEIC,
    IB_FMT_FROM_LOADER, /* no extension to go by: the worker decides */
    IB_FMT_COUNT
};

/* Parses a -f argument (jpg, jpeg, png, webp, avif, tif, tiff, gif, jxl,
 * heic); IB_FMT_KEEP when unknown. */
enum ib_format ib_format_from_name(const char *name);
/* The format a file extension (without the dot) stands for, or IB_FMT_KEEP
 * when imgbatch cannot write it. */
enum ib_format ib_format_from_extension(const char *ext);
/* The extension given to outputs in this format ("jpg", "png", ...). */
const char *ib_format_extension(enum ib_format f);
/* A short name for messages and reports. */
const char *ib_format_name(enum ib_format f);
/* 1 when the format has a quality setting. */
int ib_format_is_lossy(enum ib_format f);
/* 1 when the format can hold an alpha channel. */
int ib_format_has_alpha(enum ib_format f);
/* 1 when the format can hold several frames (animation). */
int ib_format_can_animate(enum ib_format f);

#endif

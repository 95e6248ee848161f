/* SPDX-License-Identifier: MIT */
/* Whether a file looks like an image the loader policy lets a worker read,
 * from its first bytes: enough to decide which of two inputs that would
 * write one output keeps the name (a file that cannot be read must not
 * take it from one that can). The worker's libvips still has the last
 * word on every file. */
#ifndef IMGBATCH_PARENT_SNIFF_H
#define IMGBATCH_PARENT_SNIFF_H

#include "imgbatch/settings.h"

/* 1 when path starts like a JPEG, PNG, GIF, WebP, TIFF or HEIF/AVIF file
 * (SVG and PDF when allowed; anything at all with --allow-untrusted, whose
 * loaders, JPEG XL's among them, read too much to tell); else 0. */
int ib_sniff_readable(const char *path, const struct ib_loaders *l);

#endif

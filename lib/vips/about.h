/* SPDX-License-Identifier: MIT */
/* --version's account of libvips: the version loaded and the one built
 * against (goldens and -u's records depend on it), and which loaders are
 * on and off under a loader policy. */
#ifndef IMGBATCH_VIPS_ABOUT_H
#define IMGBATCH_VIPS_ABOUT_H

#include <stddef.h>

#include "imgbatch/settings.h"

/* Starts libvips in this process and writes the lines into buf. 0, or -1
 * with the reason in buf. */
int ib_vips_about(const struct ib_loaders *policy, char *buf, size_t len);

#endif

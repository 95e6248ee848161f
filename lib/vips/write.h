/* SPDX-License-Identifier: MIT */
/* Writing one output: into a temp file beside it (tempfile.h), encoded
 * there, checked, and put in place whole; on any failure nothing is left
 * and the reason names the output (and the errno, which tells the parent
 * when every write fails). libvips is lazy: most decode errors surface
 * only here, while the output is encoded. */
#ifndef IMGBATCH_VIPS_WRITE_H
#define IMGBATCH_VIPS_WRITE_H

#include <stddef.h>
#include <vips/vips.h>

#include "imgbatch/proto.h"
#include "imgbatch/settings.h"
#include "startup.h"

/* What goes into the temp file: an image for a libvips saver, or bytes
 * already encoded. */
struct ib_payload {
    VipsImage *img;
    int format;
    unsigned char *bytes; /* malloc'd by the direct path */
    size_t len;
};

/* Writes pl as output (o->out_bytes set). 0, or -1 with o failed. */
int ib_write_output(const struct ib_settings *s, struct ib_vips *v,
                    const struct ib_payload *pl, const char *output,
                    struct ib_outcome *o);

#endif

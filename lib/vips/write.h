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

#include "imgbatch/settings.h"
#include "startup.h"

/* What goes into the temp file: an image for a libvips saver, or bytes
 * already encoded. */
struct ib_payload {
    VipsImage *img;
    int format;
    unsigned char *bytes; /* malloc'd */
    size_t len;
};

/* How a write went: the bytes written, or why not. */
struct ib_write_result {
    long long bytes;
    int replaced;    /* a file was there, and was replaced */
    int write_errno; /* of a failure to write (not to encode) */
    char *error;     /* the caller's buffer for the reason */
    size_t error_len;
};

/* Writes pl as output, encoded with rendition r's settings, with the
 * modification time mtime_ns (0: now). 0, or -1 with the reason in
 * w->error. */
int ib_write_output(const struct ib_settings *s, const struct ib_rendition *r,
                    struct ib_vips *v, const struct ib_payload *pl,
                    const char *output, long long mtime_ns,
                    struct ib_write_result *w);

/* Encodes img into memory as r's format: pl->bytes (malloc'd), pl->len.
 * 0, or -1 with the reason in error. */
int ib_encode_to_memory(const struct ib_settings *s,
                        const struct ib_rendition *r, struct ib_vips *v,
                        VipsImage *img, int format, struct ib_payload *pl,
                        char *error, size_t error_len);

#endif

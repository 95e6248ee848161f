/* SPDX-License-Identifier: MIT */
/* Where each output of an input goes and in which format: pure string
 * work, done alike by the parent (before any work: clashes, -u, -n) and
 * by the worker (names with {w}, {h} or {hash:N}, known once the output is
 * made).
 *
 * Default names: <dir>/<prefix><name>, where <dir> is the input's own
 * directory, or a root (--output, --golden, --diff-dir) plus the input's
 * path below its PATH argument. With -f the extension becomes the
 * format's, unless the input's extension already names that format
 * (a.JPG stays a.JPG with -f jpg). A --name template (name.h) is placed
 * in the same directory, or, when it has {dir}, below the root (or the
 * PATH) itself. */
#ifndef IMGBATCH_OUTPATH_H
#define IMGBATCH_OUTPATH_H

#include <stddef.h>

#include "imgbatch/buf.h"
#include "imgbatch/format.h"
#include "imgbatch/settings.h"

/* An input as outputs are named from it: its path as opened, and the
 * offset in it of the part below its PATH argument. */
struct ib_input_name {
    const char *path;
    unsigned rel;
};

/* What is known of the output when it is named: its size and the SHA-256
 * (hex) of its bytes, or w, h < 0 and hash NULL before it is made. */
struct ib_output_facts {
    int w, h;
    const char *hash;
};

#define IB_OUTPUT_UNKNOWN ((struct ib_output_facts){-1, -1, NULL})

/* The format rendition r writes for in: IB_FMT_FROM_LOADER when the name
 * does not tell (no extension) and the worker decides from the content. */
enum ib_format ib_output_format(const struct ib_rendition *r,
                                const struct ib_input_name *in);

/* Writes the path of in's output for r below root (NULL: beside the
 * input) into out. 0, or -1 with why when a template makes a name that
 * may not be used (empty, absolute, leaving the root). */
int ib_output_path(const struct ib_rendition *r, const char *root,
                   const struct ib_input_name *in,
                   const struct ib_output_facts *facts, struct ib_buf *out,
                   char *why, size_t why_len);

/* The folder in's outputs go to by default below root (NULL: beside it):
 * no trailing '/', "." for the current one. */
void ib_output_base(const char *root, const struct ib_input_name *in,
                    struct ib_buf *out);

/* A pattern (fnmatch) that r's output names match, for the scanner to
 * leave them out of the inputs: the prefix then anything, or the
 * template's last component with the fields that are the same for every
 * input ({size}, {variant}, {q}, {format} when -f sets it) as their text
 * and the others as '*' ("{stem}-{size}.{ext}" with -s 640: "*-640.*").
 * NULL (in buf's stead) when nothing sets them apart: no prefix, or a
 * template whose last component has no text of its own but dots. Into
 * buf. */
const char *ib_output_pattern(const struct ib_rendition *r, struct ib_buf *buf);

#endif

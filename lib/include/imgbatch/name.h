/* SPDX-License-Identifier: MIT */
/* Output names by template (--name): "{stem}-{w}w.{ext}".
 *
 * Fields: {name}, {stem}, {ext}, {dir} (of the input; {ext} is the
 * output's extension, which is the input's unless -f changes the format),
 * {w}, {h} (of the output), {size} (the geometry as written), {format},
 * {q}, {variant}, {hash:N} (the first N, 1 to 64, hex digits of the
 * SHA-256 of the output's bytes). "{{" and "}}" are literal braces. A
 * '.' just before an {ext} that is empty is dropped ("{stem}.{ext}" of a
 * file with no extension is its stem).
 *
 * {w}, {h} and {hash:N} are known only once the output is made: a
 * template with them is "late", expanded by the worker (the parent leaves
 * them as they are in what it shows). Pure C: the parent and the workers
 * expand with the same code. */
#ifndef IMGBATCH_NAME_H
#define IMGBATCH_NAME_H

#include <stddef.h>

#include "imgbatch/buf.h"

/* What a template can be given. w, h < 0 and hash NULL: not known yet. */
struct ib_name_fields {
    const char *name; /* the input's file name */
    const char *stem; /* without its extension */
    size_t stem_len;  /* stem is name's first stem_len bytes */
    const char *ext;  /* the output's extension, "" for none */
    const char *dir;  /* the input's directory below its PATH, "" at top */
    size_t dir_len;   /* dir's length (it is a prefix of a path) */
    int w, h;
    const char *size;
    const char *format;
    int q;
    const char *variant;
    const char *hash; /* 64 hex digits */
};

/* Checks a template's grammar. 0, or -1 with why ("unknown field
 * '{width}'"). */
int ib_name_check(const char *tmpl, char *why, size_t why_len);

/* 1 when the template uses a field known only once the output is made. */
int ib_name_is_late(const char *tmpl);

/* 1 when the template places the output itself below the root ({dir}):
 * otherwise it is placed in the input's own directory below the root. */
int ib_name_has_dir(const char *tmpl);

/* Expands tmpl (which ib_name_check accepted) into out. Fields not known
 * yet are left as written. Then checks the name: not empty, not absolute,
 * no "." or ".." component and no empty one. 0, or -1 with why. */
int ib_name_expand(const char *tmpl, const struct ib_name_fields *f,
                   struct ib_buf *out, char *why, size_t why_len);

#endif

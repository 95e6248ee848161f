/* SPDX-License-Identifier: MIT */
/* Text for people and for programs: JSON strings that are valid for any
 * file name, and quoted names that keep an error message on one line. */
#ifndef IMGBATCH_TEXT_H
#define IMGBATCH_TEXT_H

#include <stddef.h>

#include "imgbatch/buf.h"

/* Length of the valid UTF-8 sequence at s (1-4), or 0 when the bytes there
 * are not valid UTF-8 (overlong, surrogate, out of range, cut short). */
size_t ib_utf8_sequence(const unsigned char *s, size_t left);

/* Appends s as a JSON string (quotes included). Bytes that are not valid
 * UTF-8 become U+FFFD; returns 1 when that happened (the text is then not
 * exact and callers add an exact base64 copy), else 0. */
int ib_json_put_string(struct ib_buf *out, const char *s);

/* Appends standard base64 (RFC 4648, padded) of n bytes. */
void ib_base64_put(struct ib_buf *out, const void *data, size_t n);

/* Appends s for a one-line message: control bytes, backslash, the quote
 * and bytes that are not UTF-8 escaped C-style (\n, \\, \', \xff). */
void ib_quote_put(struct ib_buf *out, const char *s);

#endif

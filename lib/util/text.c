/* SPDX-License-Identifier: MIT */
#include "imgbatch/text.h"

#include <stdio.h>
#include <string.h>

size_t ib_utf8_sequence(const unsigned char *s, size_t left)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t n;
    unsigned min;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, min = 0x10000;
    else
        return 0;
    if (left < n)
        return 0;
    unsigned cp = c & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n;
}

static void put_json_escape(struct ib_buf *out, unsigned char c)
{
    char esc[8];
    switch (c) {
    case '"': ib_buf_put_str(out, "\\\""); return;
    case '\\': ib_buf_put_str(out, "\\\\"); return;
    case '\n': ib_buf_put_str(out, "\\n"); return;
    case '\r': ib_buf_put_str(out, "\\r"); return;
    case '\t': ib_buf_put_str(out, "\\t"); return;
    case '\b': ib_buf_put_str(out, "\\b"); return;
    case '\f': ib_buf_put_str(out, "\\f"); return;
    default: snprintf(esc, sizeof(esc), "\\u%04x", c); ib_buf_put_str(out, esc);
    }
}

int ib_json_put_string(struct ib_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    int lossy = 0;
    ib_buf_putc(out, '"');
    while (left) {
        size_t n = ib_utf8_sequence(p, left);
        if (n == 0) {
            ib_buf_put_str(out, "\xef\xbf\xbd"); /* U+FFFD */
            lossy = 1;
            n = 1;
        } else if (n == 1 &&
                   (*p < 0x20 || *p == '"' || *p == '\\' || *p == 0x7f)) {
            put_json_escape(out, *p);
        } else {
            ib_buf_put(out, p, n);
        }
        p += n;
        left -= n;
    }
    ib_buf_putc(out, '"');
    return lossy;
}

void ib_base64_put(struct ib_buf *out, const void *data, size_t n)
{
    static const char abc[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        char quad[4] = {abc[v >> 18 & 63], abc[v >> 12 & 63],
                        i + 1 < n ? abc[v >> 6 & 63] : '=',
                        i + 2 < n ? abc[v & 63] : '='};
        ib_buf_put(out, quad, 4);
    }
}

void ib_quote_put(struct ib_buf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    while (left) {
        size_t n = ib_utf8_sequence(p, left);
        char esc[8];
        if (n == 1 && *p == '\n')
            ib_buf_put_str(out, "\\n");
        else if (n == 1 && *p == '\t')
            ib_buf_put_str(out, "\\t");
        else if (n == 1 && (*p == '\\' || *p == '\''))
            ib_buf_putc(out, '\\'), ib_buf_putc(out, (char)*p);
        else if (n == 0 || *p < 0x20 || *p == 0x7f) {
            snprintf(esc, sizeof(esc), "\\x%02x", *p);
            ib_buf_put_str(out, esc);
            n = 1;
        } else
            ib_buf_put(out, p, n);
        p += n;
        left -= n;
    }
}

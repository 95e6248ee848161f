/* SPDX-License-Identifier: MIT */
/* The page is static HTML with relative links (it can be opened from the
 * file system, archived as a CI artefact, or served), no script. Each
 * mismatch is a figure: the input's name, the figures, then expected |
 * actual | diff side by side, scaled up without smoothing so single pixels
 * show. */
#define _POSIX_C_SOURCE 200809L
#include "diffpage.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "imgbatch/buf.h"
#include "imgbatch/tempfile.h"

static void put_html(struct ib_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': ib_buf_put_str(b, "&amp;"); break;
        case '<': ib_buf_put_str(b, "&lt;"); break;
        case '>': ib_buf_put_str(b, "&gt;"); break;
        case '"': ib_buf_put_str(b, "&quot;"); break;
        default: ib_buf_putc(b, *s);
        }
    }
}

/* A path below dir as a relative URL: every byte outside the unreserved
 * set is percent-encoded (names may hold '#', '?', '%', spaces). */
static void put_url(struct ib_buf *b, const char *path, const char *suffix)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
            ib_buf_putc(b, (char)*p);
        } else {
            ib_buf_putc(b, '%');
            ib_buf_putc(b, hex[*p >> 4]);
            ib_buf_putc(b, hex[*p & 15]);
        }
    }
    ib_buf_put_str(b, suffix);
}

static void put_item(struct ib_buf *b, const char *dir,
                     const struct ib_diff_item *it)
{
    size_t skip = strlen(dir);
    const char *rel = it->base + skip + (it->base[skip] == '/');
    ib_buf_put_str(b, "<figure class=\"mismatch\">\n<figcaption><b>");
    put_html(b, it->input);
    ib_buf_put_str(b, "</b><br>golden ");
    put_html(b, it->golden);
    ib_buf_put_str(b, "<br><span class=\"figures\">");
    put_html(b, it->figures);
    ib_buf_put_str(b, "</span></figcaption>\n<img class=\"sbs\" src=\"");
    put_url(b, rel, ".sbs.png");
    ib_buf_put_str(b, "\" alt=\"expected, actual and diff\">\n</figure>\n");
}

int ib_diff_page_write(const char *dir, const struct ib_diff_item *items,
                       size_t n)
{
    struct ib_buf b;
    ib_buf_init(&b);
    char count[64];
    snprintf(count, sizeof(count), "%zu mismatch%s", n, n == 1 ? "" : "es");
    ib_buf_put_str(&b, "<!doctype html>\n<html><head><meta charset=\"utf-8\">"
                       "<title>imgbatch: ");
    ib_buf_put_str(&b, count);
    ib_buf_put_str(&b,
                   "</title>\n<style>body{font:14px sans-serif;margin:16px}"
                   "figure{margin:0 0 24px}img.sbs{image-rendering:pixelated;"
                   "zoom:3}.figures{color:#a00}</style></head><body>\n<h1>");
    ib_buf_put_str(&b, count);
    ib_buf_put_str(&b, "</h1>\n<p>Each row: expected (golden), actual, and "
                       "the pixels that differ in red over a faded "
                       "expected.</p>\n");
    for (size_t i = 0; i < n; i++)
        put_item(&b, dir, &items[i]);
    ib_buf_put_str(&b, "</body></html>\n");

    struct ib_buf path;
    ib_buf_init(&path);
    ib_buf_put_str(&path, dir);
    ib_buf_put_str(&path, "/index.html");
    int rc = ib_write_file_atomic(ib_buf_cstr(&path), b.data, b.len);
    int err = errno;
    ib_buf_free(&path);
    ib_buf_free(&b);
    errno = err;
    return rc;
}

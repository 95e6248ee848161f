/* SPDX-License-Identifier: MIT */
/* Leaving unused AC scans out of a progressive JPEG (jpegscans.h). Only
 * the marker structure is read: segments by their lengths, entropy-coded
 * data up to the next marker. Nothing is decoded here. */
#include "jpegscans.h"

#include <stdlib.h>
#include <string.h>

#define M_SOI 0xD8
#define M_EOI 0xD9
#define M_SOS 0xDA
#define M_RST0 0xD0
#define M_RST7 0xD7

/* Where the entropy-coded data starting at i ends: at the 0xFF that starts
 * the next marker. Inside the data 0xFF is followed by 0x00 (a stuffed
 * byte) or by a restart marker, or by more 0xFF (fill). n when no marker
 * follows. */
static size_t end_of_entropy_data(const unsigned char *p, size_t n, size_t i)
{
    while (i < n) {
        const unsigned char *ff = memchr(p + i, 0xFF, n - i);
        if (!ff)
            return n;
        size_t at = (size_t)(ff - p), j = at + 1;
        while (j < n && p[j] == 0xFF)
            j++;
        if (j >= n)
            return n;
        if (p[j] != 0x00 && !(p[j] >= M_RST0 && p[j] <= M_RST7))
            return at;
        i = j + 1;
    }
    return n;
}

/* An SOS segment (length bytes included): 1 to keep its scan, 0 to leave
 * it out, -1 for a header libjpeg would refuse (it then gets to say so). */
static int keep_scan(const unsigned char *seg, size_t len,
                     const struct ib_scan_filter *f)
{
    int ns = seg[2];
    if (ns < 1 || ns > 4 || len != 6 + 2 * (size_t)ns)
        return -1;
    const unsigned char *tail = seg + 3 + 2 * ns;
    int ss = tail[0], se = tail[1], ah = tail[2] >> 4, al = tail[2] & 15;
    if (ss == 0)
        return 1; /* DC: every decode needs it */
    /* A progressive AC scan has one component (libjpeg: "Invalid
     * progressive parameters" otherwise). */
    if (ns != 1 || se < ss || se > 63 || ah > 13 || al > 13)
        return -1;
    for (int c = 0; c < f->ncomponents; c++)
        if (f->id[c] == seg[3])
            return f->needs_ac[c] != 0;
    return -1;
}

static void put(unsigned char *out, size_t *at, const void *data, size_t n)
{
    memcpy(out + *at, data, n);
    *at += n;
}

int ib_jpeg_drop_scans(const unsigned char *p, size_t n,
                       const struct ib_scan_filter *f, unsigned char **out,
                       size_t *out_len)
{
    if (n < 4 || p[0] != 0xFF || p[1] != M_SOI)
        return -1;
    /* What is kept is never longer than what was there. */
    unsigned char *o = malloc(n);
    if (!o)
        return -1;
    size_t at = 0, i = 2;
    int dropped = 0;
    put(o, &at, p, 2);
    for (;;) {
        if (i >= n || p[i] != 0xFF)
            break; /* truncated, or bytes where a marker should be */
        while (i < n && p[i] == 0xFF)
            i++;
        if (i >= n)
            break;
        unsigned char code = p[i++];
        if (code == M_EOI) {
            const unsigned char eoi[2] = {0xFF, M_EOI};
            put(o, &at, eoi, 2);
            *out = o;
            *out_len = at;
            return dropped;
        }
        /* Every other marker between segments has a length. */
        if (code == 0x00 || code == 0x01 || code == M_SOI ||
            (code >= M_RST0 && code <= M_RST7) || i + 2 > n)
            break;
        size_t len = (size_t)p[i] << 8 | p[i + 1];
        if (len < 2 || len > n - i)
            break;
        size_t end = i + len;
        int keep = 1;
        if (code == M_SOS) {
            if (len < 3 || (keep = keep_scan(p + i, len, f)) < 0)
                break;
            end = end_of_entropy_data(p, n, end);
        }
        if (keep)
            put(o, &at, p + i - 2, end - (i - 2));
        else
            dropped++;
        i = end;
    }
    free(o);
    return -1;
}

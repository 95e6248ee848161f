/* SPDX-License-Identifier: MIT */
/* The direct PNG writer's row filters (pngfilter.h): for rows of every
 * pixel size a PNG has at 8 bits (1 to 4 bytes) and at 16 (2 to 8), some
 * smooth, some noisy, some flat, the row chosen must undo to the input
 * (with the PNG decoder's step, written here from the spec, not the
 * module's), and its filter must be the one of the five whose bytes, read
 * as signed, sum to the least (the first such, on a tie). */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "png/pngfilter.h"

enum { LEN_MAX = 64 * 8 };

static int paeth(int a, int b, int c)
{
    int p = a + b - c;
    int pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* The spec's reconstruction of byte i of a row filtered with type t. */
static unsigned char predictor(int t, const unsigned char *row,
                               const unsigned char *prev, size_t i, size_t bpp)
{
    int a = i >= bpp ? row[i - bpp] : 0;
    int b = prev ? prev[i] : 0;
    int c = prev && i >= bpp ? prev[i - bpp] : 0;
    switch (t) {
    case 1: return (unsigned char)a;
    case 2: return (unsigned char)b;
    case 3: return (unsigned char)((a + b) / 2);
    case 4: return (unsigned char)paeth(a, b, c);
    default: return 0;
    }
}

static size_t cost(int t, const unsigned char *row, const unsigned char *prev,
                   size_t len, size_t bpp)
{
    size_t sum = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char v =
            (unsigned char)(row[i] - predictor(t, row, prev, i, bpp));
        sum += v < 128 ? v : 256u - v;
    }
    return sum;
}

static void make_row(unsigned char *row, size_t len, int kind, unsigned seed)
{
    srand(seed);
    for (size_t i = 0; i < len; i++)
        row[i] = kind == 0   ? (unsigned char)(i * 3 + seed)
                 : kind == 1 ? (unsigned char)rand()
                             : (unsigned char)(seed & 0xff);
}

static void check_rows(size_t len, size_t bpp, int kind)
{
    unsigned char rows[3][LEN_MAX], out[LEN_MAX + 1], back[LEN_MAX];
    static unsigned char scratch[IB_PNG_FILTERS * LEN_MAX];
    for (int y = 0; y < 3; y++) {
        make_row(rows[y], len, (kind + y) % 3, (unsigned)(y * 77 + len));
        const unsigned char *prev = y ? rows[y - 1] : NULL;
        int t = ib_png_filter_row(rows[y], prev, len, bpp, scratch, out);
        CHECK_INT(out[0], t);
        CHECK(t >= 0 && t < IB_PNG_FILTERS);
        for (size_t i = 0; i < len; i++)
            back[i] =
                (unsigned char)(out[i + 1] + predictor(t, back, prev, i, bpp));
        CHECK(memcmp(back, rows[y], len) == 0);
        size_t best = cost(t, rows[y], prev, len, bpp);
        for (int u = 0; u < IB_PNG_FILTERS; u++) {
            size_t c = cost(u, rows[y], prev, len, bpp);
            CHECK(best <= c);
            if (u < t)
                CHECK(c > best); /* the first of equals wins */
        }
    }
}

int main(void)
{
    for (size_t bpp = 1; bpp <= 8; bpp++)
        for (size_t width = 1; width <= 64; width += 7)
            for (int kind = 0; kind < 3; kind++)
                check_rows(width * bpp, bpp, kind);
    CHECK_DONE();
}

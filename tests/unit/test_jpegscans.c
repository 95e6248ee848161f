/* SPDX-License-Identifier: MIT */
/* Progressive JPEGs read at 1/8 without the AC scans that scale never
 * reads (jpegscans.h, ib_jpeg_read): the same pixels as libjpeg's own
 * decode of the whole file, byte for byte, from memory and from a file, for
 * 4:2:0, 4:2:2, 4:4:4, grey and restart intervals; every scan read at 1/4
 * and for a baseline file; a truncated file still fails; damage inside a
 * left-out scan is not seen (the documented trade); a stream that is not
 * plainly well formed is declined. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h> /* jpeglib.h needs FILE and size_t first */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jpeglib.h>

#include "check.h"
#include "jpeg/jpegio.h"
#include "jpeg/jpegscans.h"

#define W 1700
#define H 1100
#define MAX_BYTES ((size_t)1 << 30)

struct jpeg {
    unsigned char *data;
    unsigned long len;
};

/* A gradient with noise: every block has AC energy to code. */
static unsigned char *test_pixels(int bands)
{
    unsigned char *px = malloc((size_t)W * H * (size_t)bands);
    unsigned seed = 12345;
    for (size_t i = 0; i < (size_t)W * H * (size_t)bands; i++) {
        seed = seed * 1103515245u + 12345u;
        size_t x = (i / (size_t)bands) % W, y = i / ((size_t)bands * W);
        px[i] = (unsigned char)((x * 3 + y * 5 + (seed >> 16) % 64 +
                                 (i % (size_t)bands) * 80) &
                                255);
    }
    return px;
}

static struct jpeg encode(int bands, int h_samp, int v_samp, int restart,
                          int progressive)
{
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    struct jpeg out = {NULL, 0};
    jpeg_mem_dest(&c, &out.data, &out.len);
    c.image_width = W;
    c.image_height = H;
    c.input_components = bands;
    c.in_color_space = bands == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&c);
    jpeg_set_quality(&c, 85, TRUE);
    c.comp_info[0].h_samp_factor = h_samp;
    c.comp_info[0].v_samp_factor = v_samp;
    c.restart_interval = (unsigned)restart;
    if (progressive)
        jpeg_simple_progression(&c);
    jpeg_start_compress(&c, TRUE);
    unsigned char *px = test_pixels(bands);
    while (c.next_scanline < c.image_height) {
        JSAMPROW row = px + (size_t)c.next_scanline * W * (size_t)bands;
        jpeg_write_scanlines(&c, &row, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    free(px);
    return out;
}

/* libjpeg's decode of the whole stream at 1/scale, defaults otherwise. */
static struct ib_pixels reference(const struct jpeg *j, int scale)
{
    struct jpeg_decompress_struct d;
    struct jpeg_error_mgr err;
    d.err = jpeg_std_error(&err);
    jpeg_create_decompress(&d);
    jpeg_mem_src(&d, j->data, j->len);
    jpeg_read_header(&d, TRUE);
    d.scale_num = 1;
    d.scale_denom = (unsigned)scale;
    jpeg_start_decompress(&d);
    struct ib_pixels px = {NULL, (int)d.output_width, (int)d.output_height,
                           d.output_components};
    size_t stride = d.output_width * (size_t)d.output_components;
    px.data = malloc(stride * d.output_height);
    while (d.output_scanline < d.output_height) {
        JSAMPROW row = px.data + stride * d.output_scanline;
        jpeg_read_scanlines(&d, &row, 1);
    }
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    return px;
}

static int same_pixels(const struct ib_pixels *a, const struct ib_pixels *b)
{
    return a->width == b->width && a->height == b->height &&
           a->bands == b->bands &&
           memcmp(a->data, b->data,
                  (size_t)a->width * (size_t)a->height * (size_t)a->bands) == 0;
}

/* ib_jpeg_read at scale from in: its return, the scans it skipped, and
 * the pixels in *px (the caller frees them). */
static int read_with(const struct ib_jpeg_input *in, int scale,
                     struct ib_pixels *px, int *skipped)
{
    struct ib_jpeg_header h;
    struct ib_jpeg_reader *r = ib_jpeg_open(in, &h);
    if (!r)
        return -2;
    int rc = ib_jpeg_read(r, scale, MAX_BYTES, px);
    *skipped = ib_jpeg_scans_skipped(r);
    ib_jpeg_close(r);
    return rc;
}

static void expect_read(const struct jpeg *j, int scale, int want_skipped,
                        const char *what)
{
    struct ib_pixels want = reference(j, scale), got = {0};
    int skipped = -1;
    struct ib_jpeg_input mem = {j->data, j->len, -1};
    CHECK_INT(read_with(&mem, scale, &got, &skipped), 0);
    CHECK_INT(skipped, want_skipped);
    if (!same_pixels(&got, &want))
        fprintf(stderr, "%s at 1/%d: pixels differ from libjpeg's\n", what,
                scale),
            check_failures++;
    ib_pixels_free(&got);

    /* From a file, as the worker reads one. */
    char path[] = "/tmp/test_jpegscans.XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, j->data, j->len) == (ssize_t)j->len);
    unlink(path);
    struct ib_jpeg_input file = {NULL, 0, fd};
    CHECK_INT(read_with(&file, scale, &got, &skipped), 0);
    CHECK_INT(skipped, want_skipped);
    if (!same_pixels(&got, &want))
        fprintf(stderr, "%s at 1/%d from a file: pixels differ\n", what, scale),
            check_failures++;
    ib_pixels_free(&got);
    close(fd);
    ib_pixels_free(&want);
}

/* jpeg_simple_progression's script: for colour, DC, then Y 1-5, Cr, Cb,
 * Y 6-63, Y refinement, DC refinement, Cr, Cb and Y refinements (4 AC
 * scans of Y, 2 of each chroma component); for grey, DC, 1-5, 6-63, a
 * refinement, DC refinement, a refinement (4 AC scans). */
static void same_pixels_fewer_scans(void)
{
    static const struct {
        const char *what;
        int bands, h_samp, v_samp, restart, progressive;
        int scale, skipped;
    } cases[] = {
        /* Chroma scaled up by a 2x2 IDCT at 1/8: its AC scans are kept. */
        {"4:2:0", 3, 2, 2, 0, 1, 8, 4},
        {"4:2:0", 3, 2, 2, 0, 1, 4, 0},
        /* Chroma upsampled from 1x1 blocks: its AC scans go too. */
        {"4:2:2", 3, 2, 1, 0, 1, 8, 8},
        {"4:4:4", 3, 1, 1, 0, 1, 8, 8},
        {"4:4:4", 3, 1, 1, 0, 1, 2, 0},
        {"grey", 1, 1, 1, 0, 1, 8, 4},
        /* Restart markers inside the scans, left out and kept alike. */
        {"4:2:0 with restarts", 3, 2, 2, 7, 1, 8, 4},
        {"baseline", 3, 2, 2, 0, 0, 8, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct jpeg j = encode(cases[i].bands, cases[i].h_samp, cases[i].v_samp,
                               cases[i].restart, cases[i].progressive);
        expect_read(&j, cases[i].scale, cases[i].skipped, cases[i].what);
        free(j.data);
    }
}

/* The offset and length of the entropy-coded data of the last scan of
 * component id with Ss > 0 (a Y AC refinement in the script above). */
static void last_ac_scan(const struct jpeg *j, int id, size_t *at, size_t *len)
{
    const unsigned char *p = j->data;
    for (size_t i = 2; i + 4 < j->len; i++) {
        if (p[i] != 0xFF || p[i + 1] != 0xDA)
            continue;
        size_t seg = (size_t)p[i + 2] << 8 | p[i + 3];
        int ns = p[i + 4];
        if (ns != 1 || p[i + 5] != id || p[i + 4 + 1 + 2 * ns] == 0)
            continue;
        size_t start = i + 2 + seg, end = start;
        while (!(p[end] == 0xFF && p[end + 1] != 0x00 &&
                 (p[end + 1] < 0xD0 || p[end + 1] > 0xD7)))
            end++;
        *at = start;
        *len = end - start;
    }
}

static void truncation_and_damage(void)
{
    struct jpeg j = encode(3, 2, 2, 0, 1);
    struct ib_pixels clean = reference(&j, 8), got = {0};
    int skipped;

    /* Cut short: no EOI, so the whole stream is decoded, and fails. */
    struct ib_jpeg_input cut = {j.data, j.len * 3 / 4, -1};
    CHECK_INT(read_with(&cut, 8, &got, &skipped), -1);
    CHECK_INT(skipped, 0);

    /* The middle half of Y's last AC scan taken out: a whole decode warns
     * (the data ends early), the 1/8 read never looks at that scan. */
    size_t at = 0, len = 0;
    last_ac_scan(&j, 1, &at, &len);
    CHECK(len > 1000);
    size_t gap = len / 2;
    unsigned char *damaged = malloc(j.len);
    memcpy(damaged, j.data, at + len / 4);
    memcpy(damaged + at + len / 4, j.data + at + len / 4 + gap,
           j.len - (at + len / 4 + gap));
    struct ib_jpeg_input hurt = {damaged, j.len - gap, -1};
    CHECK_INT(read_with(&hurt, 4, &got, &skipped), -1);
    CHECK_INT(read_with(&hurt, 8, &got, &skipped), 0);
    CHECK_INT(skipped, 4);
    CHECK(same_pixels(&got, &clean));
    ib_pixels_free(&got);
    free(damaged);
    ib_pixels_free(&clean);
    free(j.data);
}

static void declined_streams(void)
{
    struct jpeg j = encode(3, 2, 2, 0, 1);
    struct ib_scan_filter f = {3, {1, 2, 3}, {0, 1, 1}};
    unsigned char *out = NULL;
    size_t out_len = 0;
    int n = ib_jpeg_drop_scans(j.data, j.len, &f, &out, &out_len);
    CHECK_INT(n, 4);
    CHECK(out_len < j.len);
    free(out);

    /* A byte between two segments where a marker should be. */
    unsigned char *odd = malloc(j.len + 1);
    memcpy(odd, j.data, 20);
    odd[20] = 0x42;
    memcpy(odd + 21, j.data + 20, j.len - 20);
    CHECK(j.data[20] == 0xFF); /* the second segment's marker */
    CHECK_INT(ib_jpeg_drop_scans(odd, j.len + 1, &f, &out, &out_len), -1);
    free(odd);

    /* An AC scan header naming a component the frame does not have. */
    size_t at = 0, len = 0;
    last_ac_scan(&j, 1, &at, &len);
    unsigned char *bad = malloc(j.len);
    memcpy(bad, j.data, j.len);
    /* The SOS header just before the data: FF DA, length 8, Ns 1, id. */
    CHECK(bad[at - 10] == 0xFF && bad[at - 9] == 0xDA);
    bad[at - 5] = 9;
    CHECK_INT(ib_jpeg_drop_scans(bad, j.len, &f, &out, &out_len), -1);
    free(bad);

    /* Not a JPEG at all. */
    CHECK_INT(ib_jpeg_drop_scans((const unsigned char *)"GIF89a", 6, &f, &out,
                                 &out_len),
              -1);
    free(j.data);
}

int main(void)
{
    same_pixels_fewer_scans();
    truncation_and_damage();
    declined_streams();
    CHECK_DONE();
}

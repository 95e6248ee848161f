/* JPEG decode and encode through libjpeg(-turbo) directly, in memory: the
 * two ends of the direct JPEG path (jpegpath.h). libvips' own JPEG load and
 * save call the same library with the same settings; what they add per
 * file (an operation graph, a thread pool, buffers handed between threads)
 * costs more than the codec itself on small images. */
#ifndef IMGBATCH_JPEGIO_H
#define IMGBATCH_JPEGIO_H

#include <stddef.h>

/* 8-bit pixels, rows packed: width * bands bytes each. */
struct ib_pixels {
    unsigned char *data; /* malloc'd */
    int width, height;
    int bands;          /* 1 (grey) or 3 (RGB) */
    unsigned char *icc; /* the embedded ICC profile, malloc'd, or NULL */
    size_t icc_len;
};

/* A JPEG in memory (data, len), or else a file read as needed (fd, from
 * offset 0 with pread, so the descriptor's offset does not matter). */
struct ib_jpeg_input {
    const void *data;
    size_t len;
    int fd;
};

/* Decodes the input at 1/scale_denom of its size (1, 2, 4 or 8: libjpeg's DCT
 * scaling, as libvips' shrink-on-load) into RGB or grey, with the embedded
 * ICC profile when want_icc (-1 if it has none or a malformed one,
 * libjpeg checking the chunks' sequence as libvips does). Only a clean
 * decode succeeds: any libjpeg error or warning (truncation, corrupt
 * data), a colour space other than YCbCr, RGB or grey, or pixels over
 * max_bytes return -1, and the caller hands the file to libvips, whose
 * verdict is the one reported. */
int ib_jpeg_decode(const struct ib_jpeg_input *in, int scale_denom,
                   size_t max_bytes, int want_icc, struct ib_pixels *out);

struct ib_jpeg_encoding {
    int quality;     /* 1..100 */
    int progressive; /* 0 or 1 */
    int optimize;    /* optimised Huffman tables: 0 or 1 */
    int subsample;   /* chroma 4:2:0: 0 or 1 */
};

/* Encodes px as libvips' jpegsave does with strip (no JFIF, EXIF or ICC
 * marker) into a malloc'd buffer. Returns 0, or -1 when libjpeg fails. */
int ib_jpeg_encode(const struct ib_pixels *px, const struct ib_jpeg_encoding *e,
                   unsigned char **out, size_t *out_len);

void ib_pixels_free(struct ib_pixels *px);

#endif

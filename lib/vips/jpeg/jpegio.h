/* SPDX-License-Identifier: MIT */
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
    int bands; /* 1 (grey) or 3 (RGB) */
};

/* A JPEG in memory (data, len), or else a file read as needed (fd, from
 * offset 0 with pread, so the descriptor's offset does not matter). */
struct ib_jpeg_input {
    const void *data;
    size_t len;
    int fd;
};

/* What the header says, as libvips' loader would read it. */
struct ib_jpeg_header {
    int width, height;        /* as stored */
    int bands;                /* 1 (grey) or 3 (YCbCr or RGB) */
    int orientation;          /* EXIF, 1..8; 1 when there is none */
    const unsigned char *icc; /* the embedded profile (the reader's), or NULL */
    size_t icc_len;
    /* A progressive JPEG's coefficient buffer, which libjpeg allocates
     * whole at any scale: bytes; 0 for a baseline one. */
    long long coef_bytes;
};

/* A JPEG being read: the header once, then the pixels at the scale the
 * header led to. */
struct ib_jpeg_reader;

/* Reads the header into *h. NULL when the direct path should leave the
 * input to libvips: not a JPEG, a colour space other than YCbCr, RGB or
 * grey, any libjpeg warning, or metadata libvips could read differently
 * (see exiforient.h, and the profile's chunks in jpegio.c). */
struct ib_jpeg_reader *ib_jpeg_open(const struct ib_jpeg_input *in,
                                    struct ib_jpeg_header *h);

/* Decodes at 1/scale_denom of the size (1, 2, 4 or 8: libjpeg's DCT
 * scaling, as libvips' shrink-on-load) into RGB or grey. Only a clean
 * decode succeeds: any libjpeg error or warning (truncation, corrupt
 * data) or pixels over max_bytes return -1, and the caller hands the file
 * to libvips, whose verdict is the one reported. Once per reader.
 *
 * A progressive JPEG at 1/8 is decoded without the AC scans of the
 * components that scale does not read (jpegscans.h): the same pixels.
 * Damage confined to those scans, which a whole decode would warn about,
 * is then not seen; a truncated file still is (its EOI is missing). */
int ib_jpeg_read(struct ib_jpeg_reader *r, int scale_denom, size_t max_bytes,
                 struct ib_pixels *out);

/* How many scans ib_jpeg_read left out (0: it decoded them all). */
int ib_jpeg_scans_skipped(const struct ib_jpeg_reader *r);

void ib_jpeg_close(struct ib_jpeg_reader *r);

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

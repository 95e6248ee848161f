/* SPDX-License-Identifier: MIT */
/* The direct PNG writer (pngsave.h). */
#include "pngsave.h"

#include <libdeflate.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "pathswitch.h"
#include "pngfilter.h"

/* libdeflate's level 7: on the bench's wallpapers, level 6 is 1.5%
 * larger than zlib's 6 with the same filters, level 7 0.8% smaller in
 * two thirds of zlib's time; level 8 takes three times as long again. */
enum { DEFLATE_LEVEL = 7 };

/* The most filtered bytes held at once, and one IDAT chunk's most. */
#define MAX_FILTERED ((size_t)64 << 20)
#define IDAT_MAX ((size_t)1 << 20)

/* What a PNG calls the image's bands, or -1 for what the writer leaves to
 * libvips (which converts it first). Only 8 bits: outputs are 8-bit sRGB
 * or grey unless a profile is kept, and then metadata is not stripped. */
static int colour_type(VipsImage *img)
{
    int grey = img->Type == VIPS_INTERPRETATION_B_W;
    int rgb = img->Type == VIPS_INTERPRETATION_sRGB;
    if (img->Coding != VIPS_CODING_NONE || img->BandFmt != VIPS_FORMAT_UCHAR)
        return -1;
    if (grey && img->Bands == 1)
        return PNG_COLOR_TYPE_GRAY;
    if (grey && img->Bands == 2)
        return PNG_COLOR_TYPE_GRAY_ALPHA;
    if (rgb && img->Bands == 3)
        return PNG_COLOR_TYPE_RGB;
    if (rgb && img->Bands == 4)
        return PNG_COLOR_TYPE_RGB_ALPHA;
    return -1;
}

static size_t row_bytes(VipsImage *img)
{
    return (size_t)img->Xsize * (size_t)VIPS_IMAGE_SIZEOF_PEL(img);
}

/* The filtered rows and their compressed copy, about twice the rows: at
 * most a quarter of a --max-memory allowance, so that the image's own
 * pipeline keeps what libvips' streaming writer would have had. */
static int fits_memory(const struct ib_settings *s, size_t filtered)
{
    return s->max_memory <= 0 || (long long)filtered <= s->max_memory / 8;
}

int ib_png_save_serves(const struct ib_settings *s, const struct ib_encoder *e,
                       VipsImage *img, int strip)
{
    size_t filtered = (row_bytes(img) + 1) * (size_t)img->Ysize;
    return ib_direct_path_on("IMGBATCH_DIRECT_PNG_SAVE") && strip &&
           e->png_compression < 0 && e->png_palette <= 0 &&
           colour_type(img) >= 0 && filtered <= MAX_FILTERED &&
           fits_memory(s, filtered);
}

/* ---- filtering the rows as libvips makes them -------------------------- */

/* Everything the writer needs, allocated before the image's pipeline is
 * read: a pipeline read once cannot always be read again (a sequential
 * loader), so running short of memory later could not be left to
 * libvips. */
struct filtering {
    unsigned char *filtered; /* a type byte and a filtered row, each row */
    size_t filtered_len;
    unsigned char *prev;    /* the row above */
    unsigned char *scratch; /* IB_PNG_FILTERS rows */
    struct libdeflate_compressor *compressor;
    unsigned char *z; /* the compressed rows */
    size_t z_cap, z_len;
    size_t len, bpp;
    int y;
};

/* vips_sink_disc's callback: the next rows of the image, in order. */
static int filter_rows(VipsRegion *region, VipsRect *area, void *a)
{
    struct filtering *f = a;
    for (int y = area->top; y < VIPS_RECT_BOTTOM(area); y++) {
        const unsigned char *pixels = VIPS_REGION_ADDR(region, 0, y);
        ib_png_filter_row(pixels, f->y ? f->prev : NULL, f->len, f->bpp,
                          f->scratch,
                          f->filtered + (size_t)f->y * (f->len + 1));
        memcpy(f->prev, pixels, f->len);
        f->y++;
    }
    return 0;
}

static void filtering_free(struct filtering *f)
{
    free(f->filtered);
    free(f->prev);
    free(f->scratch);
    free(f->z);
    if (f->compressor)
        libdeflate_free_compressor(f->compressor);
}

/* 0, or IB_PNG_SAVE_NO_MEMORY. */
static int filtering_alloc(VipsImage *img, struct filtering *f)
{
    memset(f, 0, sizeof(*f));
    f->len = row_bytes(img);
    f->bpp = (size_t)VIPS_IMAGE_SIZEOF_PEL(img);
    f->filtered_len = (f->len + 1) * (size_t)img->Ysize;
    f->filtered = malloc(f->filtered_len);
    f->prev = malloc(f->len);
    f->scratch = malloc(f->len * IB_PNG_FILTERS);
    f->compressor = libdeflate_alloc_compressor(DEFLATE_LEVEL);
    if (f->compressor) {
        f->z_cap =
            libdeflate_zlib_compress_bound(f->compressor, f->filtered_len);
        f->z = malloc(f->z_cap);
    }
    if (f->filtered && f->prev && f->scratch && f->z)
        return 0;
    filtering_free(f);
    memset(f, 0, sizeof(*f));
    return IB_PNG_SAVE_NO_MEMORY;
}

/* Filters the image's rows, then compresses them whole. */
static int filter_and_compress(VipsImage *img, struct filtering *f)
{
    if (vips_sink_disc(img, filter_rows, f) != 0)
        return -1;
    f->z_len = libdeflate_zlib_compress(f->compressor, f->filtered,
                                        f->filtered_len, f->z, f->z_cap);
    if (f->z_len == 0) { /* cannot be: the buffer has the bound's size */
        vips_error("imgbatch", "png: compression failed");
        return -1;
    }
    return 0;
}

/* ---- the file ---------------------------------------------------------- */

static void write_to_target(png_structp png, png_bytep data, size_t n)
{
    if (vips_target_write(png_get_io_ptr(png), data, n) != 0)
        png_error(png, "write failed");
}

static void flush_nothing(png_structp png)
{
    (void)png;
}

static void on_error(png_structp png, png_const_charp message)
{
    vips_error("imgbatch", "png: %s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message)
{
    (void)png;
    (void)message;
}

/* libpng writes the chunks around the compressed rows: IHDR, pHYs (as
 * libvips' pngsave writes it, from the resolution in pixels a mm), the
 * IDAT chunks, IEND. */
static int write_chunks(VipsImage *img, const unsigned char *z, size_t zlen,
                        VipsTarget *target)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
                                              on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        vips_error("imgbatch", "out of memory");
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return -1;
    }
    png_set_write_fn(png, target, write_to_target, flush_nothing);
    png_set_IHDR(png, info, (png_uint_32)img->Xsize, (png_uint_32)img->Ysize, 8,
                 colour_type(img), PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_pHYs(png, info, (png_uint_32)rint(img->Xres * 1000),
                 (png_uint_32)rint(img->Yres * 1000), PNG_RESOLUTION_METER);
    png_write_info(png, info);
    for (size_t at = 0; at < zlen; at += IDAT_MAX) {
        size_t n = zlen - at < IDAT_MAX ? zlen - at : IDAT_MAX;
        png_write_chunk(png, (png_const_bytep) "IDAT", z + at, n);
    }
    png_write_chunk(png, (png_const_bytep) "IEND", NULL, 0);
    png_destroy_write_struct(&png, &info);
    return 0;
}

int ib_png_save(VipsImage *img, VipsTarget *target)
{
    struct filtering f;
    int rc = filtering_alloc(img, &f);
    if (rc != 0)
        return rc;
    rc = filter_and_compress(img, &f);
    if (rc == 0)
        rc = write_chunks(img, f.z, f.z_len, target);
    filtering_free(&f);
    if (rc == 0)
        rc = vips_target_end(target);
    return rc;
}

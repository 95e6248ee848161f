/* SPDX-License-Identifier: MIT */
/* The direct TIFF writer (tiffsave.h). The header follows libvips 8.14's
 * wtiff_write_header (foreign/vips2tiff.c) for the images it takes, and
 * the file goes to the target through libtiff's client I/O, as libvips'
 * own does (foreign/tiff.c). */
#include "tiffsave.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "pathswitch.h"

/* libvips' default tile height, which is its rows per strip. */
#define ROWS_PER_STRIP 128

/* What the writer takes: PHOTOMETRIC_RGB or _MINISBLACK, or -1. */
static int photometric(VipsImage *img)
{
    if (img->Coding != VIPS_CODING_NONE || img->BandFmt != VIPS_FORMAT_UCHAR)
        return -1;
    if (img->Type == VIPS_INTERPRETATION_B_W && img->Bands <= 2)
        return PHOTOMETRIC_MINISBLACK;
    if (img->Type == VIPS_INTERPRETATION_sRGB &&
        (img->Bands == 3 || img->Bands == 4))
        return PHOTOMETRIC_RGB;
    return -1;
}

int ib_tiff_save_serves(VipsImage *img, int strip)
{
    return ib_direct_path_on("IMGBATCH_DIRECT_TIFF_SAVE") && strip &&
           photometric(img) >= 0 && vips_image_get_n_pages(img) == 1;
}

/* ---- libtiff's client I/O over the target ------------------------------ */

static tmsize_t target_read(thandle_t t, void *data, tmsize_t size)
{
    return (tmsize_t)vips_target_read(t, data, (size_t)size);
}

static tmsize_t target_write(thandle_t t, void *data, tmsize_t size)
{
    return vips_target_write(t, data, (size_t)size) ? -1 : size;
}

static toff_t target_seek(thandle_t t, toff_t offset, int whence)
{
    return (toff_t)vips_target_seek(t, (off_t)offset, whence);
}

/* libtiff closes the target when it closes the file: the end of it. */
static int target_close(thandle_t t)
{
    return vips_target_end(t) ? -1 : 0;
}

/* Asked only of files read or appended to. */
static toff_t target_size(thandle_t t)
{
    (void)t;
    return (toff_t)-1;
}

static int target_map(thandle_t t, void **base, toff_t *size)
{
    (void)t;
    (void)base;
    (void)size;
    return 0;
}

static void target_unmap(thandle_t t, void *base, toff_t size)
{
    (void)t;
    (void)base;
    (void)size;
}

/* libtiff's complaints, as libvips' errors. */
static int tiff_error(TIFF *tif, void *user, const char *module,
                      const char *fmt, va_list ap)
{
    (void)tif;
    (void)user;
    char message[256];
    vsnprintf(message, sizeof(message), fmt, ap);
    vips_error("tiffsave", "%s: %s", module ? module : "libtiff", message);
    return 1;
}

static TIFF *open_target(VipsTarget *target)
{
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (!options)
        return NULL;
    TIFFOpenOptionsSetErrorHandlerExtR(options, tiff_error, NULL);
    TIFF *tif = TIFFClientOpenExt(
        "imgbatch output", "w", target, target_read, target_write, target_seek,
        target_close, target_size, target_map, target_unmap, options);
    TIFFOpenOptionsFree(options);
    return tif;
}

/* ---- the header and the strips ----------------------------------------- */

/* Don't write mad resolutions (libvips' words: zero confuses some
 * programs); pixels per millimetre in the image, per centimetre here. */
static double resolution(double pixels_per_mm)
{
    return VIPS_FCLIP(0.01, pixels_per_mm * 10.0, 1000000);
}

static void write_header(TIFF *tif, VipsImage *img)
{
    const int photo = photometric(img);
    const int colour_bands = photo == PHOTOMETRIC_RGB ? 3 : 1;
    int orientation;
    TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, img->Xsize);
    TIFFSetField(tif, TIFFTAG_IMAGELENGTH, img->Ysize);
    TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tif, TIFFTAG_ORIENTATION, ORIENTATION_TOPLEFT);
    TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(tif, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
    TIFFSetField(tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_CENTIMETER);
    TIFFSetField(tif, TIFFTAG_XRESOLUTION, resolution(img->Xres));
    TIFFSetField(tif, TIFFTAG_YRESOLUTION, resolution(img->Yres));
    if (vips_image_get_typeof(img, VIPS_META_ORIENTATION) &&
        !vips_image_get_int(img, VIPS_META_ORIENTATION, &orientation))
        TIFFSetField(tif, TIFFTAG_ORIENTATION, orientation);
    TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, img->Bands);
    TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
    if (img->Bands > colour_bands) {
        uint16_t alpha = EXTRASAMPLE_UNASSALPHA;
        TIFFSetField(tif, TIFFTAG_EXTRASAMPLES, 1, &alpha);
    }
    TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, photo);
    TIFFSetField(tif, TIFFTAG_ROWSPERSTRIP, ROWS_PER_STRIP);
    TIFFSetField(tif, TIFFTAG_SAMPLEFORMAT, SAMPLEFORMAT_UINT);
}

/* A strip's rows gathered as the image's pipeline makes them. */
struct strips {
    TIFF *tif;
    unsigned char *rows; /* ROWS_PER_STRIP rows */
    size_t row_len;
    int height, next_row, filled;
};

/* The strip gathered so far (a row or more), compressed whole: libtiff
 * then takes libdeflate. */
static int flush_strip(struct strips *s)
{
    uint32_t strip = (uint32_t)((s->next_row - 1) / ROWS_PER_STRIP);
    tmsize_t len = (tmsize_t)(s->row_len * (size_t)s->filled);
    s->filled = 0;
    return TIFFWriteEncodedStrip(s->tif, strip, s->rows, len) == len ? 0 : -1;
}

/* vips_sink_disc's callback: the next rows of the image, in order. */
static int gather_rows(VipsRegion *region, VipsRect *area, void *a)
{
    struct strips *s = a;
    for (int y = area->top; y < VIPS_RECT_BOTTOM(area); y++) {
        memcpy(s->rows + s->row_len * (size_t)s->filled,
               VIPS_REGION_ADDR(region, 0, y), s->row_len);
        s->filled++;
        s->next_row++;
        if ((s->filled == ROWS_PER_STRIP || s->next_row == s->height) &&
            flush_strip(s) != 0)
            return -1;
    }
    return 0;
}

int ib_tiff_save(VipsImage *img, VipsTarget *target)
{
    struct strips s = {0};
    s.row_len = VIPS_IMAGE_SIZEOF_LINE(img);
    s.height = img->Ysize;
    if (!(s.rows = malloc(s.row_len * ROWS_PER_STRIP))) {
        vips_error("tiffsave", "out of memory");
        return -1;
    }
    if (!(s.tif = open_target(target))) {
        free(s.rows);
        return -1;
    }
    write_header(s.tif, img);
    int rc = vips_sink_disc(img, gather_rows, &s);
    if (rc == 0 && !TIFFWriteDirectory(s.tif))
        rc = -1;
    TIFFClose(s.tif); /* ends the target */
    free(s.rows);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/* A PNG box-shrunk as it is decoded (pngbox.h).
 *
 * libpng reads the rows one at a time, transformed to what libvips' PNG
 * loader makes of them; rowbox.c shrinks them as they come. */
#include "pngbox.h"

#include <png.h>
#include <setjmp.h>

#include "box/bytes.h"
#include "box/rowbox.h"

static void read_bytes(png_structp png, png_bytep out, size_t n)
{
    struct ib_bytes *in = png_get_io_ptr(png);
    while (n > 0) {
        long got = ib_bytes_read(in, out, n);
        if (got <= 0)
            png_error(png, "truncated");
        out += got;
        n -= (size_t)got;
    }
}

/* Any error ends the attempt (libvips then reads the file and says why);
 * warnings change nothing, as under libvips' fail_on=error. */
static void on_error(png_structp png, png_const_charp message)
{
    (void)message;
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message)
{
    (void)png;
    (void)message;
}

/* What the path takes: 8 bits or fewer, not interlaced (libpng would
 * need the whole image), no EXIF (its orientation would turn the
 * image). The transforms make what libvips' loader makes: palettes as
 * RGB, low-bit grey scaled to 8 bits, tRNS as an alpha band. */
static int take(png_structp png, png_infop info, int *bands, int *alpha)
{
    png_uint_32 w, h;
    int depth, type, interlace;
    png_get_IHDR(png, info, &w, &h, &depth, &type, &interlace, NULL, NULL);
    if (depth > 8 || interlace != PNG_INTERLACE_NONE ||
        png_get_valid(png, info, PNG_INFO_eXIf))
        return 0;
    int trns = png_get_valid(png, info, PNG_INFO_tRNS) != 0;
    *alpha = (type & PNG_COLOR_MASK_ALPHA) || trns;
    if (type == PNG_COLOR_TYPE_PALETTE)
        png_set_palette_to_rgb(png);
    if (trns)
        png_set_tRNS_to_alpha(png);
    if (type == PNG_COLOR_TYPE_GRAY && depth < 8)
        png_set_expand_gray_1_2_4_to_8(png);
    *bands = (type & PNG_COLOR_MASK_COLOR ? 3 : 1) + *alpha;
    return 1;
}

/* The metadata libvips' PNG loader sets that a default output keeps:
 * the interpretation, the resolution (72 dpi unless pHYs says), the
 * ICC profile. */
static void set_metadata(png_structp png, png_infop info, VipsImage *img)
{
    png_uint_32 res_x = (png_uint_32)(72.0 / 2.54 * 100.0), res_y = res_x;
    int unit = PNG_RESOLUTION_METER;
    png_get_pHYs(png, info, &res_x, &res_y, &unit);
    img->Xres = unit == PNG_RESOLUTION_METER ? res_x / 1000.0 : res_x;
    img->Yres = unit == PNG_RESOLUTION_METER ? res_y / 1000.0 : res_y;
    png_charp name;
    int compression;
    png_bytep profile;
    png_uint_32 len;
    if (png_get_iCCP(png, info, &name, &compression, &profile, &len) && len > 0)
        vips_image_set_blob_copy(img, VIPS_META_ICC_NAME, profile, len);
}

/* One attempt: the box lives here, not in decode()'s automatic storage,
 * which a libpng error jumping back to decode() may leave stale. */
struct job {
    int kh, kv;
    struct ib_rowbox *box;
};

/* The rows, shrunk as they come. */
static VipsImage *decode(png_structp png, png_infop info, struct job *j)
{
    if (setjmp(png_jmpbuf(png)))
        return NULL;
    png_read_info(png, info);
    int bands, alpha;
    if (!take(png, info, &bands, &alpha))
        return NULL;
    png_read_update_info(png, info);
    int w = (int)png_get_image_width(png, info);
    int h = (int)png_get_image_height(png, info);
    if (png_get_rowbytes(png, info) != (size_t)w * (size_t)bands ||
        !(j->box = ib_rowbox_new(w, h, bands, alpha, j->kh, j->kv)))
        return NULL;
    for (int y = 0; y < h; y++) {
        png_read_row(png, ib_rowbox_row(j->box), NULL);
        ib_rowbox_push(j->box);
    }
    VipsImage *img = ib_rowbox_image(j->box);
    if (img)
        set_metadata(png, info, img);
    return img;
}

static VipsImage *load(struct ib_bytes *in, int kh, int kv)
{
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL,
                                             on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_read_struct(&png, NULL, NULL);
        return NULL;
    }
    /* As libvips' loader: broken sRGB profiles and Adler-32 checksums are
     * not errors; its limit on the axes. */
    png_set_option(png, PNG_SKIP_sRGB_CHECK_PROFILE, PNG_OPTION_ON);
    png_set_option(png, PNG_IGNORE_ADLER32, PNG_OPTION_ON);
    png_set_user_limits(png, VIPS_MAX_COORD, VIPS_MAX_COORD);
    png_set_chunk_malloc_max(png, 50 * 1024 * 1024);
    png_set_read_fn(png, in, read_bytes);
    struct job j = {kh, kv, NULL};
    VipsImage *img = decode(png, info, &j);
    ib_rowbox_free(j.box);
    png_destroy_read_struct(&png, &info, NULL);
    return img;
}

VipsImage *ib_png_box_load(int fd, int kh, int kv)
{
    struct ib_bytes in = {fd, NULL, 0, 0};
    return load(&in, kh, kv);
}

VipsImage *ib_png_box_load_buffer(const void *data, size_t len, int kh, int kv)
{
    struct ib_bytes in = {-1, data, len, 0};
    return load(&in, kh, kv);
}

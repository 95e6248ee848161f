/* libjpeg on memory or a file, with its errors caught: error_exit must not
 * return, so it longjmps back to the call that started the codec. Warnings are
 * counted rather than printed, so that a decode libjpeg had to patch up (a
 * truncated file, corrupt data) counts as unclean. */
#define _POSIX_C_SOURCE 200809L
#include "imgbatch/jpegio.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h> /* jpeglib.h needs FILE and size_t first */
#include <stdlib.h>
#include <unistd.h>

#include <jerror.h>
#include <jpeglib.h>

struct caught {
    struct jpeg_error_mgr pub;
    jmp_buf on_error;
    int warnings;
};

static void jump_on_error(j_common_ptr cinfo)
{
    struct caught *c = (struct caught *)cinfo->err;
    longjmp(c->on_error, 1);
}

static void count_warnings(j_common_ptr cinfo, int level)
{
    struct caught *c = (struct caught *)cinfo->err;
    if (level < 0)
        c->warnings++;
}

static struct jpeg_error_mgr *catch_errors(struct caught *c)
{
    jpeg_std_error(&c->pub);
    c->pub.error_exit = jump_on_error;
    c->pub.emit_message = count_warnings;
    c->warnings = 0;
    return &c->pub;
}

/* A source that reads the file with pread() as libjpeg asks: the file is
 * never held in memory whole (a 16 MB photo would be, at the peak, beside
 * its decoded pixels), and the descriptor's offset, which libvips' source
 * shares, is left alone. */
struct fd_source {
    struct jpeg_source_mgr pub;
    int fd;
    off_t offset;
    JOCTET buf[65536];
};

static void init_source(j_decompress_ptr d)
{
    (void)d;
}

static boolean fill_input_buffer(j_decompress_ptr d)
{
    struct fd_source *src = (struct fd_source *)d->src;
    ssize_t n;
    do
        n = pread(src->fd, src->buf, sizeof(src->buf), src->offset);
    while (n < 0 && errno == EINTR);
    if (n <= 0) {
        /* The end came early: libjpeg's own stdio source does the same,
         * a warning (which fails the decode here) and a fake EOI. */
        WARNMS(d, JWRN_JPEG_EOF);
        src->buf[0] = 0xFF;
        src->buf[1] = JPEG_EOI;
        n = 2;
    } else {
        src->offset += n;
    }
    src->pub.next_input_byte = src->buf;
    src->pub.bytes_in_buffer = (size_t)n;
    return TRUE;
}

static void skip_input_data(j_decompress_ptr d, long count)
{
    struct fd_source *src = (struct fd_source *)d->src;
    if (count <= 0)
        return;
    if ((size_t)count <= src->pub.bytes_in_buffer) {
        src->pub.next_input_byte += count;
        src->pub.bytes_in_buffer -= (size_t)count;
        return;
    }
    src->offset += (off_t)((size_t)count - src->pub.bytes_in_buffer);
    src->pub.bytes_in_buffer = 0;
}

static void term_source(j_decompress_ptr d)
{
    (void)d;
}

/* Allocated in the codec's pool: freed with it, on every path. */
static void fd_src(j_decompress_ptr d, int fd)
{
    struct fd_source *src = (struct fd_source *)(*d->mem->alloc_small)(
        (j_common_ptr)d, JPOOL_PERMANENT, sizeof(struct fd_source));
    src->pub.init_source = init_source;
    src->pub.fill_input_buffer = fill_input_buffer;
    src->pub.skip_input_data = skip_input_data;
    src->pub.resync_to_restart = jpeg_resync_to_restart;
    src->pub.term_source = term_source;
    src->pub.bytes_in_buffer = 0;
    src->pub.next_input_byte = NULL;
    src->fd = fd;
    src->offset = 0;
    d->src = &src->pub;
}

void ib_pixels_free(struct ib_pixels *px)
{
    free(px->data);
    free(px->icc);
    px->data = NULL;
    px->icc = NULL;
}

/* The colour spaces libvips reads as sRGB or grey without a transform of
 * its own; CMYK and YCCK go through libvips. */
static int is_plain_colour(const struct jpeg_decompress_struct *d)
{
    return (d->jpeg_color_space == JCS_GRAYSCALE && d->num_components == 1) ||
           ((d->jpeg_color_space == JCS_YCbCr ||
             d->jpeg_color_space == JCS_RGB) &&
            d->num_components == 3);
}

static int read_rows(struct jpeg_decompress_struct *d, struct ib_pixels *out)
{
    size_t stride = (size_t)out->width * (size_t)out->bands;
    while (d->output_scanline < d->output_height) {
        JSAMPROW row = out->data + stride * d->output_scanline;
        if (jpeg_read_scanlines(d, &row, 1) != 1)
            return -1;
    }
    return 0;
}

/* The profile libvips would attach: the APP2 chunks, joined. */
static int read_icc(struct jpeg_decompress_struct *d, unsigned char **icc,
                    size_t *icc_len)
{
    JOCTET *profile = NULL;
    unsigned int n = 0;
    if (!jpeg_read_icc_profile(d, &profile, &n)) {
        free(profile);
        return -1;
    }
    *icc = profile;
    *icc_len = n;
    return 0;
}

int ib_jpeg_decode(const struct ib_jpeg_input *in, int scale_denom,
                   size_t max_bytes, int want_icc, struct ib_pixels *out)
{
    struct jpeg_decompress_struct d;
    struct caught c;
    /* volatile: changed between setjmp and a longjmp back to it. */
    unsigned char *volatile pixels = NULL;
    unsigned char *volatile icc = NULL;
    out->data = NULL;
    out->icc = NULL;
    out->icc_len = 0;
    if (!in->data && in->fd < 0)
        return -1;
    if (in->data && in->len > ULONG_MAX)
        return -1;
    d.err = catch_errors(&c);
    if (setjmp(c.on_error)) {
        jpeg_destroy_decompress(&d);
        free(pixels);
        free(icc);
        out->data = out->icc = NULL;
        return -1;
    }
    jpeg_create_decompress(&d);
    if (in->data)
        jpeg_mem_src(&d, in->data, (unsigned long)in->len);
    else
        fd_src(&d, in->fd);
    if (want_icc)
        jpeg_save_markers(&d, JPEG_APP0 + 2, 0xFFFF);
    if (jpeg_read_header(&d, TRUE) != JPEG_HEADER_OK || !is_plain_colour(&d))
        longjmp(c.on_error, 1);
    if (want_icc) {
        unsigned char *profile;
        if (read_icc(&d, &profile, &out->icc_len) != 0)
            longjmp(c.on_error, 1);
        icc = profile;
    }
    d.scale_num = 1;
    d.scale_denom = (unsigned)scale_denom;
    jpeg_calc_output_dimensions(&d);
    size_t bytes = (size_t)d.output_width * d.output_height *
                   (size_t)d.out_color_components;
    if (bytes == 0 || bytes > max_bytes)
        longjmp(c.on_error, 1);
    jpeg_start_decompress(&d);
    out->width = (int)d.output_width;
    out->height = (int)d.output_height;
    out->bands = d.output_components;
    if (!(pixels = malloc(bytes)))
        longjmp(c.on_error, 1);
    out->data = pixels;
    if (read_rows(&d, out) != 0)
        longjmp(c.on_error, 1);
    jpeg_finish_decompress(&d);
    jpeg_destroy_decompress(&d);
    out->icc = icc;
    if (c.warnings) {
        ib_pixels_free(out);
        return -1;
    }
    return 0;
}

/* libvips' jpegsave settings: quality with the baseline-compatible tables,
 * no JFIF marker under strip, full-resolution chroma unless subsampled. */
static void set_encoding(struct jpeg_compress_struct *e,
                         const struct ib_jpeg_encoding *how)
{
    jpeg_set_defaults(e);
    jpeg_set_quality(e, how->quality, TRUE);
    e->write_JFIF_header = FALSE;
    e->optimize_coding = how->optimize ? TRUE : FALSE;
    if (!how->subsample)
        for (int i = 0; i < e->num_components; i++)
            e->comp_info[i].h_samp_factor = e->comp_info[i].v_samp_factor = 1;
    if (how->progressive)
        jpeg_simple_progression(e);
}

int ib_jpeg_encode(const struct ib_pixels *px,
                   const struct ib_jpeg_encoding *how, unsigned char **out,
                   size_t *out_len)
{
    struct jpeg_compress_struct e;
    struct caught c;
    unsigned char *buf = NULL;
    unsigned long buf_len = 0;
    *out = NULL;
    *out_len = 0;
    e.err = catch_errors(&c);
    if (setjmp(c.on_error)) {
        jpeg_destroy_compress(&e);
        free(buf);
        return -1;
    }
    jpeg_create_compress(&e);
    jpeg_mem_dest(&e, &buf, &buf_len);
    e.image_width = (JDIMENSION)px->width;
    e.image_height = (JDIMENSION)px->height;
    e.input_components = px->bands;
    e.in_color_space = px->bands == 1 ? JCS_GRAYSCALE : JCS_RGB;
    set_encoding(&e, how);
    jpeg_start_compress(&e, TRUE);
    size_t stride = (size_t)px->width * (size_t)px->bands;
    while (e.next_scanline < e.image_height) {
        JSAMPROW row = px->data + stride * e.next_scanline;
        jpeg_write_scanlines(&e, &row, 1);
    }
    jpeg_finish_compress(&e);
    jpeg_destroy_compress(&e);
    *out = buf;
    *out_len = buf_len;
    return 0;
}

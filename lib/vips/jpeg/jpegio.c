/* SPDX-License-Identifier: MIT */
/* libjpeg on memory or a file, with its errors caught: error_exit must not
 * return, so it longjmps back to the call that started the codec. Warnings are
 * counted rather than printed, so that a decode libjpeg had to patch up (a
 * truncated file, corrupt data) counts as unclean. */
#define _POSIX_C_SOURCE 200809L
#include "jpegio.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h> /* jpeglib.h needs FILE and size_t first */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jerror.h>
#include <jpeglib.h>

#include "exiforient.h"
#include "imgbatch/fdio.h"
#include "jpegscans.h"

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
    px->data = NULL;
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

struct ib_jpeg_reader {
    struct jpeg_decompress_struct d;
    struct caught c;
    struct ib_jpeg_input in;
    unsigned char *icc; /* from jpeg_read_icc_profile: malloc'd */
    size_t icc_len;
    int scans_skipped;
};

/* "ICC_PROFILE\0", then the chunk's number and the count. */
#define ICC_HEADER 14

static int starts_with(const jpeg_saved_marker_ptr m, const char *prefix,
                       size_t min_len)
{
    size_t n = strlen(prefix);
    return m->data_length > min_len && m->data_length >= n &&
           memcmp(m->data, prefix, n) == 0;
}

/* What libvips' loader takes from the markers (jpeg2vips.c,
 * read_jpeg_header): the first APP1 block starting "Exif" for the
 * orientation, and the APP2 "ICC_PROFILE" chunks. The profile comes from
 * libjpeg, which checks the chunks' numbering; where the two could join
 * the chunks differently (libjpeg rejects them, or a chunk is empty, which
 * libvips skips) the file goes to libvips. -1 to decline. */
static int read_markers(struct ib_jpeg_reader *r, struct ib_jpeg_header *h)
{
    int exif_seen = 0, icc_seen = 0;
    h->orientation = 1;
    for (jpeg_saved_marker_ptr m = r->d.marker_list; m; m = m->next) {
        if (m->marker == JPEG_APP0 + 1 && !exif_seen &&
            starts_with(m, "Exif", 4)) {
            exif_seen = 1;
            h->orientation = ib_exif_orientation(m->data, m->data_length);
        }
        if (m->marker == JPEG_APP0 + 2 && starts_with(m, "ICC_PROFILE", 0)) {
            if (m->data_length <= ICC_HEADER)
                return -1;
            icc_seen = 1;
        }
    }
    if (h->orientation == 0)
        return -1;
    if (!icc_seen)
        return 0;
    JOCTET *profile = NULL;
    unsigned int n = 0;
    if (!jpeg_read_icc_profile(&r->d, &profile, &n)) {
        free(profile);
        return -1;
    }
    r->icc = profile;
    r->icc_len = n;
    h->icc = r->icc;
    h->icc_len = r->icc_len;
    return 0;
}

/* A progressive decode keeps every block's coefficients of every
 * component (jdcoefct.c's whole-image arrays). */
static long long coefficient_bytes(const struct jpeg_decompress_struct *d)
{
    if (!d->progressive_mode)
        return 0;
    long long blocks = 0;
    for (int i = 0; i < d->num_components; i++)
        blocks += (long long)d->comp_info[i].width_in_blocks *
                  d->comp_info[i].height_in_blocks;
    return blocks * DCTSIZE2 * (long long)sizeof(JCOEF);
}

struct ib_jpeg_reader *ib_jpeg_open(const struct ib_jpeg_input *in,
                                    struct ib_jpeg_header *h)
{
    memset(h, 0, sizeof(*h));
    if ((!in->data && in->fd < 0) || (in->data && in->len > ULONG_MAX))
        return NULL;
    /* volatile: gcc cannot tell that it keeps its value across longjmp. */
    struct ib_jpeg_reader *volatile r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    r->in = *in;
    r->d.err = catch_errors(&r->c);
    if (setjmp(r->c.on_error)) {
        ib_jpeg_close(r);
        return NULL;
    }
    jpeg_create_decompress(&r->d);
    if (in->data)
        jpeg_mem_src(&r->d, in->data, (unsigned long)in->len);
    else
        fd_src(&r->d, in->fd);
    jpeg_save_markers(&r->d, JPEG_APP0 + 1, 0xFFFF);
    jpeg_save_markers(&r->d, JPEG_APP0 + 2, 0xFFFF);
    if (jpeg_read_header(&r->d, TRUE) != JPEG_HEADER_OK ||
        !is_plain_colour(&r->d) || r->c.warnings || read_markers(r, h) != 0 ||
        r->c.warnings)
        longjmp(r->c.on_error, 1);
    h->width = (int)r->d.image_width;
    h->height = (int)r->d.image_height;
    h->bands = r->d.num_components;
    h->coef_bytes = coefficient_bytes(&r->d);
    return r;
}

void ib_jpeg_close(struct ib_jpeg_reader *r)
{
    if (!r)
        return;
    jpeg_destroy_decompress(&r->d);
    free(r->icc);
    free(r);
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

/* Decodes d, its header read, at 1/scale_denom into out. 0, or -1 on any
 * libjpeg error or warning (counted in c). */
static int decode(struct jpeg_decompress_struct *d, struct caught *c,
                  int scale_denom, size_t max_bytes, struct ib_pixels *out)
{
    /* volatile: changed between setjmp and a longjmp back to it. */
    unsigned char *volatile pixels = NULL;
    out->data = NULL;
    if (setjmp(c->on_error)) {
        jpeg_abort_decompress(d);
        free(pixels);
        out->data = NULL;
        return -1;
    }
    d->scale_num = 1;
    d->scale_denom = (unsigned)scale_denom;
    jpeg_calc_output_dimensions(d);
    size_t bytes = (size_t)d->output_width * d->output_height *
                   (size_t)d->out_color_components;
    if (bytes == 0 || bytes > max_bytes)
        longjmp(c->on_error, 1);
    jpeg_start_decompress(d);
    out->width = (int)d->output_width;
    out->height = (int)d->output_height;
    out->bands = d->output_components;
    if (!(pixels = malloc(bytes)))
        longjmp(c->on_error, 1);
    out->data = pixels;
    if (read_rows(d, out) != 0)
        longjmp(c->on_error, 1);
    jpeg_finish_decompress(d);
    if (c->warnings) {
        ib_pixels_free(out);
        return -1;
    }
    return 0;
}

/* ---- progressive JPEGs at 1/8 ------------------------------------------ */

/* Which components' AC scans a decode at scale 1/8 reads: those libjpeg
 * gives an IDCT larger than 1x1 (chroma scaled up by the IDCT instead of
 * upsampled, jdmaster.c). -1 when it would read every scan anyway. */
static int plan_scans(struct ib_jpeg_reader *r, struct ib_scan_filter *f)
{
    struct jpeg_decompress_struct *d = &r->d;
    if (!d->progressive_mode || d->num_components > 4)
        return -1;
    if (setjmp(r->c.on_error))
        return -1;
    d->scale_num = 1;
    d->scale_denom = 8;
    jpeg_calc_output_dimensions(d);
    int unused = 0;
    f->ncomponents = d->num_components;
    for (int i = 0; i < d->num_components; i++) {
        const jpeg_component_info *comp = &d->comp_info[i];
#if JPEG_LIB_VERSION >= 70
        int idct = comp->DCT_h_scaled_size * comp->DCT_v_scaled_size;
#else
        int idct = comp->DCT_scaled_size * comp->DCT_scaled_size;
#endif
        f->id[i] = comp->component_id;
        f->needs_ac[i] = idct > 1;
        unused += idct == 1;
    }
    return unused ? 0 : -1;
}

/* The whole file, for the scan filter: read once and freed before the
 * decode allocates its coefficients, so it never adds to the peak. Over
 * this size, the file is decoded whole from the descriptor as usual. */
#define MAX_FILTERED_FILE (256ull << 20)

static int read_file(int fd, unsigned char **data, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (unsigned long long)st.st_size > MAX_FILTERED_FILE)
        return -1;
    size_t size = (size_t)st.st_size;
    unsigned char *buf = malloc(size);
    ssize_t got = buf ? ib_pread_all(fd, buf, size, 0) : -1;
    if (got < 0) {
        free(buf);
        return -1;
    }
    *data = buf;
    *len = (size_t)got;
    return 0;
}

/* Decodes the filtered stream with a decompressor of its own: r's stays
 * as it was, for the whole decode if this one fails. */
static int decode_filtered(const struct jpeg_decompress_struct *whole,
                           const unsigned char *data, size_t len,
                           size_t max_bytes, struct ib_pixels *out)
{
    struct ib_jpeg_reader *volatile s = calloc(1, sizeof(*s));
    if (!s)
        return -1;
    s->d.err = catch_errors(&s->c);
    if (setjmp(s->c.on_error)) {
        ib_jpeg_close(s);
        return -1;
    }
    jpeg_create_decompress(&s->d);
    jpeg_mem_src(&s->d, data, (unsigned long)len);
    /* The same frame as the header read before (the file may have
     * changed since). */
    if (jpeg_read_header(&s->d, TRUE) != JPEG_HEADER_OK || s->c.warnings ||
        s->d.image_width != whole->image_width ||
        s->d.image_height != whole->image_height ||
        s->d.num_components != whole->num_components ||
        s->d.jpeg_color_space != whole->jpeg_color_space)
        longjmp(s->c.on_error, 1);
    /* Smoothing estimates missing AC coefficients of blocks; a 1x1 IDCT
     * reads none, and the whole decode, with every coefficient there,
     * does not smooth. */
    s->d.do_block_smoothing = FALSE;
    int rc = decode(&s->d, &s->c, 8, max_bytes, out);
    ib_jpeg_close(s);
    return rc;
}

/* At 1/8, a progressive JPEG without the AC scans nobody reads
 * (jpegscans.h). -1 when that does not apply or does not work out: the
 * caller decodes every scan. */
static int read_needed_scans(struct ib_jpeg_reader *r, size_t max_bytes,
                             struct ib_pixels *out)
{
    struct ib_scan_filter f;
    if (plan_scans(r, &f) != 0)
        return -1;
    const unsigned char *data = r->in.data;
    size_t len = r->in.len;
    unsigned char *file = NULL, *kept = NULL;
    if (!data) {
        if (read_file(r->in.fd, &file, &len) != 0)
            return -1;
        data = file;
    }
    size_t kept_len = 0;
    int skipped = ib_jpeg_drop_scans(data, len, &f, &kept, &kept_len);
    free(file);
    int rc = -1;
    if (skipped > 0)
        rc = decode_filtered(&r->d, kept, kept_len, max_bytes, out);
    if (skipped >= 0)
        free(kept);
    if (rc == 0)
        r->scans_skipped = skipped;
    return rc;
}

int ib_jpeg_read(struct ib_jpeg_reader *r, int scale_denom, size_t max_bytes,
                 struct ib_pixels *out)
{
    if (scale_denom == 8 && read_needed_scans(r, max_bytes, out) == 0)
        return 0;
    return decode(&r->d, &r->c, scale_denom, max_bytes, out);
}

int ib_jpeg_scans_skipped(const struct ib_jpeg_reader *r)
{
    return r->scans_skipped;
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

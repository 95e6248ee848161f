/* SPDX-License-Identifier: MIT */
/* A HEIF's planes as the base of its outputs (heifbase.h). The image is
 * the one libvips 8.14's loader decodes (foreign/heifload.c): the primary
 * image, with libheif's default options; its metadata is the loader's
 * own, from its header. */
#include "heifbase.h"

#include <libheif/heif.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "box/boxpath.h"
#include "box/bytes.h"
#include "imgbatch/geometry.h"
#include "metadata.h"

/* Files larger than this are left to libvips, which streams them. */
#define MAX_FILE_BYTES ((size_t)256 << 20)
/* libvips' loader's limit on a side (unless told it is unlimited). */
#define MAX_SIDE 0x4000

struct heif {
    struct heif_context *ctx;
    struct heif_image_handle *handle;
};

static void heif_close(struct heif *h)
{
    if (h->handle)
        heif_image_handle_release(h->handle);
    if (h->ctx)
        heif_context_free(h->ctx);
}

/* The primary image of a file of one image (libvips' default page),
 * within libvips' limit on the sides. */
static int heif_open(struct heif *h, const void *data, size_t len)
{
    *h = (struct heif){0};
    if (!(h->ctx = heif_context_alloc()))
        return -1;
    heif_context_set_maximum_image_size_limit(h->ctx, MAX_SIDE);
    if (heif_context_read_from_memory_without_copy(h->ctx, data, len, NULL)
            .code ||
        heif_context_get_number_of_top_level_images(h->ctx) != 1)
        return -1;
    return heif_context_get_primary_image_handle(h->ctx, &h->handle).code ? -1
                                                                          : 0;
}

/* The whole file, read with pread. */
static unsigned char *read_file(int fd, size_t *len)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size <= 0 ||
        (size_t)st.st_size > MAX_FILE_BYTES)
        return NULL;
    unsigned char *data = malloc((size_t)st.st_size);
    struct ib_bytes in = {fd, NULL, 0, 0};
    size_t got = 0;
    long n;
    while (data && got < (size_t)st.st_size &&
           (n = ib_bytes_read(&in, data + got, (size_t)st.st_size - got)) > 0)
        got += (size_t)n;
    if (!data || got != (size_t)st.st_size) {
        free(data);
        return NULL;
    }
    *len = got;
    return data;
}

/* What the path decodes: 8-bit colour without alpha. */
static int takes(const struct heif_image_handle *handle)
{
    return !heif_image_handle_has_alpha_channel(handle) &&
           heif_image_handle_get_luma_bits_per_pixel(handle) == 8 &&
           heif_image_handle_get_chroma_bits_per_pixel(handle) == 8;
}

/* libvips' thumbnail makes an output from the embedded thumbnail (the
 * first) when it is narrower than the image and the output would still
 * shrink it (resample/thumbnail.c: the common shrink over 1). */
static int thumbnail_taken(struct heif_image_handle *handle,
                           const struct ib_plan *p, const struct ib_outs *outs)
{
    heif_item_id id;
    struct heif_image_handle *thumb;
    if (heif_image_handle_get_list_of_thumbnail_IDs(handle, &id, 1) < 1)
        return 0;
    if (heif_image_handle_get_thumbnail(handle, id, &thumb).code)
        return 1;
    int tw = heif_image_handle_get_width(thumb);
    int th = heif_image_handle_get_height(thumb);
    heif_image_handle_release(thumb);
    int taken = 0;
    for (int i = 0; i < outs->n && tw < p->width; i++) {
        const struct ib_out *out = &outs->v[i];
        double h, v;
        if (!ib_out_to_make(out))
            continue;
        ib_target_shrink(&out->target, tw, th, p->swap, &h, &v);
        taken |= (h < v ? h : v) > 1.0;
    }
    return taken;
}

/* ---- the planes as an image -------------------------------------------- */

/* The decoded image, released once the last of its planes' images is. */
struct planes {
    struct heif_image *img;
    int users;
};

static void plane_closed(VipsImage *image, struct planes *pl)
{
    (void)image;
    if (--pl->users == 0) {
        heif_image_release(pl->img);
        free(pl);
    }
}

/* One plane, its rows stride bytes apart, as a one-band image. */
static VipsImage *plane_image(struct planes *pl, enum heif_channel channel,
                              int width, int height)
{
    int stride;
    const uint8_t *data =
        heif_image_get_plane_readonly(pl->img, channel, &stride);
    if (!data || stride < width)
        return NULL;
    VipsImage *wide =
        vips_image_new_from_memory(data, (size_t)stride * (size_t)height,
                                   stride, height, 1, VIPS_FORMAT_UCHAR);
    if (!wide)
        return NULL;
    pl->users++;
    g_signal_connect(wide, "postclose", G_CALLBACK(plane_closed), pl);
    if (stride == width)
        return wide;
    VipsImage *img = NULL;
    vips_extract_area(wide, &img, 0, 0, width, height, NULL);
    g_object_unref(wide);
    return img;
}

/* R, G and B interleaved as the resize reads them. */
static VipsImage *rgb_image(struct heif_image *decoded)
{
    int w = heif_image_get_width(decoded, heif_channel_R);
    int h = heif_image_get_height(decoded, heif_channel_R);
    struct planes *pl = malloc(sizeof(*pl));
    if (!pl) {
        heif_image_release(decoded);
        return NULL;
    }
    *pl = (struct planes){decoded, 1};
    static const enum heif_channel channels[3] = {
        heif_channel_R, heif_channel_G, heif_channel_B};
    VipsImage *band[3] = {NULL, NULL, NULL}, *rgb = NULL;
    for (int i = 0; i < 3; i++)
        if (heif_image_get_width(decoded, channels[i]) != w ||
            heif_image_get_height(decoded, channels[i]) != h ||
            !(band[i] = plane_image(pl, channels[i], w, h)))
            break;
    if (band[0] && band[1] && band[2])
        vips_bandjoin(band, &rgb, 3, NULL);
    for (int i = 0; i < 3; i++)
        if (band[i])
            g_object_unref(band[i]);
    plane_closed(NULL, pl); /* this function's own use */
    return rgb;
}

/* ---- metadata: libvips' loader's own ------------------------------------ */

/* The fields vips_image_map gives before the metadata (8.14's
 * iofuncs/header.c): every image has them, and the base its own. */
static int is_header_field(const char *name)
{
    static const char *const fields[] = {
        "width",   "height",  "bands", "format", "coding",  "interpretation",
        "xoffset", "yoffset", "xres",  "yres",   "filename"};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        if (strcmp(name, fields[i]) == 0)
            return 1;
    return 0;
}

static void *copy_field(VipsImage *header, const char *name, GValue *value,
                        void *a)
{
    (void)header;
    if (!is_header_field(name))
        vips_image_set(a, name, value);
    return NULL;
}

/* The metadata libvips' loader gives the file (EXIF without its
 * orientation, XMP, ICC profile, heif-* fields, resolution), read from
 * its header: the base then is the image thumbnail would load. */
static int copy_header(VipsImage *header, VipsImage *base)
{
    if (header->Xsize != base->Xsize || header->Ysize != base->Ysize ||
        header->Bands != base->Bands || header->BandFmt != base->BandFmt)
        return -1;
    vips_image_map(header, copy_field, base);
    ib_metadata_own_blobs(base);
    base->Type = header->Type;
    base->Xres = header->Xres;
    base->Yres = header->Yres;
    return 0;
}

/* ---- the base ---------------------------------------------------------- */

/* The primary image, decoded as planes, with the metadata of header;
 * NULL when libheif fails or the header is not of that image. */
static VipsImage *decode(struct heif *h, VipsImage *header)
{
    struct heif_image *decoded;
    if (heif_decode_image(h->handle, &decoded, heif_colorspace_RGB,
                          heif_chroma_444, NULL)
            .code)
        return NULL;
    VipsImage *rgb = rgb_image(decoded), *base = NULL;
    if (!rgb || vips_copy(rgb, &base, NULL) || copy_header(header, base)) {
        if (rgb)
            g_object_unref(rgb);
        if (base)
            g_object_unref(base);
        vips_error_clear();
        return NULL;
    }
    g_object_unref(rgb);
    /* Marked as a loader marks its image: each thumbnail of it is
     * computed once, top to bottom, and libvips caches lines behind its
     * shrinks instead of computing them again (rowbox.c). */
    vips_image_set_int(base, VIPS_META_SEQUENTIAL, 1);
    return base;
}

VipsImage *ib_heif_base(int fd, const struct ib_settings *s,
                        const struct ib_input *in, const struct ib_plan *p,
                        const struct ib_outs *outs)
{
    if (!ib_base_serves(s, in, p, outs, "VipsForeignLoadHeif",
                        "IMGBATCH_DIRECT_HEIF", 0))
        return NULL;
    struct heif h;
    size_t len;
    unsigned char *data = read_file(fd, &len);
    VipsImage *header = NULL, *base = NULL;
    if (data && heif_open(&h, data, len) == 0 && takes(h.handle) &&
        !thumbnail_taken(h.handle, p, outs) &&
        (header = vips_image_new_from_source(in->src, "", "access",
                                             VIPS_ACCESS_SEQUENTIAL, NULL)))
        base = decode(&h, header);
    if (data)
        heif_close(&h);
    free(data);
    if (header)
        g_object_unref(header);
    vips_error_clear();
    return base;
}

VipsImage *ib_heif_base_buffer(const void *data, size_t len)
{
    struct heif h;
    VipsImage *header = NULL, *base = NULL;
    if (heif_open(&h, data, len) == 0 && takes(h.handle) &&
        (header = vips_image_new_from_buffer(data, len, "", "access",
                                             VIPS_ACCESS_SEQUENTIAL, NULL)))
        base = decode(&h, header);
    heif_close(&h);
    if (header)
        g_object_unref(header);
    vips_error_clear();
    return base;
}

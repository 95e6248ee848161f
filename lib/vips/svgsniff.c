/* SPDX-License-Identifier: MIT */
/* libvips' SVG loader's format check, without its loop (svgsniff.h). */
#include "svgsniff.h"

#include <string.h>
#include <zlib.h>

/* libvips' check of the buffer loader: the same as the source loader's
 * on a source's first bytes. NULL when libvips has no SVG loader. */
static VipsForeignLoadClass *svg_buffer_loader(void)
{
    GType type = g_type_from_name("VipsForeignLoadSvgBuffer");
    gpointer klass = type ? g_type_class_peek(type) : NULL;
    return klass ? VIPS_FOREIGN_LOAD_CLASS(klass) : NULL;
}

static int is_gzip(const unsigned char *data, size_t len)
{
    /* libvips' test: a gzip signature, and the least a gzip stream is. */
    return len >= 18 && data[0] == 0x1f && data[1] == 0x8b;
}

/* libvips' inflate loop, step for step, but for one thing: a step that
 * moves nothing, which libvips would take again forever, ends it. 1 when
 * that happened (out holds *out_len bytes inflated by then), else 0. */
static int inflate_would_loop(const unsigned char *data, size_t len,
                              unsigned char *out, size_t *out_len)
{
    z_stream zs;
    memset(&zs, 0, sizeof(zs));
    zs.next_in = (unsigned char *)data;
    zs.avail_in = (uInt)len;
    if (inflateInit2(&zs, 15 | 32) != Z_OK)
        return 0;
    size_t opos = 0;
    int loops = 0;
    do {
        uInt in_before = zs.avail_in;
        zs.avail_out = (uInt)(IB_SVG_SNIFF_SOURCE - opos);
        zs.next_out = out + opos;
        if (inflate(&zs, Z_NO_FLUSH) < Z_OK)
            break;
        size_t now = IB_SVG_SNIFF_SOURCE - zs.avail_out;
        loops = now == opos && zs.avail_in == in_before;
        opos = now;
    } while (!loops && opos < IB_SVG_SNIFF_SOURCE && zs.avail_in > 0);
    inflateEnd(&zs);
    *out_len = opos;
    return loops;
}

enum ib_svg_sniff ib_svg_sniff(const void *data, size_t len)
{
    VipsForeignLoadClass *svg = svg_buffer_loader();
    if (!svg || !svg->is_a_buffer)
        return IB_SVG_NO;
    unsigned char inflated[IB_SVG_SNIFF_SOURCE];
    size_t n = 0;
    if (!is_gzip(data, len) || !inflate_would_loop(data, len, inflated, &n))
        return svg->is_a_buffer(data, len) ? IB_SVG_YES : IB_SVG_NO;
    /* What libvips would look at, had its loop ended: a gzip stream
     * inside would be inflated (and maybe loop) again. */
    if (is_gzip(inflated, n))
        return IB_SVG_LOOPS;
    return svg->is_a_buffer(inflated, n) ? IB_SVG_LOOPS_SVG : IB_SVG_LOOPS;
}

enum ib_svg_sniff ib_svg_sniff_source(VipsSource *src)
{
    unsigned char *data = NULL;
    gint64 n = vips_source_sniff_at_most(src, &data, IB_SVG_SNIFF_SOURCE);
    if (n <= 0) {
        vips_error_clear();
        return IB_SVG_NO;
    }
    return ib_svg_sniff(data, (size_t)n);
}

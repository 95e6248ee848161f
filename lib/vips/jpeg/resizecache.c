/* SPDX-License-Identifier: MIT */
/* Cached vips_resize pipelines (resizecache.h). */
#include "resizecache.h"

#include <stdlib.h>
#include <string.h>

#include "pathswitch.h"
#include "resample/splitresize.h"

/* A handful of sizes, each at most a third of a megapixel (RGB) after
 * shrink-on-load: what a JPEG of up to 1,200 pixels becomes for a
 * thumbnail, where building the pipeline costs as much as running it.
 * Bigger images amortise the build, and copies of them would add to a
 * worker's memory for no gain. */
#define N_ENTRIES 4
#define MAX_ENTRY_BYTES ((size_t)1 << 20)

struct entry {
    int width, height, bands;
    double hshrink, vshrink;
    unsigned char *pixels; /* what in wraps */
    VipsImage *in, *out;   /* NULL when the slot is free */
    unsigned long last_used;
};

struct ib_resize_cache {
    struct entry entries[N_ENTRIES];
    unsigned long clock;
};

struct ib_resize_cache *ib_resize_cache_new(void)
{
    return calloc(1, sizeof(struct ib_resize_cache));
}

static void entry_clear(struct entry *e)
{
    if (e->out)
        g_object_unref(e->out);
    if (e->in)
        g_object_unref(e->in);
    free(e->pixels);
    memset(e, 0, sizeof(*e));
}

void ib_resize_cache_free(struct ib_resize_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < N_ENTRIES; i++)
        entry_clear(&c->entries[i]);
    free(c);
}

static size_t pixel_bytes(const struct ib_pixels *px)
{
    return (size_t)px->width * (size_t)px->height * (size_t)px->bands;
}

static struct entry *find(struct ib_resize_cache *c, const struct ib_pixels *px,
                          double hshrink, double vshrink)
{
    for (int i = 0; i < N_ENTRIES; i++) {
        struct entry *e = &c->entries[i];
        if (e->out && e->width == px->width && e->height == px->height &&
            e->bands == px->bands && e->hshrink == hshrink &&
            e->vshrink == vshrink)
            return e;
    }
    return NULL;
}

static struct entry *least_recently_used(struct ib_resize_cache *c)
{
    struct entry *lru = &c->entries[0];
    for (int i = 1; i < N_ENTRIES; i++)
        if (c->entries[i].last_used < lru->last_used)
            lru = &c->entries[i];
    return lru;
}

VipsImage *ib_pixels_wrap(const struct ib_pixels *px)
{
    VipsImage *img =
        vips_image_new_from_memory(px->data, pixel_bytes(px), px->width,
                                   px->height, px->bands, VIPS_FORMAT_UCHAR);
    if (img)
        img->Type =
            px->bands == 1 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
    return img;
}

VipsImage *ib_pixels_wrap_once(const struct ib_pixels *px)
{
    VipsImage *img = ib_pixels_wrap(px);
    if (img)
        vips_image_set_int(img, VIPS_META_SEQUENTIAL, 1);
    return img;
}

/* A new vips_resize pipeline over in (which it keeps a reference to). */
static VipsImage *resize_image(VipsImage *in, double hshrink, double vshrink)
{
    VipsImage *out = NULL;
    if (vips_resize(in, &out, 1.0 / hshrink, "vscale", 1.0 / vshrink, NULL))
        return NULL;
    return out;
}

/* The pipeline for px's geometry, over a buffer of the entry's own: the
 * image the cache invalidates is the pipeline's input itself. */
static int build(struct entry *e, const struct ib_pixels *px, double hshrink,
                 double vshrink)
{
    struct ib_pixels own = *px;
    if (!(own.data = e->pixels = malloc(pixel_bytes(px))))
        return -1;
    if (!(e->in = ib_pixels_wrap(&own)) ||
        !(e->out = resize_image(e->in, hshrink, vshrink)))
        return -1;
    e->width = px->width;
    e->height = px->height;
    e->bands = px->bands;
    e->hshrink = hshrink;
    e->vshrink = vshrink;
    return 0;
}

/* px's pixels resized by a new pipeline over their memory. */
static VipsImage *resize_uncached(const struct ib_pixels *px, double hshrink,
                                  double vshrink)
{
    VipsImage *in = ib_pixels_wrap_once(px);
    if (!in)
        return NULL;
    VipsImage *out = resize_image(in, hshrink, vshrink);
    g_object_unref(in);
    return out;
}

/* The cached pipeline's output for px; NULL when the cache cannot hold it
 * (too big, or libvips or malloc failed building it). */
static VipsImage *resize_cached(struct ib_resize_cache *c,
                                const struct ib_pixels *px, double hshrink,
                                double vshrink)
{
    if (!c || pixel_bytes(px) > MAX_ENTRY_BYTES)
        return NULL;
    struct entry *e = find(c, px, hshrink, vshrink);
    if (!e) {
        e = least_recently_used(c);
        entry_clear(e);
        if (build(e, px, hshrink, vshrink) != 0) {
            entry_clear(e);
            vips_error_clear();
            return NULL;
        }
    }
    e->last_used = ++c->clock;
    memcpy(e->pixels, px->data, pixel_bytes(px));
    /* Whatever the pipeline computed from the last image's pixels is
     * stale. */
    vips_image_invalidate_all(e->in);
    return g_object_ref(e->out);
}

VipsImage *ib_resize_pixels(struct ib_resize_cache *c,
                            const struct ib_pixels *px, double hshrink,
                            double vshrink)
{
    VipsImage *img = resize_cached(c, px, hshrink, vshrink);
    int declined = 1;
    if (!img && ib_direct_path_on("IMGBATCH_SPLIT_RESIZE"))
        img = ib_split_resize(px, hshrink, vshrink, &declined);
    return img || !declined ? img : resize_uncached(px, hshrink, vshrink);
}

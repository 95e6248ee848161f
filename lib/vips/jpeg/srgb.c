/* SPDX-License-Identifier: MIT */
/* sRGB transforms, cached (srgb.h). What vips_icc_transform(in, "srgb",
 * embedded) does in libvips 8.14 for a 3-band 8-bit image whose embedded
 * profile it accepts (colour/icc_transform.c): input profile from the
 * blob, output profile libvips' built-in "srgb", TYPE_RGB_8 both ways, the
 * intent as given, cmsFLAGS_NOCACHE and no black point compensation. A
 * profile it would not accept as it stands (it would warn and fall back to
 * another) is declined here, so that libvips decides. */
#include "srgb.h"

#include <lcms2.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

/* A batch's distinct profiles are few; beyond that, the oldest goes. */
#define CACHED_PROFILES 8

struct entry {
    unsigned char *icc; /* the profile's bytes, the key with the intent */
    size_t len;
    int intent;
    cmsHTRANSFORM transform;
};

struct ib_srgb_cache {
    cmsHPROFILE srgb;
    struct entry entries[CACHED_PROFILES];
    unsigned next; /* the slot to fill (and evict) next */
};

static cmsHPROFILE open_builtin_srgb(void)
{
    VipsBlob *blob = NULL;
    if (vips_profile_load("srgb", &blob, NULL) != 0 || !blob) {
        vips_error_clear();
        return NULL;
    }
    size_t len;
    const void *data = vips_blob_get(blob, &len);
    cmsHPROFILE p = cmsOpenProfileFromMem(data, (cmsUInt32Number)len);
    vips_area_unref(VIPS_AREA(blob));
    return p;
}

struct ib_srgb_cache *ib_srgb_cache_new(void)
{
    cmsHPROFILE srgb = open_builtin_srgb();
    if (!srgb)
        return NULL;
    struct ib_srgb_cache *c = calloc(1, sizeof(*c));
    if (!c) {
        cmsCloseProfile(srgb);
        return NULL;
    }
    c->srgb = srgb;
    return c;
}

static void entry_clear(struct entry *e)
{
    if (e->transform)
        cmsDeleteTransform(e->transform);
    free(e->icc);
    memset(e, 0, sizeof(*e));
}

void ib_srgb_cache_free(struct ib_srgb_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < CACHED_PROFILES; i++)
        entry_clear(&c->entries[i]);
    cmsCloseProfile(c->srgb);
    free(c);
}

static struct entry *find(struct ib_srgb_cache *c, const unsigned char *icc,
                          size_t len, int intent)
{
    for (int i = 0; i < CACHED_PROFILES; i++) {
        struct entry *e = &c->entries[i];
        if (e->transform && e->len == len && e->intent == intent &&
            memcmp(e->icc, icc, len) == 0)
            return e;
    }
    return NULL;
}

/* libvips' checks on an embedded profile for a 3-band image
 * (vips_icc_load_profile_blob), narrowed to RGB profiles: anything else
 * is libvips' to handle. */
static cmsHPROFILE open_input_profile(const unsigned char *icc, size_t len,
                                      int intent)
{
    cmsHPROFILE p = cmsOpenProfileFromMem(icc, (cmsUInt32Number)len);
    if (!p)
        return NULL;
    if (cmsGetColorSpace(p) != cmsSigRgbData ||
        !cmsIsIntentSupported(p, (cmsUInt32Number)intent, LCMS_USED_AS_INPUT)) {
        cmsCloseProfile(p);
        return NULL;
    }
    return p;
}

static cmsHTRANSFORM build(struct ib_srgb_cache *c, const unsigned char *icc,
                           size_t len, int intent)
{
    if (!cmsIsIntentSupported(c->srgb, (cmsUInt32Number)intent,
                              LCMS_USED_AS_OUTPUT))
        return NULL;
    cmsHPROFILE in = open_input_profile(icc, len, intent);
    if (!in)
        return NULL;
    cmsHTRANSFORM t =
        cmsCreateTransform(in, TYPE_RGB_8, c->srgb, TYPE_RGB_8,
                           (cmsUInt32Number)intent, cmsFLAGS_NOCACHE);
    cmsCloseProfile(in);
    return t;
}

static struct entry *add(struct ib_srgb_cache *c, const unsigned char *icc,
                         size_t len, int intent)
{
    unsigned char *copy = malloc(len);
    if (!copy)
        return NULL;
    cmsHTRANSFORM t = build(c, icc, len, intent);
    if (!t) {
        free(copy);
        return NULL;
    }
    struct entry *e = &c->entries[c->next];
    c->next = (c->next + 1) % CACHED_PROFILES;
    entry_clear(e);
    memcpy(copy, icc, len);
    *e = (struct entry){copy, len, intent, t};
    return e;
}

int ib_srgb_convert(struct ib_srgb_cache *c, const unsigned char *icc,
                    size_t len, int intent, const unsigned char *in,
                    unsigned char *out, size_t n)
{
    if (!c || !icc || len == 0 || n > (cmsUInt32Number)-1)
        return -1;
    struct entry *e = find(c, icc, len, intent);
    if (!e && !(e = add(c, icc, len, intent)))
        return -1;
    cmsDoTransform(e->transform, in, out, (cmsUInt32Number)n);
    return 0;
}

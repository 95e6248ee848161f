/* SPDX-License-Identifier: MIT */
#include "imgbatch/format.h"

#include <stddef.h>
#include <strings.h>

struct format_info {
    const char *name;
    const char *extension;
    const char *aliases[3];
    int lossy;
    int alpha;
    int animate;
};

static const struct format_info formats[IB_FMT_COUNT] = {
    [IB_FMT_KEEP] = {"keep", "", {NULL}, 0, 0, 0},
    [IB_FMT_JPEG] = {"jpeg", "jpg", {"jpg", "jpeg", "jpe"}, 1, 0, 0},
    [IB_FMT_PNG] = {"png", "png", {"png"}, 0, 1, 0},
    [IB_FMT_WEBP] = {"webp", "webp", {"webp"}, 1, 1, 1},
    [IB_FMT_AVIF] = {"avif", "avif", {"avif"}, 1, 1, 0},
    [IB_FMT_TIFF] = {"tiff", "tif", {"tif", "tiff"}, 0, 1, 0},
    [IB_FMT_GIF] = {"gif", "gif", {"gif"}, 0, 1, 1},
    [IB_FMT_JXL] = {"jxl", "jxl", {"jxl"}, 1, 1, 0},
    [IB_FMT_HEIC] = {"heic", "heic", {"heic", "heif"}, 1, 1, 0},
    [IB_FMT_FROM_LOADER] = {"auto", "", {NULL}, 0, 0, 0},
};

enum ib_format ib_format_from_extension(const char *ext)
{
    for (int f = IB_FMT_JPEG; f < IB_FMT_FROM_LOADER; f++)
        for (int i = 0; i < 3 && formats[f].aliases[i]; i++)
            if (strcasecmp(ext, formats[f].aliases[i]) == 0)
                return (enum ib_format)f;
    return IB_FMT_KEEP;
}

enum ib_format ib_format_from_name(const char *name)
{
    return ib_format_from_extension(name);
}

static const struct format_info *info(enum ib_format f)
{
    return (unsigned)f < IB_FMT_COUNT ? &formats[f] : &formats[IB_FMT_KEEP];
}

const char *ib_format_extension(enum ib_format f)
{
    return info(f)->extension;
}

const char *ib_format_name(enum ib_format f)
{
    return info(f)->name;
}

int ib_format_is_lossy(enum ib_format f)
{
    return info(f)->lossy;
}

int ib_format_has_alpha(enum ib_format f)
{
    return info(f)->alpha;
}

int ib_format_can_animate(enum ib_format f)
{
    return info(f)->animate;
}

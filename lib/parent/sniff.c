/* SPDX-License-Identifier: MIT */
/* Telling images from other files by their first bytes (sniff.h). */
#define _POSIX_C_SOURCE 200809L
#include "sniff.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define HEAD 64

static int starts(const unsigned char *b, size_t n, const void *sig, size_t len)
{
    return n >= len && memcmp(b, sig, len) == 0;
}

/* ISO base media (HEIF, AVIF): "ftyp" at 4 and an image brand. */
static int is_heif(const unsigned char *b, size_t n)
{
    static const char *const brands[] = {"heic", "heix", "hevc", "hevx",
                                         "heim", "heis", "mif1", "msf1",
                                         "avif", "avis", NULL};
    if (n < 12 || memcmp(b + 4, "ftyp", 4) != 0)
        return 0;
    for (const char *const *brand = brands; *brand; brand++)
        if (memcmp(b + 8, *brand, 4) == 0)
            return 1;
    return 0;
}

static int is_raster(const unsigned char *b, size_t n)
{
    return starts(b, n, "\xff\xd8\xff", 3) ||
           starts(b, n, "\x89PNG\r\n\x1a\n", 8) || starts(b, n, "GIF87a", 6) ||
           starts(b, n, "GIF89a", 6) ||
           (starts(b, n, "RIFF", 4) && n >= 12 &&
            memcmp(b + 8, "WEBP", 4) == 0) ||
           starts(b, n, "II*\0", 4) || starts(b, n, "MM\0*", 4) ||
           starts(b, n, "II+\0", 4) || starts(b, n, "MM\0+", 4) ||
           is_heif(b, n);
}

/* SVG: markup that has "<svg" in its first bytes; gzip (svgz) counts. */
static int is_svg(const unsigned char *b, size_t n)
{
    if (starts(b, n, "\x1f\x8b", 2))
        return 1;
    for (size_t i = 0; i + 4 <= n; i++)
        if (memcmp(b + i, "<svg", 4) == 0)
            return 1;
    return starts(b, n, "<?xml", 5);
}

int ib_sniff_readable(const char *path, const struct ib_loaders *l)
{
    if (l->allow_untrusted)
        return 1;
    unsigned char b[HEAD];
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return 0;
    ssize_t got = read(fd, b, sizeof(b));
    close(fd);
    size_t n = got > 0 ? (size_t)got : 0;
    return is_raster(b, n) || (l->allow_pdf && starts(b, n, "%PDF", 4)) ||
           (l->allow_svg && is_svg(b, n));
}

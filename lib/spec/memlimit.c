/* SPDX-License-Identifier: MIT */
/* --max-memory's reason (memlimit.h). */
#define _DEFAULT_SOURCE
#include "imgbatch/memlimit.h"

#include <stdio.h>
#include <string.h>

void ib_memlimit_reason(long long limit, char *buf, size_t len)
{
    snprintf(buf, len, "out of memory (over --max-memory %lld MiB)",
             limit >> 20);
}

/* Case-insensitive: each library capitalises its own way. */
static int has(const char *text, const char *phrase)
{
    size_t n = strlen(phrase);
    for (const char *p = text; *p; p++)
        if (strncasecmp(p, phrase, n) == 0)
            return 1;
    return 0;
}

int ib_memlimit_says_alloc_failed(const char *text)
{
    static const char *const phrases[] = {
        "out of memory",          /* libvips, libpng, libtiff, giflib */
        "insufficient memory",    /* libjpeg */
        "failed to allocate",     /* glib's g_malloc, before it aborts */
        "cannot allocate memory", /* strerror(ENOMEM) */
        "not enough memory",      /* OpenJPEG, libjxl */
        "memory allocation",      /* libheif, lcms2 */
        "bad_alloc",              /* C++ codecs */
        /* A thread's stack is address space too: glib says EAGAIN. */
        "error creating thread", NULL};
    for (const char *const *p = phrases; text && *p; p++)
        if (has(text, *p))
            return 1;
    return 0;
}

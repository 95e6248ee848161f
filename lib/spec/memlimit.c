/* SPDX-License-Identifier: MIT */
/* --max-memory's reason (memlimit.h). */
#define _DEFAULT_SOURCE
#include "imgbatch/memlimit.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A cgroup's memory limit, in bytes, from a file holding a number (or
 * "max"); 0 for none. In a container, the cgroup namespace shows the
 * container's own cgroup at the root: v2's memory.max, v1's
 * memory.limit_in_bytes. */
static long long cgroup_limit(const char *path)
{
    FILE *f = fopen(path, "r");
    long long v = 0;
    if (!f)
        return 0;
    if (fscanf(f, "%lld", &v) != 1)
        v = 0;
    fclose(f);
    return v > 0 ? v : 0;
}

static long long physical_memory(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    long long have = pages > 0 && size > 0 ? (long long)pages * size : 0;
    static const char *const limits[] = {
        "/sys/fs/cgroup/memory.max",
        "/sys/fs/cgroup/memory/memory.limit_in_bytes", NULL};
    for (const char *const *p = limits; *p; p++) {
        long long limit = cgroup_limit(*p);
        if (limit > 0 && (have == 0 || limit < have))
            have = limit;
    }
    return have;
}

long long ib_memlimit_default(int jobs)
{
    long long have = physical_memory();
    if (have <= 0)
        return 0;
    long long each = have / 2 / (jobs > 0 ? jobs : 1);
    return each > IB_MEMLIMIT_FLOOR ? each : IB_MEMLIMIT_FLOOR;
}

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

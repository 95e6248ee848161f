/* SPDX-License-Identifier: MIT */
/* The worker's heap (heap.h).
 *
 * A worker decodes one image after another, most small, a few with buffers
 * of 100 MB (a progressive JPEG keeps every DCT coefficient of the image
 * until its last scan). Two costs pull against each other:
 *
 * - Memory kept: glibc's defaults keep freed heap up to a threshold that
 *   grows with the largest chunk freed, so a worker holds its largest
 *   file's memory for the rest of the batch, and with every worker doing
 *   that the batch's peak is jobs x the largest file.
 * - Memory taken again: a fresh 4 KiB page costs about 11 us of kernel
 *   time on the VMs we measured (100 MiB touched: 287 ms), more than
 *   decoding a small JPEG; giving memory back after every file made the
 *   photo benchmark 50% slower. A 2 MiB transparent huge page costs 0.35
 *   us per 4 KiB of it (9 ms for the same 100 MiB).
 *
 * So the heap is one region reserved up front (address space only) and
 * advised MADV_HUGEPAGE; every allocation under glibc's largest mmap
 * threshold (32 MiB) comes from it; and after each file the free top of the
 * heap beyond a warm margin goes back with MADV_DONTNEED. The region stays
 * reserved and advised, so the next big image faults it back in huge pages.
 * glibc's own switch for this (the glibc.malloc.hugetlb tunable) is read only
 * from the environment at exec, and a worker is a fork.
 *
 * Where huge pages are off (transparent_hugepage "never") or the reserve
 * fails, giving back would cost the page faults above: the worker keeps
 * its memory instead, as before. */
#define _DEFAULT_SOURCE
#include "heap.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_PAGE ((uintptr_t)2 << 20)
/* Address space only: pages come when touched. Above it the heap grows as
 * glibc grows it, advised after the file that grew it. */
#define RESERVE ((size_t)256 << 20)
/* Kept after a file: what a small or middle-sized image needs, so a run
 * of them costs no page faults. */
#define WARM ((size_t)16 << 20)
/* glibc's defaults and limits for the mmap settings. */
#define GLIBC_MMAP_MAX 65536
#define GLIBC_LARGEST_MMAP_THRESHOLD (32 << 20)

static char *huge_page_above(const char *p)
{
    return (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1));
}

/* transparent_hugepage "always" or "madvise" (the selected one is in
 * brackets): MADV_HUGEPAGE then gives huge pages. */
static int huge_pages_available(void)
{
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (!f)
        return 0;
    char line[128] = "";
    if (!fgets(line, sizeof(line), f))
        line[0] = '\0';
    fclose(f);
    return strstr(line, "[always]") || strstr(line, "[madvise]");
}

/* The fallback: glibc's mmap only above its maximum threshold, trimming
 * only above 256 MiB of slack. */
static void keep_freed_memory(void)
{
    mallopt(M_MMAP_MAX, GLIBC_MMAP_MAX);
    mallopt(M_TOP_PAD, 128 << 10);
    mallopt(M_MMAP_THRESHOLD, GLIBC_LARGEST_MMAP_THRESHOLD);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
}

static int advise(struct ib_heap *h)
{
    char *end = sbrk(0);
    if (end <= h->advised_end)
        return 0;
    if (madvise(h->start, (size_t)(end - h->start), MADV_HUGEPAGE) != 0)
        return -1;
    h->advised_end = end;
    return 0;
}

/* Grows the heap by RESERVE without touching it: a chunk allocated and
 * freed stays as the free top (trimming is off). volatile: the compiler
 * would drop a malloc whose result is only freed. */
static int reserve(struct ib_heap *h)
{
    char *before = sbrk(0);
    void *volatile chunk = malloc(RESERVE);
    if (!chunk)
        return -1;
    free(chunk);
    h->start = huge_page_above(before);
    h->advised_end = h->start;
    /* Under a sanitizer, malloc is not glibc's and the heap never grew. */
    if ((char *)sbrk(0) < h->start + RESERVE)
        return -1;
    return advise(h);
}

void ib_heap_setup(struct ib_heap *h, int may_reserve)
{
    memset(h, 0, sizeof(*h));
    /* A worker computes on one thread at a time: one arena. */
    mallopt(M_ARENA_MAX, 1);
    if (!may_reserve || !huge_pages_available()) {
        keep_freed_memory();
        return;
    }
    mallopt(M_TRIM_THRESHOLD, -1);
    mallopt(M_TOP_PAD, 64 << 20);
    /* The reserve must come from the heap, not from an mmap of its own. */
    mallopt(M_MMAP_MAX, 0);
    if (reserve(h) != 0) {
        keep_freed_memory();
        return;
    }
    /* Chunks of 32 MiB and more still get an mmap each, given back when
     * freed: calloc need not clear them and realloc moves them with
     * mremap. From the heap, a calloc of a 1 GiB buffer of which a decoder
     * touches a few rows would be cleared, all of it, in huge pages. */
    mallopt(M_MMAP_MAX, GLIBC_MMAP_MAX);
    mallopt(M_MMAP_THRESHOLD, GLIBC_LARGEST_MMAP_THRESHOLD);
    h->gives_back = 1;
}

void ib_heap_give_back(struct ib_heap *h)
{
    if (!h->gives_back || advise(h) != 0)
        return;
    /* keepcost: the size of the free chunk at the top of the heap. */
    struct mallinfo2 mi = mallinfo2();
    char *end = sbrk(0);
    if (mi.keepcost <= WARM + HUGE_PAGE)
        return;
    char *from = huge_page_above(end - mi.keepcost + WARM);
    if (from < end)
        madvise(from, (size_t)(end - from), MADV_DONTNEED);
}

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
 * - Memory taken again: a page given back costs a page fault when it is
 *   touched again (1.7 us per 4 KiB on this project's bench machine, 11 us
 *   on a VM measured earlier); giving everything back after every file made
 *   the photo benchmark slower there.
 *
 * So the worker keeps a warm margin and gives back the rest: glibc's heap
 * for chunks under 32 MiB, an mmap each for larger ones (given back when
 * freed), no trimming while a file is decoded, and after each file the free
 * top of the heap beyond WARM goes back with MADV_DONTNEED. glibc keeps
 * that memory as the top of its heap and the kernel gives it back as zeroed
 * pages when touched again.
 *
 * The mmap threshold is fixed: glibc's own rises to the largest chunk
 * freed, after which a large calloc comes from the heap, and calloc clears
 * heap memory it cannot know is fresh. libvips allocates every buffer with
 * calloc, some it never touches: the WebP loader's full-size canvas at
 * every header read. As an mmap, such a buffer costs nothing; from the
 * heap, all of it is written.
 *
 * The heap used to be reserved up front (256 MiB of address space, advised
 * MADV_HUGEPAGE) so that a big file faulted 2 MiB at a time. That was the
 * case above: the reserve was the top of the heap, so glibc served chunks
 * of 32 MiB and more from it rather than an mmap, and calloc cleared them.
 * Measured on the bench corpus: WebP took 10% longer and its workers 2.4
 * times the memory (132 MB against 54). Only photos at 100x100 were
 * faster with it, by up to a tenth, where the kernel had huge pages at
 * hand (README, "How it works"). */
#define _DEFAULT_SOURCE
#include "heap.h"

#include <malloc.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

/* Kept after a file: what a photo's decode needs below the mmap threshold
 * (a 24 MP progressive JPEG: its two chroma planes of coefficients, 12 MiB
 * each, and libvips' buffers), so a batch of photos does not fault its
 * memory in again for every file. */
#define WARM ((size_t)48 << 20)
/* glibc's defaults and limits for the mmap settings. */
#define GLIBC_MMAP_MAX 65536
#define GLIBC_LARGEST_MMAP_THRESHOLD (32 << 20)
/* Trimming while a file is decoded would give back what the same file
 * takes again a moment later; ib_heap_give_back trims between files. */
#define TRIM_THRESHOLD ((size_t)256 << 20)

static uintptr_t page_above(uintptr_t p, uintptr_t page)
{
    return (p + page - 1) & ~(page - 1);
}

void ib_heap_setup(void)
{
    /* A worker computes on one thread at a time: one arena. */
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_MAX, GLIBC_MMAP_MAX);
    mallopt(M_MMAP_THRESHOLD, GLIBC_LARGEST_MMAP_THRESHOLD);
    mallopt(M_TOP_PAD, 128 << 10);
    mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
}

void ib_heap_give_back(void)
{
    /* keepcost: the size of the free chunk at the top of the heap. Under
     * a sanitizer or valgrind, malloc is not glibc's and this is 0. */
    struct mallinfo2 mi = mallinfo2();
    if (mi.keepcost <= WARM)
        return;
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t end = (uintptr_t)sbrk(0);
    uintptr_t from = page_above(end - mi.keepcost + WARM, page);
    if (from < end)
        madvise((void *)from, end - from, MADV_DONTNEED);
}

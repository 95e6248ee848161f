/* SPDX-License-Identifier: MIT */
/* The worker's heap: how a process that decodes one image after another
 * gets memory from the kernel and gives it back. */
#ifndef IMGBATCH_HEAP_H
#define IMGBATCH_HEAP_H

struct ib_heap {
    char *start; /* the part of the heap advised for huge pages */
    char *advised_end;
    int gives_back; /* whether ib_heap_give_back does anything */
};

/* Sets glibc malloc up for this process, before anything large is
 * allocated. may_reserve: whether the heap may take address space it does
 * not use yet (not under an address-space limit, which it would eat into). */
void ib_heap_setup(struct ib_heap *h, int may_reserve);

/* After a file: gives the free top of the heap beyond a warm margin back to
 * the kernel, so a worker that decoded one huge image does not keep its
 * memory for the rest of the batch. */
void ib_heap_give_back(struct ib_heap *h);

#endif

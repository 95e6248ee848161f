/* SPDX-License-Identifier: MIT */
/* The worker's heap: how a process that decodes one image after another
 * gets memory from the kernel and gives it back. */
#ifndef IMGBATCH_HEAP_H
#define IMGBATCH_HEAP_H

/* Sets glibc malloc up for this process, before anything large is
 * allocated. */
void ib_heap_setup(void);

/* After a file: gives the free top of the heap beyond a warm margin back to
 * the kernel, so a worker that decoded one huge image does not keep its
 * memory for the rest of the batch. */
void ib_heap_give_back(void);

#endif

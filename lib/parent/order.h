/* SPDX-License-Identifier: MIT */
/* The hand-out order: the list's indices by size, largest first, taken
 * from either end. The batch takes one file at a time from the large end
 * and the others from the small end (batch.c says why). */
#ifndef IMGBATCH_PARENT_ORDER_H
#define IMGBATCH_PARENT_ORDER_H

#include <stddef.h>

#include "imgbatch/scan.h"

#define IB_ORDER_NONE ((size_t)-1)

struct ib_order {
    unsigned *v;      /* indices into the list, largest file first */
    size_t next, end; /* what is left: [next, end) */
};

/* Every entry of list, by size (ties in list order). */
void ib_order_init(struct ib_order *o, const struct ib_file_list *list);
void ib_order_free(struct ib_order *o);

/* The next index from the large end (large) or the small end, or
 * IB_ORDER_NONE when none is left. */
size_t ib_order_take(struct ib_order *o, int large);

#endif

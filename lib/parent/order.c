/* SPDX-License-Identifier: MIT */
/* The hand-out order (order.h). */
#define _GNU_SOURCE /* qsort_r */
#include "order.h"

#include <stdlib.h>

#include "imgbatch/alloc.h"

static int larger_first(const void *a, const void *b, void *list)
{
    const struct ib_entry *v = ((const struct ib_file_list *)list)->v;
    unsigned i = *(const unsigned *)a, j = *(const unsigned *)b;
    if (v[i].size != v[j].size)
        return v[i].size > v[j].size ? -1 : 1;
    return i < j ? -1 : i > j;
}

void ib_order_init(struct ib_order *o, const struct ib_file_list *list)
{
    o->v = ib_xcalloc(list->n ? list->n : 1, sizeof(*o->v));
    for (size_t i = 0; i < list->n; i++)
        o->v[i] = (unsigned)i;
    qsort_r(o->v, list->n, sizeof(*o->v), larger_first, (void *)list);
    o->next = 0;
    o->end = list->n;
}

void ib_order_free(struct ib_order *o)
{
    free(o->v);
    o->v = NULL;
    o->next = o->end = 0;
}

size_t ib_order_take(struct ib_order *o, int large)
{
    if (o->next >= o->end)
        return IB_ORDER_NONE;
    return large ? o->v[o->next++] : o->v[--o->end];
}

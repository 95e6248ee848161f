/* SPDX-License-Identifier: MIT */
#include "imgbatch/hash.h"

#include <string.h>

uint64_t ib_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

uint64_t ib_fnv1a_str(const char *s)
{
    return ib_fnv1a(IB_FNV1A_START, s, strlen(s));
}

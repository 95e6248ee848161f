/* SPDX-License-Identifier: MIT */
/* FNV-1a, 64 bits: an even, stable spread for hash tables, shards and
 * settings fingerprints, not resistance to crafted input. Shards and -u's
 * records keep these values across runs: the function must never change. */
#ifndef IMGBATCH_HASH_H
#define IMGBATCH_HASH_H

#include <stddef.h>
#include <stdint.h>

#define IB_FNV1A_START 14695981039346656037ULL

/* Continues hash h (IB_FNV1A_START for a new one) over n bytes. */
uint64_t ib_fnv1a(uint64_t h, const void *data, size_t n);

/* The hash of a C string. */
uint64_t ib_fnv1a_str(const char *s);

#endif

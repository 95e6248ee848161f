/* SPDX-License-Identifier: MIT */
/* --max-memory: how a file that needs more is said, by the worker that
 * fails it and by the parent when the worker dies of it, alike. Under the
 * limit an allocation can fail anywhere (libvips, a codec, glib, a thread's
 * stack), each saying so its own way; the user is told one thing, the
 * limit. */
#ifndef IMGBATCH_MEMLIMIT_H
#define IMGBATCH_MEMLIMIT_H

#include <stddef.h>

/* "out of memory (over --max-memory N MiB)", the limit in bytes. */
void ib_memlimit_reason(long long limit, char *buf, size_t len);

/* 1 when text is a failed allocation's message, as libvips, the codecs,
 * glib and the C library put it ("vips_tracked: out of memory",
 * "Insufficient memory (case 4)", "failed to allocate N bytes", "Error
 * creating thread: Resource temporarily unavailable", ...), else 0. */
int ib_memlimit_says_alloc_failed(const char *text);

#endif

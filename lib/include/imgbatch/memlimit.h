/* SPDX-License-Identifier: MIT */
/* --max-memory: how a file that needs more is said, by the worker that
 * fails it and by the parent when the worker dies of it, alike. Under the
 * limit an allocation can fail anywhere (libvips, a codec, glib, a thread's
 * stack), each saying so its own way; the user is told one thing, the
 * limit. */
#ifndef IMGBATCH_MEMLIMIT_H
#define IMGBATCH_MEMLIMIT_H

#include <stddef.h>

/* The default --max-memory for jobs workers: half the memory the machine
 * (or the container's cgroup) has, shared by the workers, and at least
 * IB_MEMLIMIT_FLOOR each. So a folder of decompression bombs (a 228-byte
 * JPEG asking 1.5 GB) cannot push the machine into swap; 0 when the
 * machine's memory cannot be told (no limit). */
#define IB_MEMLIMIT_FLOOR (256LL << 20)
long long ib_memlimit_default(int jobs);

/* "out of memory (over --max-memory N MiB)", the limit in bytes. */
void ib_memlimit_reason(long long limit, char *buf, size_t len);

/* 1 when text is a failed allocation's message, as libvips, the codecs,
 * glib and the C library put it ("vips_tracked: out of memory",
 * "Insufficient memory (case 4)", "failed to allocate N bytes", "Error
 * creating thread: Resource temporarily unavailable", ...), else 0. */
int ib_memlimit_says_alloc_failed(const char *text);

#endif

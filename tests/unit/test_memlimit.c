/* SPDX-License-Identifier: MIT */
/* --max-memory's wording and default (memlimit.h): every library's way of
 * saying an allocation failed is recognised, nothing else is, and the
 * default share shrinks with -j down to its floor. */
#include <unistd.h>

#include "check.h"
#include "imgbatch/memlimit.h"

static void failed_allocations_are_recognised(void)
{
    static const char *const yes[] = {
        "vips_tracked: out of memory --- size == 72MB",
        "VipsJpeg: Insufficient memory (case 4)",
        "GLib: failed to allocate 1024000000 bytes",
        "glib: Error creating thread: Resource temporarily unavailable",
        "unable to mmap: Cannot allocate memory",
        "vipspng: Out of Memory",
        "heif: Memory allocation error",
        "terminate called after throwing an instance of 'std::bad_alloc'",
        NULL};
    static const char *const no[] = {"VipsJpeg: Premature end of input file",
                                     "vipspng: libpng read error",
                                     "killed by SIGSEGV", "", NULL};
    for (const char *const *t = yes; *t; t++)
        CHECK_INT(ib_memlimit_says_alloc_failed(*t), 1);
    for (const char *const *t = no; *t; t++)
        CHECK_INT(ib_memlimit_says_alloc_failed(*t), 0);
    CHECK_INT(ib_memlimit_says_alloc_failed(NULL), 0);
}

static void the_reason_names_the_limit(void)
{
    char buf[128];
    ib_memlimit_reason(500LL << 20, buf, sizeof(buf));
    CHECK_STR(buf, "out of memory (over --max-memory 500 MiB)");
}

static void the_default_is_a_share(void)
{
    long long ram = (long long)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
    long long one = ib_memlimit_default(1), two = ib_memlimit_default(2);
    CHECK(one >= IB_MEMLIMIT_FLOOR);
    CHECK(one <= ram / 2 || one == IB_MEMLIMIT_FLOOR);
    CHECK(two == one / 2 || two == IB_MEMLIMIT_FLOOR);
    CHECK_INT(ib_memlimit_default(1 << 20), IB_MEMLIMIT_FLOOR);
}

int main(void)
{
    failed_allocations_are_recognised();
    the_reason_names_the_limit();
    the_default_is_a_share();
    CHECK_DONE();
}

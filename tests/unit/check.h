/* SPDX-License-Identifier: MIT */
/* A minimal test harness: checks report file:line and what differed, and
 * the test's exit status says whether any failed. */
#ifndef IMGBATCH_TEST_CHECK_H
#define IMGBATCH_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
            check_failures++;                                                  \
        }                                                                      \
    } while (0)

#define CHECK_INT(actual, expected)                                            \
    do {                                                                       \
        long long a_ = (long long)(actual), e_ = (long long)(expected);        \
        if (a_ != e_) {                                                        \
            fprintf(stderr, "%s:%d: %s is %lld, expected %lld\n", __FILE__,    \
                    __LINE__, #actual, a_, e_);                                \
            check_failures++;                                                  \
        }                                                                      \
    } while (0)

#define CHECK_STR(actual, expected)                                            \
    do {                                                                       \
        const char *a_ = (actual), *e_ = (expected);                           \
        if (!a_ || strcmp(a_, e_) != 0) {                                      \
            fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n",          \
                    __FILE__, __LINE__, #actual, a_ ? a_ : "(null)", e_);      \
            check_failures++;                                                  \
        }                                                                      \
    } while (0)

#define CHECK_DONE()                                                           \
    do {                                                                       \
        if (check_failures)                                                    \
            fprintf(stderr, "%d check(s) failed\n", check_failures);           \
        return check_failures ? 1 : 0;                                         \
    } while (0)

#endif

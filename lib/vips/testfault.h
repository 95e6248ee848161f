/* SPDX-License-Identifier: MIT */
/* The tests' fault hook: IMGBATCH_TEST_FAULT=ACTION:TEXT asks a worker to
 * misbehave (worker.c lists the actions) on every file whose path contains
 * TEXT. Never set outside the tests. */
#ifndef IMGBATCH_TESTFAULT_H
#define IMGBATCH_TESTFAULT_H

#include <stddef.h>

/* 1 when the hook asks for action on path. */
int ib_test_fault_is(const char *action, const char *path);

/* The action asked for on path, into buf; NULL when none. */
const char *ib_test_fault(const char *path, char *buf, size_t len);

#endif

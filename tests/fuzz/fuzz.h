/* SPDX-License-Identifier: MIT */
/* The libFuzzer entry points every target defines, declared once so that a
 * target and the replay driver agree on them. With FUZZ=ON libFuzzer
 * supplies main(); otherwise replay.c does, and runs each input once. */
#ifndef IMGBATCH_FUZZ_H
#define IMGBATCH_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input; returns 0 (libFuzzer reserves other values). A broken
 * invariant calls abort(), which libFuzzer and ctest both see. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Optional one-time set-up, before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif

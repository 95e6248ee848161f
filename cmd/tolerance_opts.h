/* SPDX-License-Identifier: MIT */
/* The golden tolerance's four options, declared once for both tables that
 * take them (the batch's --golden and imgbatch compare): BASE is the
 * offset of a struct ib_tolerance in the table's target. */
#ifndef IMGBATCH_CMD_TOLERANCE_OPTS_H
#define IMGBATCH_CMD_TOLERANCE_OPTS_H

#include <stddef.h>

#include "imgbatch/tolerance.h"
#include "opt.h"

#define TOLERANCE_FIELD(BASE, F) ((BASE) + offsetof(struct ib_tolerance, F))

#define TOLERANCE_OPTS(BASE, GROUP)                                            \
    {.name = "max-diff",                                                       \
     .arg = "N",                                                               \
     .group = GROUP,                                                           \
     .parse = opt_int,                                                         \
     .offset = TOLERANCE_FIELD(BASE, max_diff),                                \
     .min = 0,                                                                 \
     .max = 255,                                                               \
     .help = "largest allowed difference of one channel of one pixel, "        \
             "0-255 (default 48)"},                                            \
        {.name = "min-psnr",                                                   \
         .arg = "DB",                                                          \
         .group = GROUP,                                                       \
         .parse = opt_decibels,                                                \
         .offset = TOLERANCE_FIELD(BASE, min_psnr),                            \
         .min = 0,                                                             \
         .max = 1000,                                                          \
         .help = "smallest allowed PSNR over all channels (default 33)"},      \
        {.name = "fuzz",                                                       \
         .arg = "N",                                                           \
         .group = GROUP,                                                       \
         .parse = opt_int,                                                     \
         .offset = TOLERANCE_FIELD(BASE, fuzz),                                \
         .min = 0,                                                             \
         .max = 255,                                                           \
         .help = "a pixel differs when a channel differs by more than N "      \
                 "(default 16)"},                                              \
    {                                                                          \
        .name = "max-fraction", .arg = "F", .group = GROUP,                    \
        .parse = opt_fraction, .offset = TOLERANCE_FIELD(BASE, max_fraction),  \
        .min = 0, .max = 1,                                                    \
        .help = "largest allowed fraction of differing pixels, 0-1 "           \
                "(default 0.02)"                                               \
    }

#endif

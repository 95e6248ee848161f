/* SPDX-License-Identifier: MIT */
/* "imgbatch compare A B": one comparison from any test runner. */
#ifndef IMGBATCH_CMD_COMPARE_H
#define IMGBATCH_CMD_COMPARE_H

#include "opt.h"

/* Its options: for its parser, and for gendocs.c (man page and
 * completions). */
extern const struct opt_table compare_options;

int compare_main(int argc, char **argv);

#endif

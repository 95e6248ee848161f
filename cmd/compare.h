/* "imgbatch compare A B": one comparison from any test runner. */
#ifndef IMGBATCH_CMD_COMPARE_H
#define IMGBATCH_CMD_COMPARE_H

#include "imgbatch/tolerance.h"

int compare_main(int argc, char **argv);

/* Parses a tolerance option (--max-diff, --min-psnr, --fuzz,
 * --max-fraction) shared with the batch's --golden mode. 0, or -1 after
 * printing why. */
int tolerance_option(const char *name, const char *value,
                     struct ib_tolerance *t);

#endif

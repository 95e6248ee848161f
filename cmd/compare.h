/* "imgbatch compare A B": one comparison from any test runner. */
#ifndef IMGBATCH_CMD_COMPARE_H
#define IMGBATCH_CMD_COMPARE_H

#include "imgbatch/compare.h"

int compare_main(int argc, char **argv);

/* Parses a tolerance option (--max-diff, --min-psnr, --fuzz,
 * --max-fraction) shared with the batch's --golden mode. 0, or -1 after
 * printing why. */
int tolerance_option(const char *name, const char *value,
                     struct ib_tolerance *t);

/* "max-diff 3 at 10,20; psnr 45.2 dB; 0.10% of pixels differ by > 16" */
void describe_comparison(const struct ib_comparison *c,
                         const struct ib_tolerance *t, char *buf, size_t len);

#endif

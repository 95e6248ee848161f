/* SPDX-License-Identifier: MIT */
/* "imgbatch compare A B": one comparison from any test runner. */
#ifndef IMGBATCH_CMD_COMPARE_H
#define IMGBATCH_CMD_COMPARE_H

int compare_main(int argc, char **argv);

#endif

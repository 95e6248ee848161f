/* SPDX-License-Identifier: MIT */
/* The switches that turn a direct path off, for tests and measurements:
 * IMGBATCH_DIRECT_JPEG, IMGBATCH_DIRECT_PNG, IMGBATCH_DIRECT_PNG_SAVE,
 * IMGBATCH_DIRECT_HEIF and IMGBATCH_SPLIT_RESIZE (the horizontal reduce
 * of resample/). */
#ifndef IMGBATCH_PATHSWITCH_H
#define IMGBATCH_PATHSWITCH_H

/* 1 unless the environment variable is "0". */
int ib_direct_path_on(const char *variable);

#endif

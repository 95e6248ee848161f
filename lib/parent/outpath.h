/* SPDX-License-Identifier: MIT */
/* Where each input's output goes and in which format. Pure string work in
 * the parent, so collisions are found before any worker starts. */
#ifndef IMGBATCH_OUTPATH_H
#define IMGBATCH_OUTPATH_H

#include "imgbatch/buf.h"
#include "imgbatch/format.h"
#include "imgbatch/scan.h"
#include "imgbatch/settings.h"

/* Writes the path of e's output below root into out and returns the
 * format to write. root is where the tree of outputs is mirrored: -o for
 * the outputs themselves, --golden for their goldens, --diff-dir for the
 * pictures; NULL puts the output beside its input. */
enum ib_format ib_output_path(const struct ib_settings *s, const char *root,
                              const struct ib_entry *e, struct ib_buf *out);

#endif

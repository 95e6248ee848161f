/* Where each input's output goes and in which format. Pure string work in
 * the parent, so collisions are found before any worker starts. */
#ifndef IMGBATCH_OUTPATH_H
#define IMGBATCH_OUTPATH_H

#include "imgbatch/buf.h"
#include "imgbatch/format.h"
#include "imgbatch/scan.h"
#include "imgbatch/settings.h"

/* Writes the output path of e into out and returns the format to write. */
enum ib_format ib_output_path(const struct ib_settings *s,
                              const struct ib_entry *e, struct ib_buf *out);

#endif

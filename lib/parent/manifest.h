/* SPDX-License-Identifier: MIT */
/* --manifest FILE: every input's outputs, for <picture> and srcset:
 *
 *   {"version":1,"inputs":{
 *   "photos/a.jpg":[{"path":"out/a-320.webp","width":320,"height":213,
 *                    "format":"webp","bytes":10240,"variant":"320"}, ...],
 *   ...
 *   }}
 *
 * one input a line, sorted by input. It is written at the end of a run,
 * atomically; under -u an input this run did not make again keeps its
 * line from the previous manifest (the lines are merged by their key, so
 * no JSON reader is needed). */
#ifndef IMGBATCH_PARENT_MANIFEST_H
#define IMGBATCH_PARENT_MANIFEST_H

#include "imgbatch/proto.h"
#include "imgbatch/settings.h"

struct ib_manifest;

/* NULL without --manifest. */
struct ib_manifest *ib_manifest_new(const struct ib_settings *s);
void ib_manifest_free(struct ib_manifest *m);

/* An input this run made outputs of (the ok ones are listed). */
void ib_manifest_add(struct ib_manifest *m, const char *input,
                     const struct ib_outcome *o);

/* Writes the file. 0, or -1 with errno. */
int ib_manifest_write(struct ib_manifest *m);

#endif

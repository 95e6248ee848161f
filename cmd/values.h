/* SPDX-License-Identifier: MIT */
/* Parsers for the option table (opt.h) of imgbatch's own kinds of value:
 * each checks the text and says what it expected. */
#ifndef IMGBATCH_CMD_VALUES_H
#define IMGBATCH_CMD_VALUES_H

#include "opt.h"

/* GEOMETRY (geometry.h), into a struct ib_geometry. */
int opt_geometry(const struct opt *o, const char *arg, void *field, char *why,
                 size_t why_len);
/* An output format name, into an enum ib_format. */
int opt_format(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len);
/* A name prefix (no '/'), into a const char *. */
int opt_prefix(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len);
/* A colour: a name, #rgb, #rrggbb or R,G,B, into double[3]. */
int opt_colour(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len);
/* A crop mode (o->values, and "center"), into an enum ib_crop. */
int opt_crop(const struct opt *o, const char *arg, void *field, char *why,
             size_t why_len);
/* K/N or auto (shard.h), into a struct ib_shard. */
int opt_shard(const struct opt *o, const char *arg, void *field, char *why,
              size_t why_len);

/* The names opt_colour knows, for help and completion. */
extern const char *const ib_colour_names[];

#endif

/* SPDX-License-Identifier: MIT */
/* Parsers for the option table (opt.h) of imgbatch's own kinds of value:
 * each checks the text and says what it expected. */
#ifndef IMGBATCH_CMD_VALUES_H
#define IMGBATCH_CMD_VALUES_H

#include "imgbatch/settings.h"
#include "opt.h"

#define MAX_SIZES 16
#define MAX_FORMATS 10
#define MAX_SIZE_TEXT 48

/* -s: one geometry or a comma-separated list of them, as written. */
struct size_list {
    int n;
    struct ib_geometry g[MAX_SIZES];
    char text[MAX_SIZES][MAX_SIZE_TEXT];
};

/* -f: one format or a comma-separated list. */
struct format_list {
    int n;
    enum ib_format f[MAX_FORMATS];
};

/* --gravity, and whether it was given. */
struct gravity_value {
    int given;
    struct ib_gravity g;
};

#define MAX_REPEATS 32

/* An option given again and again (--variant): each value, as given. */
struct string_list {
    int n;
    const char *v[MAX_REPEATS];
};

/* Adds the argument to a struct string_list. */
int opt_append(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len);

/* A list of GEOMETRY (geometry.h), into a struct size_list. */
int opt_sizes(const struct opt *o, const char *arg, void *field, char *why,
              size_t why_len);
/* A list of output format names, into a struct format_list. */
int opt_formats(const struct opt *o, const char *arg, void *field, char *why,
                size_t why_len);
/* A name prefix (no '/'), into a const char *. */
int opt_prefix(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len);
/* A --name template (name.h), into a const char *. */
int opt_template(const struct opt *o, const char *arg, void *field, char *why,
                 size_t why_len);
/* A colour: a name, #rgb, #rrggbb or R,G,B, into a struct ib_background
 * (given set). */
int opt_colour(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len);
/* A gravity (o->values, "center", or X,Y fractions from 0 to 1), into a
 * struct gravity_value. */
int opt_gravity(const struct opt *o, const char *arg, void *field, char *why,
                size_t why_len);
/* A crop mode (o->values, and "center"), into an int. */
int opt_crop(const struct opt *o, const char *arg, void *field, char *why,
             size_t why_len);
/* K/N or auto (shard.h), into a struct ib_shard. */
int opt_shard(const struct opt *o, const char *arg, void *field, char *why,
              size_t why_len);

/* --keep-metadata's LIST of ib_metadata_names (NULL, the bare option:
 * all), into an unsigned of enum ib_meta bits. */
int opt_metadata(const struct opt *o, const char *arg, void *field, char *why,
                 size_t why_len);
extern const char *const ib_metadata_names[];

/* --sharpen's sigma, 0.1 to 10; NULL, the bare option: IB_SHARPEN_SIGMA
 * (libvips' sharpen's own default). Into a double. */
#define IB_SHARPEN_SIGMA 0.5
int opt_sharpen(const struct opt *o, const char *arg, void *field, char *why,
                size_t why_len);

/* The names opt_colour knows, for help and completion. */
extern const char *const ib_colour_names[];
/* The gravities opt_gravity knows by name, in the order of gravity_points
 * (the compass ones) and then the smartcrop strategies. */
extern const char *const ib_gravity_names[];

#endif

/* SPDX-License-Identifier: MIT */
/* --recipe FILE: default options and named variants, kept in a file for
 * cron and CI. The format (README, "Renditions"):
 *
 *   # a comment
 *   [defaults]
 *   recursive
 *   quality = 82
 *   [variant thumb]
 *   size = 320
 *   format = webp
 *
 * Each line is an option's long name, with "= value" when it takes one.
 * [defaults] may set any option but --recipe and --variant; a [variant
 * NAME] only those of one output. */
#ifndef IMGBATCH_CMD_RECIPE_H
#define IMGBATCH_CMD_RECIPE_H

#include "imgbatch/alloc.h"

struct recipe_line {
    int line;          /* in the file, for messages */
    const char *key;   /* the option's long name */
    const char *value; /* NULL for a flag */
};

struct recipe_section {
    const char *variant; /* NULL: [defaults] */
    struct recipe_line *lines;
    int nlines;
};

struct recipe {
    const char *path;
    struct recipe_section *sections;
    int nsections;
};

enum {
    RECIPE_UNREADABLE = -1, /* why: the errno text */
    RECIPE_BAD_LINE = -2,   /* why: "line 3: ..." */
};

/* Reads path into r, its strings in a. 0, or RECIPE_UNREADABLE or
 * RECIPE_BAD_LINE with why. */
int recipe_read(const char *path, struct ib_arena *a, struct recipe *r,
                char *why, size_t why_len);
void recipe_free(struct recipe *r);

#endif

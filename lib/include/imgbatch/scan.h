/* SPDX-License-Identifier: MIT */
/* The scanner: turns the command line's paths into the sorted list of
 * inputs. It knows directories and file names, not processes or pixels. */
#ifndef IMGBATCH_SCAN_H
#define IMGBATCH_SCAN_H

#include <stddef.h>
#include <sys/types.h>

#include "imgbatch/alloc.h"

enum ib_entry_state {
    IB_ENTRY_INPUT,   /* an image to process */
    IB_ENTRY_SKIPPED, /* named explicitly, but deliberately left alone */
    IB_ENTRY_ERROR,   /* could not be read as a file: err says why */
};

/* Why an entry is skipped or in error (beyond errno). */
enum ib_entry_why {
    IB_WHY_NONE,
    IB_WHY_OUTPUT_NAME,    /* skipped: named like one of our outputs */
    IB_WHY_NOT_REGULAR,    /* error: a FIFO, device or socket */
    IB_WHY_UNREADABLE_DIR, /* error: a directory that cannot be listed */
    IB_WHY_STAT,           /* error: stat() failed (err) */
    IB_WHY_DIR_CYCLE,      /* error: a directory that contains itself */
    IB_WHY_REFUSED,        /* error: every output refused (claims.h says why) */
    IB_WHY_UP_TO_DATE,     /* skipped (-u): its outputs are up to date */
    IB_WHY_DRY_RUN,        /* skipped (--dry-run): announced, not done */
};

struct ib_entry {
    const char *path; /* as it will be opened: the PATH argument + below */
    unsigned rel;     /* offset in path of the part below the PATH argument */
    unsigned char state; /* enum ib_entry_state */
    unsigned char why;   /* enum ib_entry_why */
    int err;             /* errno, where why needs one */
    long long size;      /* bytes, from the scan (0 when unknown) */
    long long mtime_ns;
};

struct ib_file_list {
    struct ib_entry *v;
    size_t n;
    size_t cap;
    struct ib_arena strings;
};

struct ib_scan_options {
    int recursive;
    /* Names matching one of these (fnmatch) are outputs of ours, never
     * inputs (outpath.h, ib_output_pattern). */
    const char *const *output_patterns;
    int npatterns;
    /* A directory never to descend into (the output tree when it lies inside
     * an input tree); dev 0 and ino 0 for none. */
    dev_t avoid_dev;
    ino_t avoid_ino;
    int allow_svg;       /* directories contribute .svg/.svgz files too */
    int allow_pdf;       /* and .pdf files */
    int allow_untrusted; /* and .jxl files (flagged untrusted) */
};

void ib_list_init(struct ib_file_list *list);
void ib_list_free(struct ib_file_list *list);

/* Adds what PATH contributes. Returns -1 (with errno's text in err) when
 * PATH itself cannot be read: a set-up error. Problems below PATH become
 * IB_ENTRY_ERROR entries, so the batch reports them and goes on. */
int ib_scan_path(struct ib_file_list *list, const char *path,
                 const struct ib_scan_options *opts, char *err, size_t err_len);

/* Adds one path as a file named by the user (from --files-from): errors
 * become entries, never set-up errors. */
void ib_scan_listed_file(struct ib_file_list *list, const char *path,
                         const struct ib_scan_options *opts);

/* Adds one path from a list (--files-from). Below -o it keeps its place
 * relative to the current directory (a leading "./" dropped); an absolute
 * path, or one with a ".." step, keeps only its name, so no output lands
 * outside the output directory. */
void ib_scan_list_entry(struct ib_file_list *list, const char *path,
                        const struct ib_scan_options *opts);

/* Sorts by path in bytes and drops exact duplicates. */
void ib_list_finish(struct ib_file_list *list);

/* 1 when NAME (a file name, no directory) has an image extension. */
int ib_scan_has_image_extension(const char *name,
                                const struct ib_scan_options *opts);

/* Writes why an entry is skipped or in error, as one line of text. */
void ib_entry_reason(const struct ib_entry *e, char *buf, size_t len);

/* The part of an entry's path below its PATH argument. */
static inline const char *ib_entry_rel(const struct ib_entry *e)
{
    return e->path + e->rel;
}

#endif

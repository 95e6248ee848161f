/* SPDX-License-Identifier: MIT */
/* The replay driver: main() for a fuzz target built without libFuzzer (the
 * normal and sanitizer builds, with gcc or clang). It runs the target once
 * on every file named, or found in a directory named, on the command line,
 * so the committed corpus is a regression test in ctest.
 *
 * Each input gets a buffer of exactly its size, as libFuzzer gives it, so
 * that ASan sees a read one byte past the end. Directories are read in name
 * order and one level deep: a corpus is flat, and a fixed order makes a
 * failure reproduce. The file about to run is printed first, so a crash or
 * an abort() names its reproducer. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Targets without set-up leave it undefined; the address is then NULL. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

/* Reads a whole file into a buffer of its exact size (1 byte when empty,
 * so the pointer is never NULL). */
static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "error: cannot open '%s': %s\n", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    uint8_t *data = NULL;
    if (fstat(fileno(f), &st) == 0 && st.st_size >= 0)
        data = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (data && fread(data, 1, (size_t)st.st_size, f) != (size_t)st.st_size) {
        fprintf(stderr, "error: cannot read '%s'\n", path);
        free(data);
        data = NULL;
    }
    fclose(f);
    *size = data ? (size_t)st.st_size : 0;
    return data;
}

static int run_file(const char *path)
{
    size_t size;
    uint8_t *data = read_file(path, &size);
    if (!data)
        return -1;
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    return 0;
}

static int is_visible(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

/* Runs every regular file in dir; returns how many, or -1 when one could
 * not be read (a corpus that is only partly run must not pass). */
static int run_dir(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, is_visible, alphasort);
    if (n < 0) {
        fprintf(stderr, "error: cannot read '%s': %s\n", dir, strerror(errno));
        return -1;
    }
    int ran = 0, failed = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (run_file(path) == 0)
                ran++;
            else
                failed = 1;
        }
        free(names[i]);
    }
    free(names);
    return failed ? -1 : ran;
}

static int run_arg(const char *arg)
{
    struct stat st;
    if (stat(arg, &st) != 0) {
        fprintf(stderr, "error: cannot open '%s': %s\n", arg, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return run_dir(arg);
    return run_file(arg) == 0 ? 1 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    int total = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        int ran = run_arg(argv[i]);
        failed |= ran < 0;
        total += ran > 0 ? ran : 0;
    }
    fprintf(stderr, "replay: %d input%s\n", total, total == 1 ? "" : "s");
    /* An empty or missing corpus would otherwise pass without testing. */
    return failed || total == 0 ? 1 : 0;
}

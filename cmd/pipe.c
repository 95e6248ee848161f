/* SPDX-License-Identifier: MIT */
/* One image through a pipe (pipe.h).
 *
 * Why a temp file rather than the bytes handed to a worker: the worker
 * reads inputs from files (libvips' loaders seek, and the direct JPEG
 * path reads the file whole), and its limits, crash handling and
 * messages are those of every other file. The input has no extension,
 * so its content decides the loader and, without -f, the output's
 * format; nothing is left behind but in a kill -9. */
#define _DEFAULT_SOURCE
#include "pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgbatch/fdio.h"

int pipe_wanted(const struct cli *c)
{
    for (int i = 0; i < c->npaths; i++)
        if (strcmp(c->paths[i], "-") == 0)
            return 1;
    return 0;
}

static int usage(const char *why)
{
    return opt_usage_error(&cli_options, NULL, "%s", why);
}

/* What a single image to stdout cannot be combined with. */
static int check_options(const struct cli *c)
{
    const struct ib_settings *s = &c->settings;
    if (c->npaths != 1 || c->files_from)
        return usage("'-' (stdin) is one image: give it as the only PATH");
    if (s->nrenditions != 1)
        return usage("'-' makes one image on stdout: give one size, one "
                     "format and no --variant");
    if (s->outdir)
        return usage("'-' writes to stdout: -o has no place beside it");
    if (s->update || s->watch || s->dry_run || s->golden_dir || s->manifest)
        return usage("'-' takes no -u, --watch, -n, --golden or --manifest");
    if (c->report_path && strcmp(c->report_path, "-") == 0)
        return usage("'-' writes the image to stdout: --report - cannot "
                     "share it");
    if (isatty(STDOUT_FILENO)) {
        fprintf(stderr, "imgbatch: not writing an image to a terminal: "
                        "redirect stdout (imgbatch - > out.jpg)\n");
        return -1;
    }
    return 0;
}

static int read_stdin(struct pipe *p)
{
    int fd = open(ib_buf_cstr(&p->input), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        return -1;
    unsigned char chunk[65536];
    ssize_t n;
    int rc = 0;
    while ((n = read(STDIN_FILENO, chunk, sizeof(chunk))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || ib_write_all(fd, chunk, (size_t)n) != 0) {
            rc = -1;
            break;
        }
    }
    int err = errno;
    if (close(fd) != 0 && rc == 0)
        return -1;
    errno = err;
    return rc;
}

static int make_dir(struct pipe *p)
{
    const char *tmp = getenv("TMPDIR");
    ib_buf_put_str(&p->dir, tmp && *tmp ? tmp : "/tmp");
    ib_buf_put_str(&p->dir, "/imgbatch-stdin.XXXXXX");
    if (!mkdtemp((char *)ib_buf_cstr(&p->dir))) {
        ib_buf_reset(&p->dir);
        return -1;
    }
    ib_buf_put_str(&p->input, ib_buf_cstr(&p->dir));
    ib_buf_put_str(&p->input, "/stdin");
    return 0;
}

int pipe_setup(struct cli *c, struct pipe *p)
{
    ib_buf_init(&p->dir);
    ib_buf_init(&p->input);
    ib_buf_init(&p->output);
    if (check_options(c) != 0)
        return -1;
    if (make_dir(p) != 0 || read_stdin(p) != 0) {
        fprintf(stderr, "imgbatch: cannot read stdin: %s\n", strerror(errno));
        return -1;
    }
    c->paths[0] = (char *)ib_buf_cstr(&p->input);
    c->settings.outdir = ib_buf_cstr(&p->dir);
    /* A filter says nothing when it works. */
    c->quiet |= !c->verbose;
    return 0;
}

void pipe_note_output(struct pipe *p, const char *path)
{
    ib_buf_reset(&p->output);
    ib_buf_put_str(&p->output, path);
}

int pipe_deliver(struct pipe *p)
{
    int fd = open(ib_buf_cstr(&p->output), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "imgbatch: cannot read the output: %s\n",
                strerror(errno));
        return -1;
    }
    unsigned char chunk[65536];
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = read(fd, chunk, sizeof(chunk))) != 0)
        if (n < 0 ? errno != EINTR
                  : ib_write_all(STDOUT_FILENO, chunk, (size_t)n) != 0)
            rc = -1;
    if (rc != 0)
        fprintf(stderr, "imgbatch: cannot write to stdout: %s\n",
                strerror(errno));
    close(fd);
    return rc;
}

void pipe_cleanup(struct pipe *p)
{
    if (p->output.len)
        unlink(ib_buf_cstr(&p->output));
    if (p->input.len)
        unlink(ib_buf_cstr(&p->input));
    if (p->dir.len)
        rmdir(ib_buf_cstr(&p->dir));
    ib_buf_free(&p->dir);
    ib_buf_free(&p->input);
    ib_buf_free(&p->output);
}

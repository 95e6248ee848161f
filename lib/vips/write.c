/* SPDX-License-Identifier: MIT */
/* Writing one output (write.h). */
#define _POSIX_C_SOURCE 200809L
#include "write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "encode.h"
#include "fdtarget.h"
#include "imgbatch/buf.h"
#include "imgbatch/fdio.h"
#include "imgbatch/format.h"
#include "imgbatch/tempfile.h"
#include "testfault.h"

static int fail_write(struct ib_outcome *o, const char *output, int err)
{
    ib_outcome_fail(o, "cannot write '%s': %s", output, strerror(err));
    o->write_errno = err;
    return -1;
}

static int write_bytes(int fd, const struct ib_payload *pl, const char *output,
                       struct ib_outcome *o)
{
    if (ib_write_all(fd, pl->bytes, pl->len) != 0)
        return fail_write(o, output, errno);
    o->out_bytes = (long long)pl->len;
    return 0;
}

/* Encodes into the open temp file; 0 when every byte reached it. */
static int encode_to_fd(const struct ib_settings *s, struct ib_vips *v,
                        const struct ib_payload *pl, int fd, const char *output,
                        struct ib_outcome *o)
{
    if (!pl->img)
        return write_bytes(fd, pl, output, o);
    VipsImage *img = pl->img;
    int format = pl->format;
    int write_errno = 0;
    VipsTarget *target = ib_fd_target_new(fd, &write_errno);
    if (!target) {
        ib_vips_fail(v, o);
        return -1;
    }
    int rc = ib_encode(s, img, format, target);
    g_object_unref(target);
    if (rc != 0 && write_errno) {
        vips_error_clear();
        return fail_write(o, output, write_errno);
    }
    if (rc != 0) {
        ib_vips_fail(v, o);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0)
        o->out_bytes = (long long)st.st_size;
    return 0;
}

/* libheif reports success when the AV1 or HEVC encoder could not start
 * (short of memory under --max-memory: a 201-byte file whose image item
 * is missing), so a HEIF-family output is read back, header only, before
 * it may replace anything. 0 when it reads. */
static int check_heif_output(const struct ib_settings *s, struct ib_vips *v,
                             const struct ib_payload *pl, const char *tmp,
                             struct ib_outcome *o)
{
    if (pl->format != IB_FMT_AVIF && pl->format != IB_FMT_HEIC)
        return 0;
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    VipsSource *src = fd < 0 ? NULL : vips_source_new_from_descriptor(fd);
    VipsImage *back = src ? vips_image_new_from_source(src, "", NULL) : NULL;
    if (fd >= 0)
        close(fd);
    if (src)
        g_object_unref(src);
    if (back) {
        g_object_unref(back);
        return 0;
    }
    ib_vips_fail(v, o);
    char why[256];
    snprintf(why, sizeof(why), "%.*s", (int)sizeof(why) - 1, o->error);
    /* Under the limit, the likely cause: said so, and worker.c adds which
     * limit. */
    ib_outcome_fail(o, "the encoder wrote an unreadable file%s (%s)",
                    s->max_memory > 0 ? ", out of memory" : "", why);
    return -1;
}

/* "WHAT 'DIR': reason", errno err: about output's directory. */
static int fail_in_dir(struct ib_outcome *o, const char *what,
                       const char *output, int err)
{
    struct ib_buf dir;
    ib_buf_init(&dir);
    ib_dir_of(output, &dir);
    ib_outcome_fail(o, "%s '%s': %s", what, ib_buf_cstr(&dir), strerror(err));
    o->write_errno = err;
    ib_buf_free(&dir);
    return -1;
}

int ib_write_output(const struct ib_settings *s, struct ib_vips *v,
                    const struct ib_payload *pl, const char *output,
                    struct ib_outcome *o)
{
    struct ib_temp tmp;
    /* With -o, an output's directory is made when the first file that
     * goes there finds it missing: no mkdir per file. */
    int fd = ib_temp_open(&tmp, output);
    if (fd < 0 && errno == ENOENT && s->outdir) {
        if (ib_make_parent_dirs(output) != 0)
            return fail_in_dir(o, "cannot create directory", output, errno);
        fd = ib_temp_open(&tmp, output);
    }
    if (fd < 0)
        return fail_in_dir(o, "cannot write in", output, errno);
    int rc = encode_to_fd(s, v, pl, tmp.fd, output, o);
    if (rc == 0)
        rc = check_heif_output(s, v, pl, ib_buf_cstr(&tmp.path), o);
    if (ib_test_fault_is("midwrite", output))
        for (;;)
            pause();
    if (rc != 0)
        ib_temp_discard(&tmp);
    else if (ib_temp_commit(&tmp, output) != 0)
        rc = fail_write(o, output, errno);
    return rc;
}

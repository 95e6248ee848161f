/* SPDX-License-Identifier: MIT */
/* Writing one output (write.h). */
#define _POSIX_C_SOURCE 200809L
#include "write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
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

static int fail_write(struct ib_write_result *w, const char *output, int err)
{
    snprintf(w->error, w->error_len, "cannot write '%s': %s", output,
             strerror(err));
    w->write_errno = err;
    return -1;
}

static int write_bytes(int fd, const struct ib_payload *pl, const char *output,
                       struct ib_write_result *w)
{
    if (ib_write_all(fd, pl->bytes, pl->len) != 0)
        return fail_write(w, output, errno);
    w->bytes = (long long)pl->len;
    return 0;
}

/* Encodes into the open temp file; 0 when every byte reached it. */
static int encode_to_fd(const struct ib_settings *s,
                        const struct ib_rendition *r, struct ib_vips *v,
                        const struct ib_payload *pl, int fd, const char *output,
                        struct ib_write_result *w)
{
    if (!pl->img)
        return write_bytes(fd, pl, output, w);
    int write_errno = 0;
    VipsTarget *target = ib_fd_target_new(fd, &write_errno);
    if (!target) {
        ib_vips_reason(v, w->error, w->error_len);
        return -1;
    }
    int rc = ib_encode(s, r, pl->img, pl->format, target);
    g_object_unref(target);
    if (rc != 0 && write_errno) {
        vips_error_clear();
        return fail_write(w, output, write_errno);
    }
    if (rc != 0) {
        ib_vips_save_reason(v, w->error, w->error_len);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0)
        w->bytes = (long long)st.st_size;
    ib_vips_step_done(v);
    return 0;
}

/* libheif reports success when the AV1 or HEVC encoder could not start
 * (short of memory under --max-memory: a 201-byte file whose image item
 * is missing), so a HEIF-family output is read back, header only, before
 * it may replace anything. 0 when it reads. */
static int check_heif(const struct ib_settings *s, struct ib_vips *v,
                      int format, VipsSource *src, char *error,
                      size_t error_len)
{
    if (format != IB_FMT_AVIF && format != IB_FMT_HEIC)
        return 0;
    VipsImage *back = src ? vips_image_new_from_source(src, "", NULL) : NULL;
    if (back) {
        g_object_unref(back);
        return 0;
    }
    char why[256];
    ib_vips_reason(v, why, sizeof(why));
    /* Under the limit, the likely cause: said so, with the limit. */
    if (s->max_memory > 0)
        snprintf(error, error_len,
                 "the encoder wrote an unreadable file, out of memory (over "
                 "--max-memory %lld MiB; %s)",
                 s->max_memory >> 20, why);
    else
        snprintf(error, error_len, "the encoder wrote an unreadable file (%s)",
                 why);
    return -1;
}

static int check_heif_file(const struct ib_settings *s, struct ib_vips *v,
                           int format, const char *tmp,
                           struct ib_write_result *w)
{
    if (format != IB_FMT_AVIF && format != IB_FMT_HEIC)
        return 0;
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    VipsSource *src = fd < 0 ? NULL : vips_source_new_from_descriptor(fd);
    int rc = check_heif(s, v, format, src, w->error, w->error_len);
    if (src)
        g_object_unref(src);
    if (fd >= 0)
        close(fd);
    return rc;
}

/* "WHAT 'DIR': reason", errno err: about output's directory. */
static int fail_in_dir(struct ib_write_result *w, const char *what,
                       const char *output, int err)
{
    struct ib_buf dir;
    ib_buf_init(&dir);
    ib_dir_of(output, &dir);
    snprintf(w->error, w->error_len, "%s '%s': %s", what, ib_buf_cstr(&dir),
             strerror(err));
    w->write_errno = err;
    ib_buf_free(&dir);
    return -1;
}

/* Outputs below -o, or in folders of a --name template, may find their
 * folder missing: it is made then, not by a mkdir per file. */
static int makes_folders(const struct ib_settings *s,
                         const struct ib_rendition *r)
{
    return s->outdir || (r->name && strchr(r->name, '/'));
}

/* --mtime: set on the temp file, so the output appears with it. */
static int set_mtime(int fd, long long mtime_ns, const char *output,
                     struct ib_write_result *w)
{
    if (mtime_ns <= 0)
        return 0;
    struct timespec t[2] = {
        {0, UTIME_OMIT},
        {(time_t)(mtime_ns / 1000000000LL), (long)(mtime_ns % 1000000000LL)}};
    return futimens(fd, t) == 0 ? 0 : fail_write(w, output, errno);
}

int ib_write_output(const struct ib_settings *s, const struct ib_rendition *r,
                    struct ib_vips *v, const struct ib_payload *pl,
                    const char *output, long long mtime_ns,
                    struct ib_write_result *w)
{
    struct ib_temp tmp;
    w->bytes = 0;
    w->replaced = 0;
    w->write_errno = 0;
    int fd = ib_temp_open(&tmp, output);
    if (fd < 0 && errno == ENOENT && makes_folders(s, r)) {
        if (ib_make_parent_dirs(output) != 0)
            return fail_in_dir(w, "cannot create directory", output, errno);
        fd = ib_temp_open(&tmp, output);
    }
    if (fd < 0)
        return fail_in_dir(w, "cannot write in", output, errno);
    int rc = encode_to_fd(s, r, v, pl, tmp.fd, output, w);
    if (rc == 0 && pl->img)
        rc = check_heif_file(s, v, pl->format, ib_buf_cstr(&tmp.path), w);
    if (rc == 0)
        rc = set_mtime(tmp.fd, mtime_ns, output, w);
    if (ib_test_fault_is("midwrite", output))
        for (;;)
            pause();
    if (rc != 0)
        ib_temp_discard(&tmp);
    else if (ib_temp_commit(&tmp, output, &w->replaced) != 0)
        rc = fail_write(w, output, errno);
    return rc;
}

int ib_encode_to_memory(const struct ib_settings *s,
                        const struct ib_rendition *r, struct ib_vips *v,
                        VipsImage *img, int format, struct ib_payload *pl,
                        char *error, size_t error_len)
{
    VipsTarget *target = vips_target_new_to_memory();
    if (!target || ib_encode(s, r, img, format, target) != 0) {
        if (target)
            g_object_unref(target);
        ib_vips_save_reason(v, error, error_len);
        return -1;
    }
    VipsBlob *blob = NULL;
    g_object_get(target, "blob", &blob, NULL);
    size_t len = 0;
    const void *data = blob ? vips_blob_get(blob, &len) : NULL;
    pl->img = NULL;
    pl->format = format;
    pl->len = len;
    pl->bytes = malloc(len ? len : 1);
    if (pl->bytes && data)
        memcpy(pl->bytes, data, len);
    if (blob)
        vips_area_unref(VIPS_AREA(blob));
    g_object_unref(target);
    if (!pl->bytes) {
        snprintf(error, error_len, "out of memory");
        return -1;
    }
    VipsSource *src = vips_source_new_from_memory(pl->bytes, pl->len);
    int rc = check_heif(s, v, format, src, error, error_len);
    if (src)
        g_object_unref(src);
    if (rc) {
        free(pl->bytes);
        pl->bytes = NULL;
    }
    return rc;
}

/* SPDX-License-Identifier: MIT */
/* A libvips target that writes to a file descriptor itself, so that when a
 * write fails the errno is kept: libvips' own descriptor target says only
 * "write error", and "No space left on device" is what a user needs to
 * read (and what tells the parent that every write will fail). Read and
 * seek are there for the savers that go back over their output (TIFF). */
#define _POSIX_C_SOURCE 200809L
#include "fdtarget.h"

#include <errno.h>
#include <unistd.h>

#include "imgbatch/fdio.h"

struct fd_target {
    int fd;
    int *write_errno;
};

static gint64 on_write(VipsTargetCustom *t, gpointer data, gint64 length,
                       gpointer user)
{
    (void)t;
    struct fd_target *ft = user;
    if (ib_write_all(ft->fd, data, (size_t)length) != 0) {
        *ft->write_errno = errno;
        return -1;
    }
    return length;
}

static gint64 on_read(VipsTargetCustom *t, gpointer buffer, gint64 length,
                      gpointer user)
{
    (void)t;
    struct fd_target *ft = user;
    ssize_t n;
    do
        n = read(ft->fd, buffer, (size_t)length);
    while (n < 0 && errno == EINTR);
    return n;
}

static gint64 on_seek(VipsTargetCustom *t, gint64 offset, int whence,
                      gpointer user)
{
    (void)t;
    struct fd_target *ft = user;
    return (gint64)lseek(ft->fd, (off_t)offset, whence);
}

static int on_end(VipsTargetCustom *t, gpointer user)
{
    (void)t;
    (void)user;
    return 0; /* the caller closes the descriptor and checks close() */
}

VipsTarget *ib_fd_target_new(int fd, int *write_errno)
{
    VipsTargetCustom *t = vips_target_custom_new();
    if (!t)
        return NULL;
    struct fd_target *ft = g_new(struct fd_target, 1);
    ft->fd = fd;
    ft->write_errno = write_errno;
    *write_errno = 0;
    g_object_set_data_full(G_OBJECT(t), "imgbatch-fd", ft, g_free);
    g_signal_connect(t, "write", G_CALLBACK(on_write), ft);
    g_signal_connect(t, "read", G_CALLBACK(on_read), ft);
    g_signal_connect(t, "seek", G_CALLBACK(on_seek), ft);
    g_signal_connect(t, "end", G_CALLBACK(on_end), ft);
    return VIPS_TARGET(t);
}

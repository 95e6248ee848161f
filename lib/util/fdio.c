/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L /* pread */
#include "imgbatch/fdio.h"

#include <errno.h>
#include <unistd.h>

int ib_write_all(int fd, const void *data, size_t len)
{
    const unsigned char *p = data;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int ib_read_all(int fd, void *data, size_t len)
{
    unsigned char *p = data;
    while (len) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

ssize_t ib_pread_all(int fd, void *data, size_t len, off_t offset)
{
    unsigned char *p = data;
    size_t got = 0;
    while (got < len) {
        ssize_t n = pread(fd, p + got, len - got, offset + (off_t)got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

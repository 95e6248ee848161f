/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* O_TMPFILE */
#include "imgbatch/tempfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgbatch/fdio.h"

void ib_temp_path(const char *output, pid_t pid, struct ib_buf *out)
{
    const char *slash = strrchr(output, '/');
    char name[48];
    snprintf(name, sizeof(name), ".imgbatch-%ld.tmp", (long)pid);
    ib_buf_reset(out);
    if (slash)
        ib_buf_put(out, output, (size_t)(slash + 1 - output));
    ib_buf_put_str(out, name);
    ib_buf_cstr(out);
}

/* A named temp file, created for writing (0666 less the umask, like any
 * new file). A stale one of the same name (a dead process's) is replaced.
 * The fd, or -1 with errno set. */
static int create_named(const char *temp_path)
{
    int flags = O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
    int fd = open(temp_path, flags, 0666);
    if (fd < 0 && errno == EEXIST) {
        /* Our pid is ours alone right now, so a file of this name was left
         * by a dead process: replace it. */
        if (unlink(temp_path) != 0 && errno != ENOENT)
            return -1;
        fd = open(temp_path, flags, 0666);
    }
    return fd;
}

static int make_dir(const char *path)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST)
        return 0;
    return -1;
}

int ib_make_parent_dirs(const char *path)
{
    struct ib_buf dir;
    ib_buf_init(&dir);
    ib_buf_put_str(&dir, path);
    char *p = (char *)ib_buf_cstr(&dir);
    char *last = strrchr(p, '/');
    int rc = 0;
    if (last && last != p) {
        *last = '\0';
        for (char *s = p + 1; *s && rc == 0; s++) {
            if (*s != '/')
                continue;
            *s = '\0';
            rc = make_dir(p);
            *s = '/';
        }
        if (rc == 0)
            rc = make_dir(p);
    }
    int saved = errno;
    ib_buf_free(&dir);
    errno = saved;
    return rc;
}

/* ---- an output being written ------------------------------------------ */

void ib_dir_of(const char *path, struct ib_buf *out)
{
    const char *slash = strrchr(path, '/');
    ib_buf_reset(out);
    if (slash == path)
        ib_buf_putc(out, '/');
    else if (slash)
        ib_buf_put(out, path, (size_t)(slash - path));
    else
        ib_buf_putc(out, '.');
    ib_buf_cstr(out);
}

/* An unnamed file is linked through /proc/self/fd (linkat's AT_EMPTY_PATH
 * needs a capability); without /proc, temp files have names. */
static int can_link_unnamed(void)
{
    static int can = -1;
    if (can < 0)
        can = access("/proc/self/fd", X_OK) == 0;
    return can;
}

static void proc_path(int fd, struct ib_buf *out)
{
    char name[32];
    snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
    ib_buf_reset(out);
    ib_buf_put_str(out, name);
    ib_buf_cstr(out);
}

/* Why unnamed first: besides leaving nothing behind, a file created in a
 * directory holds the directory's lock while ext4 allocates its inode, and
 * a rename takes it again. With two workers writing small files into one
 * directory they spent 8% of their CPU time spinning on that lock (perf, the
 * bench's small files); an unnamed file is allocated outside it, and the
 * link takes it once. */
int ib_temp_open(struct ib_temp *t, const char *output)
{
    ib_buf_init(&t->path);
    t->unnamed = 0;
    t->fd = -1;
    if (can_link_unnamed()) {
        ib_dir_of(output, &t->path);
        t->fd =
            open(ib_buf_cstr(&t->path), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
    }
    if (t->fd >= 0) {
        t->unnamed = 1;
        proc_path(t->fd, &t->path);
        return t->fd;
    }
    /* Not supported here (EOPNOTSUPP, EISDIR), or failing: a named file,
     * whose errors are the ones to report. */
    ib_temp_path(output, getpid(), &t->path);
    t->fd = create_named(ib_buf_cstr(&t->path));
    if (t->fd < 0) {
        int saved = errno;
        ib_buf_free(&t->path);
        errno = saved;
    }
    return t->fd;
}

static int link_unnamed(struct ib_temp *t, const char *output, int *replaced)
{
    const char *self = ib_buf_cstr(&t->path);
    if (linkat(AT_FDCWD, self, AT_FDCWD, output, AT_SYMLINK_FOLLOW) == 0)
        return 0;
    if (errno != EEXIST)
        return -1;
    *replaced = 1;
    /* The output exists (a rerun): linked under the temp name, then renamed
     * over it, so that it is replaced whole as ever. */
    struct ib_buf named;
    ib_buf_init(&named);
    ib_temp_path(output, getpid(), &named);
    const char *temp = ib_buf_cstr(&named);
    unlink(temp); /* a dead process's, of our pid */
    int rc = linkat(AT_FDCWD, self, AT_FDCWD, temp, AT_SYMLINK_FOLLOW);
    if (rc == 0 && (rc = rename(temp, output)) != 0) {
        int saved = errno;
        unlink(temp);
        errno = saved;
    }
    ib_buf_free(&named);
    return rc;
}

/* rename, saying whether it replaced a file: RENAME_NOREPLACE first, as
 * the link of an unnamed file tells it, or a look first where the file
 * system has no such rename. */
static int rename_telling(const char *from, const char *to, int *replaced)
{
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno == EEXIST) {
        *replaced = 1;
    } else if (errno == EINVAL || errno == ENOSYS) {
        struct stat st;
        *replaced = lstat(to, &st) == 0;
    } else {
        return -1;
    }
    return rename(from, to);
}

int ib_temp_commit(struct ib_temp *t, const char *output, int *replaced)
{
    int rc, saved = 0, ignored;
    if (!replaced)
        replaced = &ignored;
    *replaced = 0;
    if (t->unnamed) {
        /* Linked while open: closing the last descriptor of an unnamed
         * file deletes it. */
        rc = link_unnamed(t, output, replaced);
        saved = errno;
        if (close(t->fd) != 0 && rc == 0)
            rc = -1, saved = errno;
    } else {
        rc = close(t->fd);
        if (rc == 0)
            rc = rename_telling(ib_buf_cstr(&t->path), output, replaced);
        saved = errno;
        if (rc != 0)
            unlink(ib_buf_cstr(&t->path));
    }
    t->fd = -1;
    ib_buf_free(&t->path);
    errno = saved;
    return rc;
}

void ib_temp_discard(struct ib_temp *t)
{
    if (t->fd >= 0)
        close(t->fd);
    if (!t->unnamed)
        unlink(ib_buf_cstr(&t->path));
    t->fd = -1;
    ib_buf_free(&t->path);
}

int ib_write_file_atomic(const char *path, const void *data, size_t len)
{
    struct ib_temp t;
    if (ib_temp_open(&t, path) < 0)
        return -1;
    if (ib_write_all(t.fd, data, len) != 0) {
        int saved = errno;
        ib_temp_discard(&t);
        errno = saved;
        return -1;
    }
    return ib_temp_commit(&t, path, NULL);
}

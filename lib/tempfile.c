#define _DEFAULT_SOURCE
#include "imgbatch/tempfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

int ib_temp_create(const char *temp_path)
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

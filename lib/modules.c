/* A worker's libvips modules (modules.h).
 *
 * libvips 8.14 loads every module in its module directory at vips_init.
 * The ImageMagick, poppler (PDF) and OpenSlide modules bring their
 * libraries with them, 5 MB of resident memory in every worker (28 MB with
 * them, 23 MB without, on the small-files benchmark), for loaders that
 * imgbatch blocks unless asked (they are flagged untrusted; PDF is off by
 * default). The only say libvips 8.14 gives over which modules load is
 * where it looks: $VIPSHOME/<libdir's last part>/vips-modules-8.14. So the
 * worker makes a private directory of links to the modules it may use,
 * points VIPSHOME at it for vips_init, and removes it straight after (a
 * loaded module no longer needs its file name). */
#define _DEFAULT_SOURCE
#include "imgbatch/modules.h"

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/version.h>

/* The directory's name, in libdir (IB_VIPS_LIBDIR) and in
 * $VIPSHOME/<libdir's last part> (libvips' vips_guess_libdir), has the
 * version in it. */
#define MODULES "vips-modules-%d.%d"

struct ib_module_dir {
    char home[PATH_MAX]; /* what VIPSHOME points at */
    char lib[PATH_MAX];  /* home/<the last part of libvips' libdir> */
    char modules[PATH_MAX];
};

/* Whether the policy leaves any loader of the module named file on. */
static int module_wanted(const char *file, const struct ib_loaders *l)
{
    if (strstr(file, "magick") || strstr(file, "openslide"))
        return l->allow_untrusted;
    if (strstr(file, "poppler"))
        return l->allow_untrusted || l->allow_pdf;
    return 1;
}

static int is_module(const char *file)
{
    size_t n = strlen(file);
    return n > 3 && strcmp(file + n - 3, ".so") == 0;
}

/* Removes the links and the directories; what is not there is fine. */
static void remove_dir(struct ib_module_dir *d)
{
    DIR *dir = opendir(d->modules);
    if (dir) {
        char path[PATH_MAX * 2];
        for (struct dirent *e; (e = readdir(dir));) {
            snprintf(path, sizeof(path), "%s/%s", d->modules, e->d_name);
            if (e->d_name[0] != '.')
                unlink(path);
        }
        closedir(dir);
    }
    rmdir(d->modules);
    rmdir(d->lib);
    rmdir(d->home);
}

/* Links the wanted modules; 1 when some module was left out, 0 when all
 * are wanted, -1 on failure. */
static int link_wanted(struct ib_module_dir *d, const char *from,
                       const struct ib_loaders *l)
{
    DIR *dir = opendir(from);
    if (!dir)
        return -1;
    int left_out = 0, rc = 0;
    char target[PATH_MAX * 2], link[PATH_MAX * 2];
    for (struct dirent *e; rc == 0 && (e = readdir(dir));) {
        if (!is_module(e->d_name))
            continue;
        if (!module_wanted(e->d_name, l)) {
            left_out = 1;
            continue;
        }
        snprintf(target, sizeof(target), "%s/%s", from, e->d_name);
        snprintf(link, sizeof(link), "%s/%s", d->modules, e->d_name);
        rc = symlink(target, link);
    }
    closedir(dir);
    return rc != 0 ? -1 : left_out;
}

static int fits(int printed, size_t size)
{
    return printed > 0 && (size_t)printed < size;
}

static int make_dir(struct ib_module_dir *d)
{
    const char *tmp = getenv("TMPDIR");
    if (!fits(snprintf(d->home, sizeof(d->home), "%s/imgbatch-modules.XXXXXX",
                       tmp && *tmp ? tmp : "/tmp"),
              sizeof(d->home)) ||
        !mkdtemp(d->home))
        return -1;
    if (!fits(snprintf(d->lib, sizeof(d->lib), "%s%s", d->home,
                       strrchr(IB_VIPS_LIBDIR, '/')),
              sizeof(d->lib)) ||
        !fits(snprintf(d->modules, sizeof(d->modules), "%s/" MODULES, d->lib,
                       VIPS_MAJOR_VERSION, VIPS_MINOR_VERSION),
              sizeof(d->modules)) ||
        mkdir(d->lib, 0700) != 0)
        return -1;
    return mkdir(d->modules, 0700);
}

struct ib_module_dir *ib_modules_limit(const struct ib_loaders *l)
{
    if (getenv("VIPSHOME"))
        return NULL;
    struct ib_module_dir *d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    char from[PATH_MAX];
    snprintf(from, sizeof(from), IB_VIPS_LIBDIR "/" MODULES, VIPS_MAJOR_VERSION,
             VIPS_MINOR_VERSION);
    int linked = -1;
    if (make_dir(d) == 0)
        linked = link_wanted(d, from, l);
    if (linked <= 0 || setenv("VIPSHOME", d->home, 1) != 0) {
        if (d->home[0])
            remove_dir(d);
        free(d);
        return NULL;
    }
    return d;
}

void ib_modules_done(struct ib_module_dir *d)
{
    if (!d)
        return;
    unsetenv("VIPSHOME");
    remove_dir(d);
    free(d);
}

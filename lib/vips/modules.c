/* SPDX-License-Identifier: MIT */
/* A worker's libvips modules (modules.h).
 *
 * libvips 8.14 loads every module in its module directory at vips_init.
 * That costs a worker memory and start-up time for formats most batches
 * never meet: the ImageMagick, poppler (PDF) and OpenSlide modules have
 * only loaders imgbatch blocks unless asked (flagged untrusted; PDF off by
 * default), and loading the HEIF and JPEG XL modules takes 16 ms of CPU and
 * 5 MB of memory in every worker (one 640-pixel JPEG through -j1: 88 ms of
 * CPU with them, 71 ms without). libvips' only switch is VIPSHOME: it
 * looks for modules under $VIPSHOME. So vips_init runs with VIPSHOME
 * pointing where no directory can be, and the worker loads the modules
 * itself, as libvips does (g_module_open, made resident):
 *
 * - at start, those the policy allows, but HEIF and JPEG XL: ImageMagick
 *   and OpenSlide must be there from the start when allowed, as a slide
 *   read by the TIFF loader, or a file by a lower-priority loader, would
 *   come out differently;
 * - HEIF and JPEG XL, which claim only their own formats, the first time
 *   a file is one no loaded loader knows, or a task writes AVIF, HEIC or
 *   JPEG XL. */
#define _DEFAULT_SOURCE
#include "modules.h"

#include <dirent.h>
#include <gmodule.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/version.h>

/* A path that cannot be a directory: libvips finds no modules there. */
#define NOWHERE "/dev/null/imgbatch-loads-modules-itself"

struct ib_modules {
    struct ib_loaders policy;
    int rest_loaded;
};

/* Whether the policy leaves any loader of the module named file on. */
static int allowed(const char *file, const struct ib_loaders *l)
{
    if (strstr(file, "magick") || strstr(file, "openslide"))
        return l->allow_untrusted;
    if (strstr(file, "poppler"))
        return l->allow_untrusted || l->allow_pdf;
    return 1;
}

/* Modules whose loaders claim only formats no other loader reads. */
static int waits(const char *file)
{
    return strstr(file, "heif") || strstr(file, "jxl");
}

/* Opening a module runs its g_module_check_init, which registers its
 * operations; a module already open is only counted again. */
static void load(const char *dir, const char *file)
{
    char path[PATH_MAX];
    int n = snprintf(path, sizeof(path), "%s/%s", dir, file);
    if (n <= 0 || (size_t)n >= sizeof(path))
        return;
    GModule *module = g_module_open(path, G_MODULE_BIND_LAZY);
    if (module)
        g_module_make_resident(module);
}

/* Loads the allowed modules; the waiting ones too when with_waiting. */
static void load_allowed(const struct ib_modules *m, int with_waiting)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s/vips-modules-%d.%d", IB_VIPS_LIBDIR,
             VIPS_MAJOR_VERSION, VIPS_MINOR_VERSION);
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));)
        if (g_str_has_suffix(e->d_name, "." G_MODULE_SUFFIX) &&
            allowed(e->d_name, &m->policy) &&
            (with_waiting || !waits(e->d_name)))
            load(dir, e->d_name);
    closedir(d);
}

struct ib_modules *ib_modules_hold(const struct ib_loaders *l)
{
    if (getenv("VIPSHOME"))
        return NULL;
    struct ib_modules *m = calloc(1, sizeof(*m));
    if (!m)
        return NULL;
    m->policy = *l;
    if (setenv("VIPSHOME", NOWHERE, 1) != 0) {
        free(m);
        return NULL;
    }
    return m;
}

void ib_modules_load_start(struct ib_modules *m)
{
    if (!m)
        return;
    unsetenv("VIPSHOME");
    load_allowed(m, 0);
}

int ib_modules_load_rest(struct ib_modules *m)
{
    if (!m || m->rest_loaded)
        return 0;
    m->rest_loaded = 1;
    load_allowed(m, 1);
    return 1;
}

void ib_modules_free(struct ib_modules *m)
{
    free(m);
}

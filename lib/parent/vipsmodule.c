/* SPDX-License-Identifier: MIT */
/* Finding and loading the vips module (vipsmodule.h). Runs in the parent
 * (finding only) and in the spawner (loading): nothing here calls
 * libvips. */
#define _GNU_SOURCE
#include "imgbatch/vipsmodule.h"

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <unistd.h>

static char module_path[PATH_MAX];

/* The running binary's directory. /proc/self/exe names the file itself,
 * through any symlink; without /proc (a chroot, a mount namespace) the
 * name execve() was given is resolved instead. */
static int binary_dir(char *dir, size_t len)
{
    char path[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n > 0) {
        path[n] = '\0';
    } else {
        const char *execfn = (const char *)getauxval(AT_EXECFN);
        if (!execfn || !realpath(execfn, path))
            return -1;
    }
    char *slash = strrchr(path, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    if ((size_t)snprintf(dir, len, "%s", path) >= len)
        return -1;
    return 0;
}

int ib_vips_module_find(char *err, size_t err_len)
{
    char dir[PATH_MAX];
    if (binary_dir(dir, sizeof(dir)) != 0) {
        snprintf(err, err_len, "cannot tell where the imgbatch binary is: %s",
                 strerror(errno ? errno : ENOENT));
        return -1;
    }
    /* Beside the binary (a build tree), then where `cmake --install` puts
     * it relative to the binary. */
    const char *places[] = {"", "/" IB_MODULE_RELDIR};
    for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
        char path[PATH_MAX];
        int n = snprintf(path, sizeof(path), "%s%s/%s", dir, places[i],
                         IB_VIPS_MODULE_NAME);
        if (n < 0 || (size_t)n >= sizeof(path))
            continue;
        if (access(path, R_OK) == 0) {
            memcpy(module_path, path, (size_t)n + 1);
            return 0;
        }
    }
    /* Both places, so that neither a build tree nor an install is left
     * to guess. */
    snprintf(err, err_len,
             "cannot find the vips module '%s' in '%s' or '%s/%s': %s",
             IB_VIPS_MODULE_NAME, dir, dir, IB_MODULE_RELDIR, strerror(ENOENT));
    return -1;
}

const struct ib_vips_api *ib_vips_module_load(char *err, size_t err_len)
{
    if (!module_path[0] && ib_vips_module_find(err, err_len) != 0)
        return NULL;
    /* RTLD_LAZY, as the dynamic linker starts a program: a function is
     * bound when first called, not every function of a hundred libraries
     * up front. */
    void *handle = dlopen(module_path, RTLD_LAZY | RTLD_LOCAL);
    if (!handle) {
        snprintf(err, err_len, "cannot load the vips module: %s", dlerror());
        return NULL;
    }
    const struct ib_vips_api *api = dlsym(handle, "ib_vips_api");
    if (!api || api->version != IB_VIPS_API_VERSION) {
        snprintf(err, err_len,
                 "'%s' is not this build's vips module (API %d, expected %d)",
                 module_path, api ? api->version : -1, IB_VIPS_API_VERSION);
        return NULL;
    }
    return api;
}

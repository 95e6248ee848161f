/* SPDX-License-Identifier: MIT */
/* The direct paths' switches (pathswitch.h). */
#include "pathswitch.h"

#include <stdlib.h>
#include <string.h>

int ib_direct_path_on(const char *variable)
{
    const char *env = getenv(variable);
    return !env || strcmp(env, "0") != 0;
}

/* SPDX-License-Identifier: MIT */
#include "testfault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ib_test_fault(const char *path, char *buf, size_t len)
{
    const char *spec = getenv("IMGBATCH_TEST_FAULT");
    const char *colon = spec ? strchr(spec, ':') : NULL;
    if (!colon || !strstr(path, colon + 1))
        return NULL;
    snprintf(buf, len, "%.*s", (int)(colon - spec), spec);
    return buf;
}

int ib_test_fault_is(const char *action, const char *path)
{
    char buf[16];
    const char *asked = ib_test_fault(path, buf, sizeof(buf));
    return asked && strcmp(asked, action) == 0;
}

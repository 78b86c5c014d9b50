/* SPDX-License-Identifier: MIT */
/* The one place the library allocates: a seam for allocation-failure tests. */
#include "pbsc_private.h"

#include <stdlib.h>

void *
pbsc_alloc(size_t size)
{
    return malloc(size);
}

void *
pbsc_realloc(void *p, size_t size)
{
    return realloc(p, size);
}

void
pbsc_dealloc(void *p)
{
    free(p);
}

/* SPDX-License-Identifier: MIT */
/* The library's version at run time, to compare with the header's macros. */
#include "pbsc.h"

PBSC_API const char *
pbsc_version_string(void)
{
    return PBSC_VERSION_STRING;
}

PBSC_API unsigned long
pbsc_version_number(void)
{
    return PBSC_VERSION_NUMBER;
}

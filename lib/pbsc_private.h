/* SPDX-License-Identifier: MIT */
/* Private helpers shared by the library modules: diagnostics and input validation. */
#ifndef PBSC_PRIVATE_H
#define PBSC_PRIVATE_H

#include "pbsc.h"

#if defined(__GNUC__)
#define PBSC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define PBSC_PRINTF(f, a)
#endif

/* Fills diag (if not NULL) and returns status, so a caller can `return pbsc_fail(...)`. */
int pbsc_fail(pbsc_diag *diag, int status, const char *field, double value, const char *fmt, ...)
    PBSC_PRINTF(5, 6);

/* Validates a required value of quantity q against its plausible range, naming it `field`. */
int pbsc_need(pbsc_quantity q, double value, const char *field, pbsc_diag *diag);

/* Validates an optional value: NAN passes, anything else as pbsc_need(). */
int pbsc_optional(pbsc_quantity q, double value, const char *field, pbsc_diag *diag);

#endif /* PBSC_PRIVATE_H */

/* SPDX-License-Identifier: MIT */
/* Status codes, their messages, and the diagnostic every failing call fills. */
#include "pbsc_private.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *const messages[] = {
    [PBSC_OK] = "success",
    [PBSC_E_INVAL] = "invalid argument",
    [PBSC_E_MISSING] = "required value not measured (NAN)",
    [PBSC_E_NOTFINITE] = "value is infinite",
    [PBSC_E_NEGATIVE] = "value is negative",
    [PBSC_E_RANGE] = "value outside its plausible range",
    [PBSC_E_UNKNOWN] = "unknown name (preset, key or column)",
    [PBSC_E_UNREACHABLE] = "dose cannot be reached",
    [PBSC_E_NOMEM] = "out of memory",
    [PBSC_E_CONFLICT] = "inputs contradict each other",
    [PBSC_E_DUPLICATE] = "given twice",
    [PBSC_E_ORDER] = "out of order",
    [PBSC_E_PARSE] = "syntax error",
    [PBSC_E_IO] = "input/output error",
    [PBSC_E_NODATA] = "no data for that day",
    [PBSC_E_TOOFEW] = "too few rows to fit",
};

PBSC_API const char *
pbsc_strerror(int status)
{
    if (status < 0 || (size_t)status >= sizeof messages / sizeof messages[0] ||
        messages[status] == NULL)
        return "unknown status";
    return messages[status];
}

PBSC_API void
pbsc_diag_clear(pbsc_diag *diag)
{
    if (diag == NULL)
        return;
    memset(diag, 0, sizeof *diag);
    diag->status = PBSC_OK;
    diag->day = -1;
    diag->line = -1;
    diag->value = NAN;
}

int
pbsc_fail(pbsc_diag *diag, int status, const char *field, double value, const char *fmt, ...)
{
    va_list ap;

    if (diag == NULL)
        return status;
    pbsc_diag_clear(diag);
    diag->status = status;
    diag->value = value;
    if (field != NULL)
        pbsc_fmt(diag->field, sizeof diag->field, "%s", field);
    va_start(ap, fmt);
    pbsc_vfmt(diag->text, sizeof diag->text, fmt, ap);
    va_end(ap);
    return status;
}

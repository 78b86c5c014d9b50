/* SPDX-License-Identifier: MIT */
/*
 * Numbers in the C locale whatever the host program's locale.
 *
 * A laboratory system may call setlocale(LC_ALL, "") under de_DE.UTF-8; printf and strtod
 * then write and read "1,5". Every number the library parses or writes (policy and model
 * files, reasons, diagnostics, hashes of formatted text) goes through these functions, which
 * switch the calling thread, and only it, to the C locale for the call (POSIX 2008
 * uselocale) and back. The process locale is never touched (no setlocale); other threads
 * are not affected. tests/check_locale.c pins the behaviour under two comma locales, and
 * tests/lint.sh keeps raw snprintf/strtod out of lib/.
 */
#define _POSIX_C_SOURCE 200809L

#include "pbsc_private.h"

#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_once_t c_once = PTHREAD_ONCE_INIT;
static locale_t c_locale = (locale_t)0;

static void
make_c_locale(void)
{
    /* glibc returns its static C locale object here without allocating. */
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* The thread's previous locale, or (locale_t)0 when the switch was not made. */
static locale_t
enter_c(void)
{
    (void)pthread_once(&c_once, make_c_locale);
    return c_locale != (locale_t)0 ? uselocale(c_locale) : (locale_t)0;
}

static void
leave_c(locale_t old)
{
    if (old != (locale_t)0)
        (void)uselocale(old);
}

int
pbsc_vfmt(char *buf, size_t size, const char *fmt, va_list ap)
{
    locale_t old = enter_c();
    int n = vsnprintf(buf, size, fmt, ap);

    leave_c(old);
    return n;
}

int
pbsc_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = pbsc_vfmt(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

double
pbsc_strtod(const char *s, char **end)
{
    locale_t old = enter_c();
    double x = strtod(s, end);

    leave_c(old);
    return x;
}

/*
 * The shortest of 6 to 17 significant digits that reads back as x: a refused value is shown
 * with the digits that explain the refusal (100.0000001, not 100). Negative zero and any
 * value that would print as "-0" are written "0".
 */
const char *
pbsc_num(char buf[32], double x)
{
    int prec;

    if (x == 0.0)
        x = 0.0; /* -0.0 == 0.0: drops the sign */
    for (prec = 6; prec < 17; prec++) {
        pbsc_fmt(buf, 32, "%.*g", prec, x);
        if (pbsc_strtod(buf, NULL) == x)
            return buf;
    }
    pbsc_fmt(buf, 32, "%.17g", x);
    return buf;
}

/* SPDX-License-Identifier: MIT */
/* The chart's arithmetic and text: numbers without the locale, XML escapes, the log count
 * axis and its ticks, the linear yield axis, the day columns, label placement and wrapping.
 * chart-svg.c draws with them; tests/check_chart.c tests them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart.h"

/* ---- numbers ---------------------------------------------------------------------- */

/* Integer arithmetic only: "%llu" has no decimal point for a locale to change, and the
 * point is written here. Values beyond 1e15 (never drawn) are clamped. */
const char *
chart_num(char *buf, size_t size, double v, int decimals)
{
    static const unsigned long long unit[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
    double scaled;
    unsigned long long n;

    if (size == 0)
        return buf;
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return buf;
    }
    if (decimals < 0)
        decimals = 0;
    if (decimals > 6)
        decimals = 6;
    scaled = floor(fabs(v) * (double)unit[decimals] + 0.5);
    if (scaled > 1e15)
        scaled = 1e15;
    n = (unsigned long long)scaled;
    if (decimals == 0)
        snprintf(buf, size, "%s%llu", v < 0 && n > 0 ? "-" : "", n);
    else
        snprintf(buf, size, "%s%llu.%0*llu", v < 0 && n > 0 ? "-" : "", n / unit[decimals],
                 decimals, n % unit[decimals]);
    return buf;
}

const char *
chart_num_g(char *buf, size_t size, double v, int decimals)
{
    size_t n;

    chart_num(buf, size, v, decimals);
    if (strchr(buf, '.') == NULL)
        return buf;
    n = strlen(buf);
    while (n > 0 && buf[n - 1] == '0')
        buf[--n] = '\0';
    if (n > 0 && buf[n - 1] == '.')
        buf[--n] = '\0';
    if (strcmp(buf, "-0") == 0)
        strcpy(buf, "0");
    return buf;
}

/* ---- XML text ---------------------------------------------------------------------- */

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 when it is not one. U+FFFE and
 * U+FFFF, which XML forbids, count as invalid. */
static size_t
utf8_length(const unsigned char *s)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80, hi = 0xBF;
    size_t n, i;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF)
            return 0;
    if (n == 3 && c == 0xEF && s[1] == 0xBF && (s[2] == 0xBE || s[2] == 0xBF))
        return 0;
    return n;
}

void
chart_xml(FILE *fp, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");

    while (*p != '\0') {
        size_t n = utf8_length(p);

        if (*p == '&')
            fputs("&amp;", fp);
        else if (*p == '<')
            fputs("&lt;", fp);
        else if (*p == '>')
            fputs("&gt;", fp);
        else if (*p == '"')
            fputs("&quot;", fp);
        else if (*p == '\'')
            fputs("&#39;", fp);
        else if (n == 0 || (*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7F)
            fputc('?', fp);
        else
            fwrite(p, 1, n, fp);
        p += n > 0 ? n : 1;
    }
}

/* ---- the count axis ---------------------------------------------------------------- */

#define EPS 1e-9

/* The 1-2-5 value at or below v (> 0), and the one at or above it. */
static double
floor125(double v)
{
    double p = pow(10.0, floor(log10(v))), m = v / p;

    return (m >= 5.0 - EPS ? 5.0 : m >= 2.0 - EPS ? 2.0 : 1.0) * p;
}

static double
ceil125(double v)
{
    double p = pow(10.0, floor(log10(v))), m = v / p;

    return (m <= 1.0 + EPS ? 1.0 : m <= 2.0 + EPS ? 2.0 : m <= 5.0 + EPS ? 5.0 : 10.0) * p;
}

/* The 1-2-5 values next below and next above a 1-2-5 value. */
static double
prev125(double v)
{
    return floor125(v * 0.99);
}

static double
next125(double v)
{
    return ceil125(v * 1.01);
}

void
chart_log_range(const double *v, size_t n, double ceiling, double *lo, double *hi)
{
    double min = HUGE_VAL, max = 0.0;
    size_t i;
    int up = 1;

    for (i = 0; i < n; i++) {
        if (!(v[i] >= 0.0)) /* NAN, or negative */
            continue;
        min = fmin(min, fmax(v[i], CHART_CD34_FLOOR));
        max = fmax(max, fmin(fmax(v[i], CHART_CD34_FLOOR), ceiling));
    }
    if (max == 0.0) { /* no value */
        min = 1.0;
        max = 100.0;
    }
    *lo = fmax(floor125(min), CHART_CD34_FLOOR);
    *hi = fmin(ceil125(max), ceiling);
    /* at least a decade: raise the top and lower the bottom in turn, within the limits */
    while (*hi < *lo * 10.0 * (1.0 - EPS)) {
        int can_up = next125(*hi) <= ceiling * (1.0 + EPS);
        int can_down = prev125(*lo) >= CHART_CD34_FLOOR * (1.0 - EPS);

        if (!can_up && !can_down)
            break;
        if ((up && can_up) || !can_down)
            *hi = next125(*hi);
        else
            *lo = prev125(*lo);
        up = !up;
    }
}

double
chart_log_y(const chart_log *a, double v)
{
    double f;

    if (!(v > a->lo))
        return a->bottom;
    if (v >= a->hi)
        return a->top;
    f = (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
    return a->bottom - f * (a->bottom - a->top);
}

/* Appends t to ticks unless full or equal to the last one. */
static void
add_tick(double *ticks, size_t *n, size_t cap, double t)
{
    if (*n < cap && (*n == 0 || fabs(ticks[*n - 1] - t) > t * EPS))
        ticks[(*n)++] = t;
}

size_t
chart_log_ticks(double lo, double hi, size_t max, double *ticks, size_t cap)
{
    size_t count = 0, n = 0;
    double v;
    int k;

    for (v = lo; v <= hi * (1.0 + EPS); v = next125(v))
        count++;
    if (count <= max) {
        for (v = lo; v <= hi * (1.0 + EPS); v = next125(v))
            add_tick(ticks, &n, cap, v);
        return n;
    }
    add_tick(ticks, &n, cap, lo);
    for (k = (int)ceil(log10(lo) - EPS); k <= (int)floor(log10(hi) + EPS); k++)
        add_tick(ticks, &n, cap, pow(10.0, k));
    add_tick(ticks, &n, cap, hi);
    return n;
}

/* ---- the yield axis ---------------------------------------------------------------- */

double
chart_linear_top(double max, double *step)
{
    double s;

    if (!(max > 0.0))
        max = 1.0;
    s = ceil125(max / 5.0);
    *step = s;
    return ceil(max / s - EPS) * s;
}

/* ---- the day columns --------------------------------------------------------------- */

double
chart_day_w(const chart_days *d)
{
    long n = d->last - d->first + 1;

    return d->width / (double)(n > 0 ? n : 1);
}

double
chart_day_x(const chart_days *d, long day)
{
    return d->left + ((double)(day - d->first) + 0.5) * chart_day_w(d);
}

long
chart_day_step(const chart_days *d, double min_px)
{
    static const long steps[] = {1, 2, 5, 10, 20, 50, 100, 200};
    double w = chart_day_w(d);
    size_t i;

    for (i = 0; i < sizeof steps / sizeof steps[0] - 1; i++)
        if ((double)steps[i] * w >= min_px)
            break;
    return steps[i];
}

/* ---- labels ------------------------------------------------------------------------ */

void
chart_dodge(double *y, const double *h, size_t n, double top, double bottom)
{
    size_t order[32], i, j;

    if (n > sizeof order / sizeof order[0])
        n = sizeof order / sizeof order[0];
    for (i = 0; i < n; i++) { /* insertion sort by y, ties in input order */
        for (j = i; j > 0 && y[order[j - 1]] > y[i]; j--)
            order[j] = order[j - 1];
        order[j] = i;
    }
    for (i = 0; i < n; i++) { /* down: below the one above, and below the top */
        double limit = i == 0 ? top : y[order[i - 1]] + h[order[i - 1]] / 2.0;

        if (y[order[i]] - h[order[i]] / 2.0 < limit)
            y[order[i]] = limit + h[order[i]] / 2.0;
    }
    for (i = n; i-- > 0;) { /* up: above the one below, and above the bottom */
        double limit = i == n - 1 ? bottom : y[order[i + 1]] - h[order[i + 1]] / 2.0;

        if (y[order[i]] + h[order[i]] / 2.0 > limit)
            y[order[i]] = limit - h[order[i]] / 2.0;
    }
}

size_t
chart_wrap(const char *s, size_t width, size_t *start, size_t *len, size_t cap)
{
    size_t pos = 0, n = 0, total = strlen(s);

    if (width == 0)
        width = 1;
    while (pos < total) {
        size_t end, cut;

        while (s[pos] == ' ')
            pos++;
        if (pos >= total)
            break;
        end = pos + width;
        if (total - pos <= width) {
            cut = total;
        } else {
            for (cut = end; cut > pos && s[cut] != ' '; cut--)
                ;
            if (cut == pos)
                cut = end; /* one word longer than a line */
        }
        if (n < cap) {
            start[n] = pos;
            len[n] = cut - pos;
        }
        n++;
        pos = cut;
    }
    return n;
}

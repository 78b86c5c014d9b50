/* SPDX-License-Identifier: MIT */
/* The chart's panels, on one day axis: the morning counts with the policy's thresholds and
 * the assessment window, the evening doses, the products and the cumulative yield against
 * the minimum and the goal with today's projected session, and the advice strip. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <pbsc.h>

#include "chart-draw.h"
#include "chart.h"

#define LABEL_X (RIGHT + 8)
#define LABEL_ATTRS "font-size=\"9.5\""

/* Where a day's morning and evening sit in its column. */
double
morning_x(const chart_days *d, long day)
{
    return chart_day_x(d, day) - 0.2 * chart_day_w(d);
}

double
evening_x(const chart_days *d, long day)
{
    return chart_day_x(d, day) + 0.2 * chart_day_w(d);
}

void
day_numbers(FILE *fp, const chart_days *d, double y)
{
    long step = chart_day_step(d, 13.0), day;

    svg_text(fp, LEFT - 4, y, "font-size=\"8.5\" text-anchor=\"end\" fill=\"#444444\"", "day");
    for (day = d->first; day <= d->last; day++) {
        char b[24];

        if (step > 1 && day % step != 0)
            continue;
        snprintf(b, sizeof b, "%ld", day);
        svg_text(fp, chart_day_x(d, day), y, "font-size=\"8.5\" text-anchor=\"middle\"", b);
    }
}

/* The day columns' boundaries between top and bottom. */
void
day_grid(FILE *fp, const chart_days *d, double top, double bottom)
{
    long day;

    for (day = d->first + 1; day <= d->last; day++) {
        double x = chart_day_x(d, day) - chart_day_w(d) / 2.0;

        svg_line(fp, x, top, x, bottom, "stroke=\"#eeeeee\" stroke-width=\"1\"");
    }
    svg_rect(fp, LEFT, top, RIGHT - LEFT, bottom - top,
             "fill=\"none\" stroke=\"#888888\" stroke-width=\"1\"");
}

/* Labels in the right margin for lines at ys[i] (moved apart), with a leader when moved. */
void
margin_labels(FILE *fp, const double *at, const char *const *labels, const char *const *attrs,
              size_t n, double top, double bottom)
{
    double y[CHART_MAX_LEVELS + 4] = {0}, h[CHART_MAX_LEVELS + 4] = {0};
    size_t i;

    if (n > CHART_MAX_LEVELS + 4)
        n = CHART_MAX_LEVELS + 4;
    for (i = 0; i < n; i++) {
        y[i] = at[i];
        h[i] = 11.0 * (double)label_lines(labels[i]) + 3.0;
    }
    chart_dodge(y, h, n, top, bottom);
    for (i = 0; i < n; i++) {
        if (fabs(y[i] - at[i]) > 0.5)
            svg_line(fp, RIGHT, at[i], LABEL_X - 2, y[i],
                     "stroke=\"#888888\" stroke-width=\"0.8\"");
        svg_label(fp, LABEL_X, y[i], attrs[i], labels[i]);
    }
}

/* ---- the counts --------------------------------------------------------------------- */

static void
count_range(const chart *c, chart_log *a)
{
    const pbsc_limits *limits = NULL;
    double ceiling = 5000.0, v[2] = {CHART_NAN, CHART_NAN};
    size_t i;

    if (pbsc_range(PBSC_Q_CD34_UL, &limits) == PBSC_OK && limits != NULL)
        ceiling = limits->max; /* the largest count the library accepts */
    for (i = 0; i < c->ndays; i++) {
        double x = c->days[i].cd34;

        if (x >= 0.0 && !(v[0] <= x))
            v[0] = x;
        if (x >= 0.0 && !(v[1] >= x))
            v[1] = x;
    }
    for (i = 0; i < c->nlevels; i++) {
        if (!(v[0] <= c->levels[i].value))
            v[0] = c->levels[i].value;
        if (!(v[1] >= c->levels[i].value))
            v[1] = c->levels[i].value;
    }
    v[0] *= 0.8; /* room below the lowest and above the highest */
    v[1] *= 1.25;
    chart_log_range(v, 2, ceiling, &a->lo, &a->hi);
    a->top = COUNT_TOP;
    a->bottom = COUNT_BOTTOM;
}

static void
count_axis(FILE *fp, const chart_log *a)
{
    double ticks[64];
    size_t n = chart_log_ticks(a->lo, a->hi, 1000, ticks, 64), i;

    for (i = 0; i < n; i++) { /* every 1-2-5 value, faint */
        double y = chart_log_y(a, ticks[i]);

        svg_line(fp, LEFT, y, RIGHT, y, "stroke=\"#f0f0f0\" stroke-width=\"1\"");
    }
    n = chart_log_ticks(a->lo, a->hi, 9, ticks, 64);
    for (i = 0; i < n; i++) {
        double y = chart_log_y(a, ticks[i]);
        char b[32];

        svg_line(fp, LEFT, y, RIGHT, y, "stroke=\"" GRID_INK "\" stroke-width=\"1\"");
        svg_line(fp, LEFT - 3, y, LEFT, y, "stroke=\"#888888\" stroke-width=\"1\"");
        svg_text(fp, LEFT - 5, y + 3.2, "font-size=\"9\" text-anchor=\"end\"",
                 chart_num_g(b, sizeof b, ticks[i], 3));
    }
}

/* The assessment window: a band, labelled at its foot. */
static void
count_window(FILE *fp, const chart *c, const chart_days *d)
{
    long first = c->window_first, last = c->window_last > 0 ? c->window_last : d->last;
    double w = chart_day_w(d), x;

    if (first <= 0 || first > d->last || last < d->first)
        return;
    if (first < d->first)
        first = d->first;
    if (last > d->last)
        last = d->last;
    x = chart_day_x(d, first) - w / 2.0;
    svg_rect(fp, x, COUNT_TOP, (double)(last - first + 1) * w, COUNT_BOTTOM - COUNT_TOP,
             "fill=\"#e4ecf5\" fill-opacity=\"0.8\"");
    svg_text(fp, x + 3, COUNT_BOTTOM - 4, "font-size=\"9\" fill=\"#33475b\"",
             c->window_last > 0 ? "assessment window" : "assessed from here");
}

/* The policy's thresholds: dashed lines, labelled in the margin. */
static void
count_levels(FILE *fp, const chart *c, const chart_log *a)
{
    double at[CHART_MAX_LEVELS];
    const char *labels[CHART_MAX_LEVELS], *attrs[CHART_MAX_LEVELS];
    size_t i, n = c->nlevels < CHART_MAX_LEVELS ? c->nlevels : CHART_MAX_LEVELS;

    for (i = 0; i < n; i++) {
        at[i] = chart_log_y(a, c->levels[i].value);
        labels[i] = c->levels[i].label;
        attrs[i] = LABEL_ATTRS " fill=\"" LEVEL_INK "\"";
        svg_line(fp, LEFT, at[i], RIGHT, at[i],
                 "stroke=\"" LEVEL_INK "\" stroke-width=\"1.3\" stroke-dasharray=\"6 3\"");
    }
    margin_labels(fp, at, labels, attrs, n, COUNT_TOP - 8, COUNT_BOTTOM + 8);
}

/* The morning counts: a line through them, a dot each, and the value when there is room. */
static void
count_points(FILE *fp, const chart *c, const chart_days *d, const chart_log *a)
{
    size_t i, shown = 0;

    fputs("<polyline fill=\"none\" stroke=\"" COUNT_INK "\" stroke-width=\"1.8\" points=\"", fp);
    for (i = 0; i < c->ndays; i++) {
        if (!(c->days[i].cd34 >= 0.0))
            continue;
        if (shown++ > 0)
            fputc(' ', fp);
        svg_num(fp, morning_x(d, c->days[i].day));
        fputc(',', fp);
        svg_num(fp, chart_log_y(a, c->days[i].cd34));
    }
    fputs("\"/>\n", fp);
    for (i = 0; i < c->ndays; i++) {
        double v = c->days[i].cd34, x = morning_x(d, c->days[i].day), y = chart_log_y(a, v);
        char b[32];

        if (!(v >= 0.0))
            continue;
        /* under the floor: an open dot on it, always with its value */
        svg_shape(fp, SHAPE_CIRCLE, x, y, 6.5,
                  v >= CHART_CD34_FLOOR ? "fill=\"" COUNT_INK "\""
                                        : "fill=\"#ffffff\" stroke=\"" COUNT_INK
                                          "\" stroke-width=\"1.5\"");
        if (chart_day_w(d) >= 20.0 || v < CHART_CD34_FLOOR)
            svg_text(fp, x, y - 6,
                     "font-size=\"8.5\" text-anchor=\"middle\" fill=\"" COUNT_INK "\"",
                     chart_num_g(b, sizeof b, v, 1));
    }
}

/* A faint line through the count panel on each evening with a dose. */
static void
dose_lines(FILE *fp, const chart *c, const chart_days *d)
{
    size_t i;

    for (i = 0; i < c->ndays; i++) {
        double x = evening_x(d, c->days[i].day);

        if (c->days[i].plerixafor > 0.0 || c->days[i].motixafortide > 0.0)
            svg_line(fp, x, COUNT_TOP, x, COUNT_BOTTOM,
                     "stroke=\"#9a9a9a\" stroke-width=\"1\" stroke-dasharray=\"2 3\"");
    }
}

void
count_panel(FILE *fp, const chart *c, const chart_days *d)
{
    chart_log a;

    count_range(c, &a);
    svg_text(fp, 10, COUNT_CAPTION_Y, "font-size=\"11.5\" font-weight=\"bold\"",
             "PB CD34+ each morning, cells/uL (log scale)");
    if (c->levels_note != NULL)
        svg_text_fit(fp, 10, COUNT_CAPTION_Y + 13, "font-size=\"9.5\" fill=\"#444444\"",
                     c->levels_note, 110);
    count_window(fp, c, d);
    count_axis(fp, &a);
    day_grid(fp, d, COUNT_TOP, COUNT_BOTTOM);
    dose_lines(fp, c, d);
    count_levels(fp, c, &a);
    count_points(fp, c, d, &a);
    day_numbers(fp, d, COUNT_BOTTOM + 12);
}

/* ---- the doses ---------------------------------------------------------------------- */

/* A dose's mg under its mark: across when the column is wide enough, else upwards. */
static void
dose_mg(FILE *fp, const chart_days *d, double x, double y, double mg)
{
    char b[32];

    chart_num_g(b, sizeof b, mg, 2);
    if (chart_day_w(d) >= 24.0) {
        svg_text(fp, x, y, "font-size=\"8.5\" text-anchor=\"middle\"", b);
        return;
    }
    fputs("<text transform=\"translate(", fp);
    svg_num(fp, x + 3.0);
    fputc(' ', fp);
    svg_num(fp, y + 8.0);
    fprintf(fp, ") rotate(-90)\" font-size=\"8.5\">%s</text>\n", b);
}

void
dose_row(FILE *fp, const chart *c, const chart_days *d)
{
    size_t i;

    svg_text(fp, LEFT - 4, DOSE_Y + 3, "font-size=\"8.5\" text-anchor=\"end\"", "dose");
    svg_text(fp, LEFT - 4, DOSE_Y + 16, "font-size=\"8.5\" text-anchor=\"end\"", "mg");
    for (i = 0; i < c->ndays; i++) {
        const chart_day *day = &c->days[i];
        double x = evening_x(d, day->day);
        int both = day->plerixafor > 0.0 && day->motixafortide > 0.0;

        if (day->plerixafor > 0.0) {
            svg_shape(fp, SHAPE_TRIANGLE, both ? x - 5.0 : x, DOSE_Y, 10.0,
                      "fill=\"" LEVEL_INK "\"");
            dose_mg(fp, d, x, DOSE_Y + 16, day->plerixafor);
        }
        if (day->motixafortide > 0.0) {
            svg_shape(fp, SHAPE_DIAMOND, both ? x + 5.0 : x, DOSE_Y, 10.0, "fill=\"" INK "\"");
            dose_mg(fp, d, x, DOSE_Y + (both ? 28 : 16), day->motixafortide);
        }
    }
}

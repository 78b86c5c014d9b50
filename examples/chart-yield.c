/* SPDX-License-Identifier: MIT */
/* The chart's lower panels: each apheresis's product as a bar and the cumulative yield as a
 * step line against the minimum and the goal, with today's advised session projected as an
 * interval; and the advice of every decision point as a strip of marks. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <pbsc.h>

#include "chart-draw.h"
#include "chart.h"

/* The yield axis: 0 at the bottom, `top` at YIELD_TOP. */
static double
yield_y(double top, double v)
{
    return YIELD_BOTTOM - fmax(v, 0.0) / top * (YIELD_BOTTOM - YIELD_TOP);
}

/* The collected total and the largest value the panel shows. */
static double
yield_max(const chart *c, double *total)
{
    double max = 0.0;
    size_t i;

    *total = 0.0;
    for (i = 0; i < c->ndays; i++) {
        if (c->days[i].apheresis && c->days[i].product >= 0.0) {
            *total += c->days[i].product;
            max = fmax(max, c->days[i].product);
        }
    }
    max = fmax(max, *total);
    if (c->goal > 0.0)
        max = fmax(max, c->goal);
    if (c->minimum > 0.0)
        max = fmax(max, c->minimum);
    if (c->projected && c->upper > 0.0)
        max = fmax(max, *total + c->upper);
    return max;
}

static void
yield_axis(FILE *fp, double top, double step)
{
    double v;

    for (v = 0.0; v <= top + step / 2.0; v += step) {
        double y = yield_y(top, v);
        char b[32];

        svg_line(fp, LEFT, y, RIGHT, y, "stroke=\"" GRID_INK "\" stroke-width=\"1\"");
        svg_text(fp, LEFT - 5, y + 3.2, "font-size=\"9\" text-anchor=\"end\"",
                 chart_num_g(b, sizeof b, v, 2));
    }
}

/* One bar per apheresis, on its evening; a product not yet counted is a dashed stub. */
static void
yield_bars(FILE *fp, const chart *c, const chart_days *d, double top)
{
    double bw = fmin(0.36 * chart_day_w(d), 26.0);
    size_t i;

    for (i = 0; i < c->ndays; i++) {
        const chart_day *day = &c->days[i];
        double x = evening_x(d, day->day), y;
        char b[32];

        if (!day->apheresis)
            continue;
        if (!(day->product >= 0.0)) {
            svg_rect(fp, x - bw / 2.0, YIELD_BOTTOM - 10, bw, 10,
                     "fill=\"none\" stroke=\"" INK "\" stroke-dasharray=\"2 2\"");
            svg_text(fp, x, YIELD_BOTTOM - 13, "font-size=\"8.5\" text-anchor=\"middle\"", "?");
            continue;
        }
        y = yield_y(top, day->product);
        svg_rect(fp, x - bw / 2.0, y, bw, YIELD_BOTTOM - y,
                 "fill=\"" BAR_FILL "\" stroke=\"" COUNT_INK "\" stroke-width=\"1\"");
        if (chart_day_w(d) >= 20.0)
            svg_text(fp, x, y - 3, "font-size=\"8.5\" text-anchor=\"middle\"",
                     chart_num_g(b, sizeof b, day->product, 2));
    }
}

/* The cumulative yield: a step up at the end of each apheresis day, to the panel's end. */
static void
yield_steps(FILE *fp, const chart *c, const chart_days *d, double top)
{
    double total = 0.0;
    size_t i;

    fputs("<path fill=\"none\" stroke=\"" INK "\" stroke-width=\"2\" d=\"M", fp);
    svg_num(fp, LEFT);
    fputc(' ', fp);
    svg_num(fp, yield_y(top, 0.0));
    for (i = 0; i < c->ndays; i++) {
        if (!c->days[i].apheresis || !(c->days[i].product >= 0.0))
            continue;
        total += c->days[i].product;
        fputs(" H", fp); /* at the end of the day, beside its bar */
        svg_num(fp, chart_day_x(d, c->days[i].day) + chart_day_w(d) / 2.0);
        fputs(" V", fp);
        svg_num(fp, yield_y(top, total));
    }
    fputs(" H", fp);
    svg_num(fp, RIGHT);
    fputs("\"/>\n", fp);
}

/* Today's advised session on top of what is collected (so it reads against the goal): a
 * dashed bar from the total to the total plus its median, and its interval. */
static void
yield_projection(FILE *fp, const chart *c, const chart_days *d, double top, double total)
{
    double bw = fmin(0.36 * chart_day_w(d), 26.0), x, y0, y, lo, hi;

    if (!c->projected || c->projection_day < d->first || c->projection_day > d->last)
        return;
    x = evening_x(d, c->projection_day);
    y0 = yield_y(top, total);
    y = yield_y(top, total + c->median);
    lo = yield_y(top, total + c->lower);
    hi = yield_y(top, total + c->upper);
    svg_rect(fp, x - bw / 2.0, y, bw, y0 - y,
             "fill=\"#ffffff\" fill-opacity=\"0.6\" stroke=\"" COUNT_INK
             "\" stroke-width=\"1.2\" stroke-dasharray=\"3 2\"");
    svg_line(fp, x, lo, x, hi, "stroke=\"" INK "\" stroke-width=\"1.5\"");
    svg_line(fp, x - bw * 0.3, lo, x + bw * 0.3, lo, "stroke=\"" INK "\" stroke-width=\"1.5\"");
    svg_line(fp, x - bw * 0.3, hi, x + bw * 0.3, hi, "stroke=\"" INK "\" stroke-width=\"1.5\"");
    svg_line(fp, x - bw / 2.0, y, x + bw / 2.0, y, "stroke=\"" INK "\" stroke-width=\"2.5\"");
}

/* The goal and minimum lines; the labels of those, of the total and of the projection. */
static void
yield_labels(FILE *fp, const chart *c, double top, double total, int any)
{
    char goal[48], minimum[48], collected[48], projected[128], a[32], b[32], l[32], u[32];
    double at[4];
    const char *labels[4], *attrs[4];
    size_t n = 0;

    if (c->goal > 0.0) {
        at[n] = yield_y(top, c->goal);
        svg_line(fp, LEFT, at[n], RIGHT, at[n],
                 "stroke=\"" INK "\" stroke-width=\"1.3\" stroke-dasharray=\"8 3\"");
        snprintf(goal, sizeof goal, "goal %s", chart_num_g(a, sizeof a, c->goal, 2));
        attrs[n] = "font-size=\"9.5\" font-weight=\"bold\"";
        labels[n++] = goal;
    }
    if (c->minimum > 0.0) {
        at[n] = yield_y(top, c->minimum);
        svg_line(fp, LEFT, at[n], RIGHT, at[n],
                 "stroke=\"#555555\" stroke-width=\"1.3\" stroke-dasharray=\"2 2\"");
        snprintf(minimum, sizeof minimum, "minimum %s", chart_num_g(a, sizeof a, c->minimum, 2));
        attrs[n] = "font-size=\"9.5\"";
        labels[n++] = minimum;
    }
    if (any) {
        at[n] = yield_y(top, total);
        snprintf(collected, sizeof collected, "collected %s", chart_num_g(a, sizeof a, total, 2));
        attrs[n] = "font-size=\"9.5\"";
        labels[n++] = collected;
    }
    if (c->projected) {
        at[n] = yield_y(top, total + c->median);
        snprintf(projected, sizeof projected, "today's session:\nmedian +%s\n%s%%: +%s to +%s",
                 chart_num_g(a, sizeof a, c->median, 2),
                 chart_num_g(l, sizeof l, 100 * c->level, 1), chart_num_g(b, sizeof b, c->lower, 2),
                 chart_num_g(u, sizeof u, c->upper, 2));
        attrs[n] = "font-size=\"9.5\" fill=\"" COUNT_INK "\"";
        labels[n++] = projected;
    }
    margin_labels(fp, at, labels, attrs, n, YIELD_TOP - 8, YIELD_BOTTOM + 8);
}

void
yield_panel(FILE *fp, const chart *c, const chart_days *d)
{
    double total, step, top = chart_linear_top(yield_max(c, &total), &step);
    size_t i;
    int any = 0;

    for (i = 0; i < c->ndays; i++)
        any |= c->days[i].apheresis;
    svg_text(fp, 10, YIELD_CAPTION_Y, "font-size=\"11.5\" font-weight=\"bold\"",
             "Apheresis products (bars) and cumulative yield (line), x10^6 CD34+/kg recipient");
    yield_axis(fp, top, step);
    day_grid(fp, d, YIELD_TOP, YIELD_BOTTOM);
    yield_bars(fp, c, d, top);
    yield_projection(fp, c, d, top, total);
    yield_steps(fp, c, d, top);
    yield_labels(fp, c, top, total, any);
    day_numbers(fp, d, YIELD_BOTTOM + 12);
}

/* ---- the advice strip --------------------------------------------------------------- */

/* One point's mark, with its words as a tooltip; today's larger, ringed and named. */
static void
strip_mark(FILE *fp, const chart *c, const chart_days *d, size_t i)
{
    const chart_mark *m = &c->marks[i];
    double x = chart_day_x(d, m->day), y = m->evening ? EVENING_Y : MORNING_Y;
    double s = fmin(14.0, 0.8 * chart_day_w(d));
    int today = i + 1 == c->nmarks;
    char label[64];

    fputs("<g><title>", fp);
    chart_xml(fp, m->title);
    fputs("</title>\n", fp);
    if (today) {
        s *= 1.35;
        svg_shape(fp, SHAPE_CIRCLE, x, y, s * 1.55,
                  "fill=\"none\" stroke=\"" INK "\" stroke-width=\"2\"");
    }
    svg_glyph(fp, m->action, m->repeated, x, y, s);
    fputs("</g>\n", fp);
    if (!today)
        return;
    if (x + s * 0.8 < RIGHT + 6)
        svg_line(fp, x + s * 0.8, y, RIGHT + 6, y, "stroke=\"" INK "\" stroke-width=\"1\"");
    snprintf(label, sizeof label, "today: %s", pbsc_action_name(m->action));
    svg_text(fp, RIGHT + 8, y + 3.5, "font-size=\"10\" font-weight=\"bold\"", label);
}

void
advice_strip(FILE *fp, const chart *c, const chart_days *d)
{
    size_t i;

    svg_text(fp, 10, STRIP_CAPTION_Y, "font-size=\"11.5\" font-weight=\"bold\"",
             "Advice at each decision point (today's ringed)");
    svg_line(fp, LEFT, MORNING_Y, RIGHT, MORNING_Y, "stroke=\"#e6e6e6\" stroke-width=\"1\"");
    svg_line(fp, LEFT, EVENING_Y, RIGHT, EVENING_Y, "stroke=\"#e6e6e6\" stroke-width=\"1\"");
    svg_text(fp, LEFT - 4, MORNING_Y + 3, "font-size=\"8.5\" text-anchor=\"end\"", "morning");
    svg_text(fp, LEFT - 4, EVENING_Y + 3, "font-size=\"8.5\" text-anchor=\"end\"", "evening");
    for (i = 0; i < c->nmarks; i++)
        strip_mark(fp, c, d, i);
    day_numbers(fp, d, EVENING_Y + 24);
}

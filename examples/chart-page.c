/* SPDX-License-Identifier: MIT */
/* The chart as one SVG document: its title and description, the header, today's column,
 * the panels (chart-panels.c, chart-yield.c), today's advice in words, the legend and the
 * footer. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <pbsc.h>

#include "chart-draw.h"
#include "chart.h"

/* A label's text on one line (its lines joined by "; "), escaped. */
static void
xml_one_line(FILE *fp, const char *s)
{
    char buf[128];
    size_t n;

    while (*s != '\0') {
        n = strcspn(s, "\n");
        snprintf(buf, sizeof buf, "%.*s", (int)(n < sizeof buf ? n : sizeof buf - 1), s);
        chart_xml(fp, buf);
        s += n;
        if (*s == '\n' && *++s != '\0')
            fputs("; ", fp);
    }
}

/* <desc>: the chart in sentences, for a reader that cannot see it. */
static void
describe(FILE *fp, const chart *c)
{
    char a[32];
    size_t i;

    fputs("<desc id=\"pbsc-chart-desc\">PB CD34+ each morning, cells/uL:", fp);
    for (i = 0; i < c->ndays; i++)
        if (c->days[i].cd34 >= 0.0)
            fprintf(fp, " day %ld %s;", c->days[i].day,
                    chart_num_g(a, sizeof a, c->days[i].cd34, 1));
    fputs(" aphereses, x10^6 CD34+/kg recipient:", fp);
    for (i = 0; i < c->ndays; i++)
        if (c->days[i].apheresis)
            fprintf(fp, " day %ld %s;", c->days[i].day,
                    c->days[i].product >= 0.0 ? chart_num_g(a, sizeof a, c->days[i].product, 2)
                                              : "not counted");
    fprintf(fp, " goal %s,", chart_num_g(a, sizeof a, c->goal, 2));
    fprintf(fp,
            " minimum %s. Policy thresholds, cells/uL:", chart_num_g(a, sizeof a, c->minimum, 2));
    for (i = 0; i < c->nlevels; i++) {
        fputs(i > 0 ? "; " : " ", fp);
        xml_one_line(fp, c->levels[i].label);
    }
    fputs(c->nlevels == 0 ? " none drawn." : ".", fp);
    for (i = 0; i < CHART_TODAY_LINES && c->today[i] != NULL; i++) {
        size_t n = strlen(c->today[i]);

        fputc(' ', fp);
        chart_xml(fp, c->today[i]);
        if (n > 0 && c->today[i][n - 1] != '.')
            fputc('.', fp);
    }
    fputs("</desc>\n", fp);
}

static void
open_svg(FILE *fp, const chart *c, int embedded)
{
    int top = embedded ? CHART_EMBED_TOP : 0, height = embedded ? CHART_EMBED_HEIGHT : CHART_HEIGHT;

    if (!embedded)
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", fp);
    fprintf(fp,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 %d %d %d\" "
            "width=\"%d\" height=\"%d\" role=\"img\" "
            "aria-labelledby=\"pbsc-chart-title pbsc-chart-desc\" font-family=\"%s\" "
            "font-size=\"11\" fill=\"" INK "\"%s>\n",
            top, CHART_WIDTH, height, CHART_WIDTH, height, CHART_FONT,
            embedded ? " class=\"chart\"" : "");
    fputs("<title id=\"pbsc-chart-title\">", fp);
    chart_xml(fp, c->title);
    fputs("</title>\n", fp);
    describe(fp, c);
    svg_rect(fp, 0, top, CHART_WIDTH, height, "fill=\"#ffffff\"");
}

static void
header(FILE *fp, const chart *c)
{
    svg_text_fit(fp, 10, HEADER_Y, "font-size=\"15\" font-weight=\"bold\"", c->title, 72);
    if (c->header[0] != NULL)
        svg_text_fit(fp, 10, HEADER_Y + 18, "font-size=\"11\"", c->header[0], 100);
    if (c->header[1] != NULL)
        svg_text_fit(fp, 10, HEADER_Y + 34, "font-size=\"11\"", c->header[1], 100);
    svg_line(fp, 10, HEADER_Y + 44, CHART_WIDTH - 10, HEADER_Y + 44,
             "stroke=\"#888888\" stroke-width=\"1\"");
}

/* Today's column, shaded through the three panels and named at the top. */
static void
today_column(FILE *fp, const chart *c, const chart_days *d)
{
    long day = c->nmarks > 0 ? c->marks[c->nmarks - 1].day : d->last;
    double w = chart_day_w(d), x = chart_day_x(d, day);

    svg_rect(fp, x - w / 2.0, COUNT_TOP, w, EVENING_Y + 14 - COUNT_TOP,
             "fill=\"#fff1c7\" fill-opacity=\"0.7\"");
    svg_text(fp, fmin(x + w / 2.0, RIGHT), COUNT_TOP - 3,
             "font-size=\"9\" font-weight=\"bold\" text-anchor=\"end\"", "today");
}

/* Today's advice in words: each line wrapped, TODAY_LINES lines at most (the last cut with
 * "..." when there is more), the first in bold. */
#define TODAY_LINES 7

static void
today_text(FILE *fp, const chart *c)
{
    size_t i, shown = 0;
    double y = TODAY_Y + 16;

    svg_text(fp, 10, TODAY_Y, "font-size=\"11.5\" font-weight=\"bold\"", "Today's advice");
    for (i = 0; i < CHART_TODAY_LINES && c->today[i] != NULL && shown < TODAY_LINES; i++) {
        size_t start[TODAY_LINES], len[TODAY_LINES], k;
        size_t n = chart_wrap(c->today[i], 100, start, len, TODAY_LINES);
        int more = i + 1 < CHART_TODAY_LINES && c->today[i + 1] != NULL;

        for (k = 0; k < n && k < TODAY_LINES && shown < TODAY_LINES; k++, shown++, y += 13.5) {
            char buf[112];
            int cut = shown == TODAY_LINES - 1 && (k + 1 < n || more);

            snprintf(buf, sizeof buf, "%.*s%s", (int)len[k], c->today[i] + start[k],
                     cut ? " ..." : "");
            svg_text(fp, 10, y,
                     i == 0 ? "font-size=\"10.5\" font-weight=\"bold\"" : "font-size=\"10.5\"",
                     buf);
        }
    }
}

/* ---- the legend --------------------------------------------------------------------- */

enum { KEY_COUNT, KEY_LEVEL, KEY_PLERIXAFOR, KEY_MOTIXAFORTIDE, KEY_BAR, KEY_LINE, KEY_PROJECTED };

/* One legend item's symbol, 14 units wide from x, on the line at y. */
static void
key_symbol(FILE *fp, int key, double x, double y)
{
    switch (key) {
    case KEY_COUNT:
        svg_shape(fp, SHAPE_CIRCLE, x + 7, y, 6.5, "fill=\"" COUNT_INK "\"");
        break;
    case KEY_LEVEL:
        svg_line(fp, x, y, x + 14, y,
                 "stroke=\"" LEVEL_INK "\" stroke-width=\"1.3\" "
                 "stroke-dasharray=\"6 3\"");
        break;
    case KEY_PLERIXAFOR:
        svg_shape(fp, SHAPE_TRIANGLE, x + 7, y, 10, "fill=\"" LEVEL_INK "\"");
        break;
    case KEY_MOTIXAFORTIDE:
        svg_shape(fp, SHAPE_DIAMOND, x + 7, y, 10, "fill=\"" INK "\"");
        break;
    case KEY_BAR:
        svg_rect(fp, x + 3, y - 5, 8, 10, "fill=\"" BAR_FILL "\" stroke=\"" COUNT_INK "\"");
        break;
    case KEY_LINE:
        svg_line(fp, x, y, x + 14, y, "stroke=\"" INK "\" stroke-width=\"2\"");
        break;
    default:
        svg_rect(fp, x + 3, y - 5, 8, 10,
                 "fill=\"none\" stroke=\"" COUNT_INK "\" stroke-dasharray=\"3 2\"");
        break;
    }
}

/* Places an item of `text` after the previous one, on a new line when it would not fit;
 * returns the symbol's x and sets *y. */
static double
key_place(double *x, double *y, const char *text)
{
    double at, w = 18.0 + 5.4 * (double)strlen(text) + 12.0;

    if (*x + w > CHART_WIDTH - 10 && *x > 10) {
        *x = 10;
        *y += 16;
    }
    at = *x;
    *x += w;
    return at;
}

static void
key_item(FILE *fp, double *x, double *y, int key, pbsc_action action, int repeated,
         const char *text)
{
    double at = key_place(x, y, text);

    if (key >= 0)
        key_symbol(fp, key, at, *y - 3.5);
    else
        svg_glyph(fp, action, repeated, at + 7, *y - 3.5, 11);
    svg_text(fp, at + 18, *y, "font-size=\"9.5\"", text);
}

/* What the chart shows, only what this chart has. */
static void
legend(FILE *fp, const chart *c)
{
    double x = 10, y = LEGEND_Y;
    unsigned used = 0, doses = 0;
    int a;
    size_t i;
    const chart_mark *repeated = NULL;

    for (i = 0; i < c->nmarks; i++) {
        used |= 1u << c->marks[i].action;
        if (c->marks[i].repeated && repeated == NULL)
            repeated = &c->marks[i];
    }
    for (i = 0; i < c->ndays; i++)
        doses |=
            (c->days[i].plerixafor > 0.0 ? 1u : 0u) | (c->days[i].motixafortide > 0.0 ? 2u : 0u);
    key_item(fp, &x, &y, KEY_COUNT, PBSC_ACTION_WAIT, 0, "PB CD34 (morning)");
    if (c->nlevels > 0)
        key_item(fp, &x, &y, KEY_LEVEL, PBSC_ACTION_WAIT, 0, "policy threshold");
    if (doses & 1u)
        key_item(fp, &x, &y, KEY_PLERIXAFOR, PBSC_ACTION_WAIT, 0, "plerixafor (evening)");
    if (doses & 2u)
        key_item(fp, &x, &y, KEY_MOTIXAFORTIDE, PBSC_ACTION_WAIT, 0, "motixafortide (evening)");
    key_item(fp, &x, &y, KEY_BAR, PBSC_ACTION_WAIT, 0, "product");
    key_item(fp, &x, &y, KEY_LINE, PBSC_ACTION_WAIT, 0, "cumulative");
    if (c->projected)
        key_item(fp, &x, &y, KEY_PROJECTED, PBSC_ACTION_WAIT, 0, "projected session, on the total");
    for (a = 0; a < 32; a++)
        if (used & (1u << a))
            key_item(fp, &x, &y, -1, (pbsc_action)a, 0, pbsc_action_name((pbsc_action)a));
    if (repeated != NULL)
        key_item(fp, &x, &y, -1, repeated->action, 1, "(outline) a stop repeated");
}

static void
footer(FILE *fp, const chart *c)
{
    svg_line(fp, 10, FOOTER_Y - 13, CHART_WIDTH - 10, FOOTER_Y - 13,
             "stroke=\"#888888\" stroke-width=\"1\"");
    svg_text(fp, 10, FOOTER_Y, "font-size=\"9.5\" font-weight=\"bold\"",
             "Decision support: the site's SOP and the physician decide.");
    if (c->footer != NULL)
        svg_text_fit(fp, 10, FOOTER_Y + 12, "font-size=\"9\" fill=\"#333333\"", c->footer, 115);
}

int
chart_svg(FILE *fp, const chart *c, int embedded)
{
    chart_days d;

    d.first = c->ndays > 0 ? c->days[0].day : 1;
    d.last = c->ndays > 0 ? c->days[c->ndays - 1].day : 1;
    if (c->nmarks > 0 && c->marks[c->nmarks - 1].day > d.last)
        d.last = c->marks[c->nmarks - 1].day;
    d.left = LEFT;
    d.width = RIGHT - LEFT;
    open_svg(fp, c, embedded);
    if (!embedded)
        header(fp, c);
    today_column(fp, c, &d);
    count_panel(fp, c, &d);
    dose_row(fp, c, &d);
    yield_panel(fp, c, &d);
    advice_strip(fp, c, &d);
    legend(fp, c);
    if (!embedded) {
        today_text(fp, c);
        footer(fp, c);
    }
    fputs("</svg>\n", fp);
    return ferror(fp) ? -1 : 0;
}

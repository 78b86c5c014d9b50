/* SPDX-License-Identifier: MIT */
/* The chart's private header: its layout and the drawing primitives its files share
 * (chart-svg.c draws, chart-panels.c and chart-page.c lay out). */
#ifndef PBSC_CHART_DRAW_H
#define PBSC_CHART_DRAW_H

#include <math.h>
#include <stddef.h>
#include <stdio.h>

#include <pbsc.h>

#include "chart.h"

/* The layout, in user units, top to bottom (chart.h: CHART_WIDTH x CHART_HEIGHT). */
enum {
    LEFT = 50,   /* the panels' left edge: the axes' labels are to its left */
    RIGHT = 465, /* the panels' right edge: the lines' labels are to its right */
    HEADER_Y = 22,
    COUNT_CAPTION_Y = 80,
    COUNT_TOP = 110, /* the count panel */
    COUNT_BOTTOM = 300,
    DOSE_Y = 326, /* the doses' marks, under the count panel's day numbers */
    YIELD_CAPTION_Y = 372,
    YIELD_TOP = 382, /* the products panel */
    YIELD_BOTTOM = 522,
    STRIP_CAPTION_Y = 553,
    MORNING_Y = 577, /* the advice strip's rows */
    EVENING_Y = 599,
    LEGEND_Y = 647, /* up to 3 lines */
    TODAY_Y = 700,  /* today's advice in words */
    FOOTER_Y = 818
};

#define CHART_FONT "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
#define INK "#1a1a1a"
#define COUNT_INK "#1f4e79"
#define LEVEL_INK "#8a4b08"
#define GRID_INK "#d9d9d9"
#define BAR_FILL "#a9c4e0"

/* NAN is a float constant; this keeps the arithmetic double (-Wdouble-promotion). */
#define CHART_NAN ((double)NAN)

enum { SHAPE_CIRCLE, SHAPE_SQUARE, SHAPE_DIAMOND, SHAPE_OCTAGON, SHAPE_TRIANGLE };

/* chart-svg.c: a coordinate (one decimal); <text> with s escaped; the same cut to `width`
 * bytes with "..."; <line>; <rect>; a shape of size s centred at (x, y); an action's mark. */
void svg_num(FILE *fp, double v);
void svg_text(FILE *fp, double x, double y, const char *attrs, const char *s);
void svg_text_fit(FILE *fp, double x, double y, const char *attrs, const char *s, size_t width);
void svg_line(FILE *fp, double x1, double y1, double x2, double y2, const char *attrs);
void svg_rect(FILE *fp, double x, double y, double w, double h, const char *attrs);
void svg_shape(FILE *fp, int kind, double x, double y, double s, const char *attrs);
void svg_glyph(FILE *fp, pbsc_action a, int repeated, double x, double y, double s);
/* A labelled line's label: up to 3 lines split at '\n', from its centre y. */
void svg_label(FILE *fp, double x, double y, const char *attrs, const char *label);
/* The number of lines of a label. */
size_t label_lines(const char *label);

/* chart-panels.c: the counts and the doses; the day numbers under a panel, at y; the
 * day columns' boundaries and frame; labels in the right margin for lines at at[i]. */
void count_panel(FILE *fp, const chart *c, const chart_days *d);
void dose_row(FILE *fp, const chart *c, const chart_days *d);
void day_numbers(FILE *fp, const chart_days *d, double y);
void day_grid(FILE *fp, const chart_days *d, double top, double bottom);
void margin_labels(FILE *fp, const double *at, const char *const *labels, const char *const *attrs,
                   size_t n, double top, double bottom);
/* Where a day's morning and evening sit in its column. */
double morning_x(const chart_days *d, long day);
double evening_x(const chart_days *d, long day);

/* chart-yield.c: the products and the cumulative yield; the advice strip. */
void yield_panel(FILE *fp, const chart *c, const chart_days *d);
void advice_strip(FILE *fp, const chart *c, const chart_days *d);

#endif

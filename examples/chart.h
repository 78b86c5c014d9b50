/* SPDX-License-Identifier: MIT */
/* The course at a glance: an SVG chart of a mobilization course (pbsc-decide --chart).
 *
 * No drawing library: SVG is text, and what the chart needs (lines, rectangles, a few
 * shapes, text) is a few elements written with fprintf(). A library (cairo, librsvg's
 * writer) would add a dependency, fonts and a non-deterministic output for nothing.
 *
 * The caller fills a `chart` with what the course recorded and what was decided; every
 * number drawn is one it gives (a threshold is the policy's, a goal the decision's): the
 * module only chooses scales, places and words such as "goal". The output is the same bytes
 * for the same input: no clock, no locale (numbers are written by chart_num(), below). */
#ifndef PBSC_CHART_H
#define PBSC_CHART_H

#include <stddef.h>
#include <stdio.h>

#include <pbsc.h>

/* The chart's size in SVG user units (px at 96 px/in): 600 wide, so that it spans an A4
 * page's 180 mm between 15 mm margins at 1.13 times, and a 480 px LIS side panel at 0.8
 * (its smallest text, 8.5 units, is then 6.8 px: the day numbers; the labels are 9.5 and
 * up). Embedded in a page (chart_svg()), the chart is its panels, the strip and the legend:
 * y from CHART_EMBED_TOP, CHART_EMBED_HEIGHT high; the page has the header and the words. */
#define CHART_WIDTH 600
#define CHART_HEIGHT 836
#define CHART_EMBED_TOP 66
#define CHART_EMBED_HEIGHT 628

/* The count axis never goes below this, cells/uL: a count under it (0 included) is drawn
 * on the axis's floor and labelled with its value. A drawing choice, not a clinical one. */
#define CHART_CD34_FLOOR 0.1

/* One day of the course as recorded; NAN: not recorded. */
typedef struct chart_day {
    long day;
    double cd34;          /* that morning's PB CD34, cells/uL */
    double plerixafor;    /* mg given that evening (0 or NAN: none) */
    double motixafortide; /* mg given that evening (0 or NAN: none) */
    int apheresis;        /* 1: an apheresis that day */
    double product;       /* its product, x10^6 CD34+/kg recipient; NAN: not counted yet */
} chart_day;

/* A labelled horizontal line of the count panel, cells/uL (a policy threshold). */
typedef struct chart_level {
    double value;
    char label[96]; /* up to 3 lines, separated by '\n' */
} chart_level;

/* One decision point's advice, a mark of the advice strip. */
typedef struct chart_mark {
    long day;
    int evening; /* 0: the morning, 1: the evening */
    pbsc_action action;
    int repeated;    /* a stop decided at an earlier point, repeated */
    char title[480]; /* the point in words: the mark's tooltip */
} chart_mark;

#define CHART_MAX_LEVELS 8
#define CHART_TODAY_LINES 5

typedef struct chart {
    const char *title;     /* the <title>, and the header's first line */
    const char *header[2]; /* the header's other lines: the person, policy and model */
    const char *footer;    /* e.g. the library version */
    const chart_day *days; /* in day order */
    size_t ndays;
    chart_level levels[CHART_MAX_LEVELS]; /* the policy's count thresholds */
    size_t nlevels;
    const char *levels_note; /* a line under the count panel's title (NULL: none) */
    long window_first;       /* the assessment window, days; 0: none drawn */
    long window_last;        /* 0: open to the end */
    double goal, minimum;    /* x10^6/kg recipient, from the decision */
    int projected;           /* 1: today's advised session is projected: */
    long projection_day;     /* its day, and its yield's median and central interval */
    double median, lower, upper, level;
    const chart_mark *marks; /* every decision point, in order; the last is today's */
    size_t nmarks;
    const char *today[CHART_TODAY_LINES]; /* today's advice in words; NULL ends */
} chart;

/* Writes the chart as SVG: a standalone document (an XML declaration, the whole chart), or
 * with `embedded` the <svg> element alone for an HTML page: the panels, the strip and the
 * legend, without the header, today's advice in words and the footer, which the page has.
 * Returns 0, or -1 when the stream reports a write error. */
int chart_svg(FILE *fp, const chart *c, int embedded);

/* ---- the pieces, exposed for the tests (tests/check_chart.c) -------------------------- */

/* v with `decimals` (0..6) digits after a '.', by integer arithmetic: the same text in any
 * locale (printf's "%f" writes the locale's decimal point, a ',' under de_DE once a program
 * calls setlocale()). A result that would read "-0" or "-0.0" has no sign. "nan" for NAN. */
const char *chart_num(char *buf, size_t size, double v, int decimals);
/* The same with at most `decimals` digits, trailing zeros and a trailing '.' removed: 10,
 * 0.5, 17.28. */
const char *chart_num_g(char *buf, size_t size, double v, int decimals);

/* Text as XML character data or attribute value: & < > " ' escaped; a control character
 * (other than tab and newline) and a byte that is not part of valid UTF-8 become '?', so
 * the document stays well-formed whatever a policy file's strings hold. */
void chart_xml(FILE *fp, const char *s);

/* The count axis: log10 from lo (at y bottom) to hi (at y top). */
typedef struct chart_log {
    double lo, hi;
    double top, bottom;
} chart_log;

/* The axis range for the values given (NAN and negatives ignored; a value under the floor,
 * 0 included, counts as the floor): from the 1-2-5 value at or below the smallest to the one
 * at or above the largest, widened to a decade at least, within [CHART_CD34_FLOOR,
 * ceiling]. No value: 1 to 100. */
void chart_log_range(const double *v, size_t n, double ceiling, double *lo, double *hi);
/* y of a value; a value below lo (0 included) is at the bottom, above hi at the top. */
double chart_log_y(const chart_log *a, double v);
/* The labelled ticks: every 1-2-5 value in [lo, hi] when they are at most `max`, else the
 * powers of ten and the two ends. Returns how many were written (at most `cap`). */
size_t chart_log_ticks(double lo, double hi, size_t max, double *ticks, size_t cap);

/* A linear axis from 0 with 3 to 6 ticks of a 1-2-5 step: the step, and the top (a multiple
 * of it, at or above max). */
double chart_linear_top(double max, double *step);

/* The day axis: days first..last, each a column of equal width from x = left. */
typedef struct chart_days {
    long first, last;
    double left, width;
} chart_days;

double chart_day_x(const chart_days *d, long day); /* the column's centre */
double chart_day_w(const chart_days *d);           /* a column's width */
/* Label every n-th day: the smallest n of 1, 2, 5, 10, ... giving labels `min_px` apart. */
long chart_day_step(const chart_days *d, double min_px);

/* Spreads labels apart: y[i] are the wanted centres, h[i] the heights; moves them the least
 * it can so none overlaps and all lie within [top, bottom] (when they fit). */
void chart_dodge(double *y, const double *h, size_t n, double top, double bottom);

/* Splits s into lines of at most `width` bytes at spaces (a longer word is cut): line i is
 * len[i] bytes from s + start[i], for the first `cap` lines. Returns the number of lines the
 * whole text needs, which may be more than cap. */
size_t chart_wrap(const char *s, size_t width, size_t *start, size_t *len, size_t cap);

#endif

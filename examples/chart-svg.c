/* SPDX-License-Identifier: MIT */
/* The chart's drawing primitives: numbers, text, lines, rectangles and the advice marks,
 * written as SVG elements with presentation attributes only (no CSS, no script, no external
 * font or link), so the chart renders the same in a browser, in an LIS viewer and inside an
 * HTML page. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "chart-draw.h"
#include "chart.h"

/* ---- writing ------------------------------------------------------------------------ */

/* A coordinate, one decimal. */
void
svg_num(FILE *fp, double v)
{
    char b[32];

    fputs(chart_num(b, sizeof b, v, 1), fp);
}

/* <text x y ATTRS>s</text>, s escaped. */
void
svg_text(FILE *fp, double x, double y, const char *attrs, const char *s)
{
    fputs("<text x=\"", fp);
    svg_num(fp, x);
    fputs("\" y=\"", fp);
    svg_num(fp, y);
    fprintf(fp, "\" %s>", attrs);
    chart_xml(fp, s);
    fputs("</text>\n", fp);
}

/* The first `width` bytes of s on one line, "..." when cut. */
void
svg_text_fit(FILE *fp, double x, double y, const char *attrs, const char *s, size_t width)
{
    char buf[256];

    if (strlen(s) <= width || width + 4 > sizeof buf) {
        svg_text(fp, x, y, attrs, s);
        return;
    }
    memcpy(buf, s, width - 3);
    memcpy(buf + width - 3, "...", 4);
    svg_text(fp, x, y, attrs, buf);
}

void
svg_line(FILE *fp, double x1, double y1, double x2, double y2, const char *attrs)
{
    fputs("<line x1=\"", fp);
    svg_num(fp, x1);
    fputs("\" y1=\"", fp);
    svg_num(fp, y1);
    fputs("\" x2=\"", fp);
    svg_num(fp, x2);
    fputs("\" y2=\"", fp);
    svg_num(fp, y2);
    fprintf(fp, "\" %s/>\n", attrs);
}

void
svg_rect(FILE *fp, double x, double y, double w, double h, const char *attrs)
{
    fputs("<rect x=\"", fp);
    svg_num(fp, x);
    fputs("\" y=\"", fp);
    svg_num(fp, y);
    fputs("\" width=\"", fp);
    svg_num(fp, w > 0 ? w : 0);
    fputs("\" height=\"", fp);
    svg_num(fp, h > 0 ? h : 0);
    fprintf(fp, "\" %s/>\n", attrs);
}

/* A polygon of n points (x, y pairs) around (cx, cy), each scaled by r. */
static void
svg_polygon(FILE *fp, double cx, double cy, double r, const double *pts, size_t n,
            const char *attrs)
{
    size_t i;

    fputs("<polygon points=\"", fp);
    for (i = 0; i < n; i++) {
        if (i > 0)
            fputc(' ', fp);
        svg_num(fp, cx + r * pts[2 * i]);
        fputc(',', fp);
        svg_num(fp, cy + r * pts[2 * i + 1]);
    }
    fprintf(fp, "\" %s/>\n", attrs);
}

size_t
label_lines(const char *label)
{
    size_t n = 1;

    for (; *label != '\0'; label++)
        n += *label == '\n';
    return n;
}

void
svg_label(FILE *fp, double x, double y, const char *attrs, const char *label)
{
    size_t n = label_lines(label), i;
    double y0 = y - 11.0 * (double)n / 2.0 + 8.5;

    for (i = 0; i < n && i < 3; i++) {
        char buf[96];
        size_t len = strcspn(label, "\n");

        if (len >= sizeof buf)
            len = sizeof buf - 1;
        memcpy(buf, label, len);
        buf[len] = '\0';
        svg_text(fp, x, y0 + 11.0 * (double)i, attrs, buf);
        label += strcspn(label, "\n");
        if (*label == '\n')
            label++;
    }
}

/* ---- the marks ---------------------------------------------------------------------- */

/* How each action is drawn, in pbsc_action order: shape, fill, letter ink, letter, and
 * whether the outline is dashed. The letter and the shape say it; the colour only helps. */
static const struct glyph {
    int shape;
    const char *fill, *ink, *letter;
    int dashed;
} glyphs[] = {
    {SHAPE_CIRCLE, "#ffffff", INK, "W", 0},        /* wait */
    {SHAPE_SQUARE, COUNT_INK, "#ffffff", "C", 0},  /* collect */
    {SHAPE_DIAMOND, LEVEL_INK, "#ffffff", "P", 0}, /* plerixafor */
    {SHAPE_OCTAGON, INK, "#ffffff", "G", 0},       /* stop-goal */
    {SHAPE_OCTAGON, INK, "#ffffff", "M", 0},       /* stop-minimum */
    {SHAPE_OCTAGON, INK, "#ffffff", "F", 0},       /* stop-failed */
    {SHAPE_SQUARE, "#ffffff", INK, "?", 1},        /* need-count */
    {SHAPE_CIRCLE, "#ffffff", INK, "X", 1},        /* outside-policy */
    {SHAPE_CIRCLE, "#c8c8c8", INK, "&gt;", 0}      /* continue (already escaped) */
};

static const struct glyph *
glyph_of(pbsc_action a)
{
    size_t i = (size_t)a;

    return i < sizeof glyphs / sizeof glyphs[0] ? &glyphs[i] : &glyphs[PBSC_ACTION_OUTSIDE_POLICY];
}

void
svg_shape(FILE *fp, int kind, double x, double y, double s, const char *attrs)
{
    static const double diamond[] = {0, -0.62, 0.62, 0, 0, 0.62, -0.62, 0};
    static const double triangle[] = {0, -0.55, 0.55, 0.45, -0.55, 0.45};
    static const double octagon[] = {-0.2071, -0.5, 0.2071,  -0.5, 0.5,  -0.2071, 0.5,  0.2071,
                                     0.2071,  0.5,  -0.2071, 0.5,  -0.5, 0.2071,  -0.5, -0.2071};

    if (kind == SHAPE_CIRCLE) {
        fputs("<circle cx=\"", fp);
        svg_num(fp, x);
        fputs("\" cy=\"", fp);
        svg_num(fp, y);
        fputs("\" r=\"", fp);
        svg_num(fp, s / 2.0);
        fprintf(fp, "\" %s/>\n", attrs);
    } else if (kind == SHAPE_SQUARE) {
        svg_rect(fp, x - s * 0.45, y - s * 0.45, s * 0.9, s * 0.9, attrs);
    } else if (kind == SHAPE_DIAMOND) {
        svg_polygon(fp, x, y, s, diamond, 4, attrs);
    } else if (kind == SHAPE_TRIANGLE) {
        svg_polygon(fp, x, y, s, triangle, 3, attrs);
    } else {
        svg_polygon(fp, x, y, s, octagon, 8, attrs);
    }
}

/* One action's mark of size s at (x, y): a repeated stop is an outline. */
void
svg_glyph(FILE *fp, pbsc_action a, int repeated, double x, double y, double s)
{
    const struct glyph *g = glyph_of(a);
    char attrs[160], b[32];

    snprintf(attrs, sizeof attrs, "fill=\"%s\" stroke=\"%s\" stroke-width=\"1.2\"%s",
             repeated ? "#ffffff" : g->fill, INK, g->dashed ? " stroke-dasharray=\"2 1.5\"" : "");
    svg_shape(fp, g->shape, x, y, s, attrs);
    fputs("<text x=\"", fp);
    svg_num(fp, x);
    fputs("\" y=\"", fp);
    svg_num(fp, y + s * 0.22);
    fprintf(
        fp,
        "\" text-anchor=\"middle\" font-size=\"%s\" font-weight=\"bold\" fill=\"%s\">%s</text>\n",
        chart_num(b, sizeof b, s * 0.62, 1), repeated ? INK : g->ink, g->letter);
}

/* SPDX-License-Identifier: MIT */
/* Tests of the chart module of pbsc-decide (examples/chart.h): numbers without the locale,
 * XML escapes, the log count axis and its ticks, the yield axis, the day columns, label
 * placement, wrapping, and whole charts of 1 and 30 days, from 0.1 to 5,000/uL, with and
 * without products. tests/chart.sh checks the program's charts with xmllint. */
#define _POSIX_C_SOURCE 200809L /* open_memstream() */

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "pbsc_test.h"

/* ---- helpers ------------------------------------------------------------------------ */

/* What f wrote into a memory stream, as a string the caller frees. */
static char *
escaped(const char *s)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);

    ck_assert_ptr_nonnull(fp);
    chart_xml(fp, s);
    ck_assert_int_eq(fclose(fp), 0);
    return buf;
}

static char *
render(const chart *c, int embedded)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *fp = open_memstream(&buf, &size);

    ck_assert_ptr_nonnull(fp);
    ck_assert_int_eq(chart_svg(fp, c, embedded), 0);
    ck_assert_int_eq(fclose(fp), 0);
    return buf;
}

static size_t
occurrences(const char *s, const char *what)
{
    size_t n = 0;

    for (s = strstr(s, what); s != NULL; s = strstr(s + 1, what))
        n++;
    return n;
}

/* Every x, y, x1, y1, x2, y2, cx and cy attribute is a number within [lo, hi] (in user
 * units, the viewBox's with a little slack for strokes). */
static void
assert_coordinates(const char *svg, double xmax, double ymin, double ymax)
{
    static const char *const names[] = {" x=\"",  " y=\"",  " x1=\"", " x2=\"",
                                        " y1=\"", " y2=\"", " cx=\"", " cy=\""};
    size_t k;

    for (k = 0; k < sizeof names / sizeof names[0]; k++) {
        const char *p;
        int is_y = strchr(names[k], 'y') != NULL;

        for (p = strstr(svg, names[k]); p != NULL; p = strstr(p + 1, names[k])) {
            char *end;
            double v = pbsc_test_strtod_c(p + strlen(names[k]), &end);

            ck_assert_msg(*end == '"', "not a number at %.40s", p);
            ck_assert_msg(v >= (is_y ? ymin : 0.0) - 0.05 && v <= (is_y ? ymax : xmax) + 0.05,
                          "%.40s outside the chart", p);
        }
    }
}

/* The checks every chart passes. */
static void
assert_chart(const chart *c, const char *svg, size_t nmarks)
{
    ck_assert_ptr_nonnull(strstr(svg, "<svg xmlns=\"http://www.w3.org/2000/svg\""));
    ck_assert_ptr_nonnull(strstr(svg, "</svg>\n"));
    ck_assert_ptr_nonnull(strstr(svg, "<title id=\"pbsc-chart-title\">"));
    ck_assert_ptr_nonnull(strstr(svg, "<desc id=\"pbsc-chart-desc\">"));
    ck_assert_ptr_null(strstr(svg, "nan"));
    ck_assert_ptr_null(strstr(svg, "inf"));
    ck_assert_ptr_null(strstr(svg, "<script"));
    ck_assert_ptr_null(strstr(svg, "href"));
    /* the chart's title, and one per advice mark */
    ck_assert_uint_eq(occurrences(svg, "<title"), 1 + nmarks);
    assert_coordinates(svg, CHART_WIDTH, 0.0, CHART_HEIGHT);
    (void)c;
}

/* A chart of days first..last, every field filled by the caller after. */
static chart
chart_of(chart_day *days, size_t ndays, chart_mark *marks, size_t nmarks)
{
    chart c;
    size_t i;

    memset(&c, 0, sizeof c);
    c.title = "PBSC mobilization <test> & \"title\"";
    c.header[0] = "Patient 72 kg";
    c.header[1] = "Goal 5, minimum 2";
    c.footer = "libpbsc test";
    c.days = days;
    c.ndays = ndays;
    c.marks = marks;
    c.nmarks = nmarks;
    c.goal = 5.0;
    c.minimum = 2.0;
    c.today[0] = "Day 4, morning: wait";
    for (i = 0; i < nmarks; i++)
        snprintf(marks[i].title, sizeof marks[i].title, "mark %lu", (unsigned long)i);
    return c;
}

/* ---- numbers ------------------------------------------------------------------------ */

START_TEST(num_fixed_point)
{
    char b[32];

    ck_assert_str_eq(chart_num(b, sizeof b, 1.25, 1), "1.3");
    ck_assert_str_eq(chart_num(b, sizeof b, 0.05, 1), "0.1");
    ck_assert_str_eq(chart_num(b, sizeof b, -0.04, 1), "0.0"); /* no "-0.0" */
    ck_assert_str_eq(chart_num(b, sizeof b, -1.5, 1), "-1.5");
    ck_assert_str_eq(chart_num(b, sizeof b, 600.0, 1), "600.0");
    ck_assert_str_eq(chart_num(b, sizeof b, 2.5, 0), "3");
    ck_assert_str_eq(chart_num(b, sizeof b, 0.4561, 3), "0.456");
    ck_assert_str_eq(chart_num(b, sizeof b, 5000.0, 2), "5000.00");
    ck_assert_str_eq(chart_num(b, sizeof b, 1.0, 9), "1.000000"); /* at most 6 decimals */
    ck_assert_str_eq(chart_num(b, sizeof b, NAN, 1), "nan");
    ck_assert_str_eq(chart_num(b, sizeof b, -INFINITY, 1), "-inf");
    ck_assert_str_eq(chart_num_g(b, sizeof b, 10.0, 2), "10");
    ck_assert_str_eq(chart_num_g(b, sizeof b, 0.5, 2), "0.5");
    ck_assert_str_eq(chart_num_g(b, sizeof b, 17.28, 2), "17.28");
    ck_assert_str_eq(chart_num_g(b, sizeof b, 0.1, 3), "0.1");
    ck_assert_str_eq(chart_num_g(b, sizeof b, -0.001, 2), "0");
    ck_assert_str_eq(chart_num(b, 4, 1234.5, 1), "123"); /* cut, terminated */
}
END_TEST

/* A locale whose decimal point is a comma changes printf's "%.1f", not chart_num(), and
 * not the chart. */
START_TEST(num_locale)
{
    chart_day days[2] = {{4, 8.0, 20.0, NA, 0, NA}, {5, 28.0, NA, NA, 1, 3.0}};
    chart_mark marks[1] = {{5, 1, PBSC_ACTION_CONTINUE, 0, ""}};
    chart c = chart_of(days, 2, marks, 1);
    char b[32], *in_c, *in_de;

    in_c = render(&c, 0);
    if (setlocale(LC_NUMERIC, "de_DE.UTF-8") == NULL &&
        setlocale(LC_NUMERIC, "de_DE.utf8") == NULL) {
        free(in_c);
        return; /* no such locale here: nothing to show */
    }
    snprintf(b, sizeof b, "%.1f", 1.5);
    ck_assert_str_eq(b, "1,5");
    ck_assert_str_eq(chart_num(b, sizeof b, 1.5, 1), "1.5");
    in_de = render(&c, 0);
    setlocale(LC_NUMERIC, "C");
    ck_assert_str_eq(in_de, in_c);
    free(in_c);
    free(in_de);
}
END_TEST

/* ---- text --------------------------------------------------------------------------- */

START_TEST(xml_escapes)
{
    static const struct {
        const char *in, *out;
    } cases[] = {{"a&b<c>\"d'e", "a&amp;b&lt;c&gt;&quot;d&#39;e"},
                 {"tab\tnew\nline", "tab\tnew\nline"},
                 {"bell\x07 del\x7f cr\r", "bell? del? cr?"},
                 {"caf\xc3\xa9 10\xc2\xb5L", "caf\xc3\xa9 10\xc2\xb5L"}, /* valid UTF-8 kept */
                 {"\xff", "?"},                                          /* never a UTF-8 byte */
                 {"\xc3", "?"},                                          /* cut sequence */
                 {"\xc0\xaf", "??"},                                     /* overlong */
                 {"\xed\xa0\x80", "???"},                                /* a surrogate */
                 {"\xef\xbf\xbe", "???"},                                /* U+FFFE */
                 {"\xf0\x9f\x92\x89", "\xf0\x9f\x92\x89"},               /* U+1F489 */
                 {"", ""}};
    size_t i;

    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *got = escaped(cases[i].in);

        ck_assert_msg(strcmp(got, cases[i].out) == 0, "case %lu: '%s'", (unsigned long)i, got);
        free(got);
    }
}
END_TEST

START_TEST(wrap_lines)
{
    size_t start[4], len[4];
    const char *s = "aaa bbb ccc";

    ck_assert_uint_eq(chart_wrap(s, 7, start, len, 4), 2);
    ck_assert_uint_eq(start[0], 0);
    ck_assert_uint_eq(len[0], 7);
    ck_assert_uint_eq(start[1], 8);
    ck_assert_uint_eq(len[1], 3);
    ck_assert_uint_eq(chart_wrap(s, 100, start, len, 4), 1);
    ck_assert_uint_eq(len[0], 11);
    /* a word longer than a line is cut; more lines than room: the count still says so */
    ck_assert_uint_eq(chart_wrap("abcdefghij", 4, start, len, 2), 3);
    ck_assert_uint_eq(len[0], 4);
    ck_assert_uint_eq(start[1], 4);
    ck_assert_uint_eq(chart_wrap("   ", 4, start, len, 2), 0);
    ck_assert_uint_eq(chart_wrap("  lead in", 4, start, len, 2), 2);
    ck_assert_uint_eq(start[0], 2);
    ck_assert_uint_eq(len[0], 4);
}
END_TEST

/* ---- the axes ----------------------------------------------------------------------- */

START_TEST(log_range)
{
    double lo, hi;
    double wide[] = {0.1, 5000.0}, narrow[] = {8.0, 10.0}, zero[] = {0.0, NA};
    double none[] = {NA, -1.0}, top[] = {4000.0, 5000.0}, tiny[] = {0.05, 0.2};

    chart_log_range(wide, 2, 5000.0, &lo, &hi);
    ck_assert_rel(lo, 0.1, 1e-12);
    ck_assert_rel(hi, 5000.0, 1e-12);
    chart_log_range(narrow, 2, 5000.0, &lo, &hi); /* 5-10, widened to a decade */
    ck_assert_rel(lo, 2.0, 1e-12);
    ck_assert_rel(hi, 20.0, 1e-12);
    chart_log_range(zero, 2, 5000.0, &lo, &hi); /* a count of 0 sits on the floor */
    ck_assert_rel(lo, CHART_CD34_FLOOR, 1e-12);
    ck_assert_rel(hi, 1.0, 1e-12);
    chart_log_range(none, 2, 5000.0, &lo, &hi);
    ck_assert_rel(lo, 1.0, 1e-12);
    ck_assert_rel(hi, 100.0, 1e-12);
    chart_log_range(top, 2, 5000.0, &lo, &hi); /* the ceiling holds: widened downwards */
    ck_assert_rel(lo, 500.0, 1e-12);
    ck_assert_rel(hi, 5000.0, 1e-12);
    chart_log_range(tiny, 2, 5000.0, &lo, &hi);
    ck_assert_rel(lo, 0.1, 1e-12);
    ck_assert_rel(hi, 1.0, 1e-12);
}
END_TEST

START_TEST(log_mapping)
{
    chart_log a = {0.1, 1000.0, 100.0, 300.0};
    double v, y, last = 1e9;

    ck_assert_rel(chart_log_y(&a, 0.1), 300.0, 1e-12);
    ck_assert_rel(chart_log_y(&a, 1000.0), 100.0, 1e-12);
    ck_assert_rel(chart_log_y(&a, 1.0), 250.0, 1e-12); /* a decade is 50 units */
    ck_assert_rel(chart_log_y(&a, 10.0), 200.0, 1e-12);
    ck_assert_rel(chart_log_y(&a, 0.0), 300.0, 1e-12); /* under the floor: on it */
    ck_assert_rel(chart_log_y(&a, NA), 300.0, 1e-12);
    ck_assert_rel(chart_log_y(&a, 5000.0), 100.0, 1e-12); /* above: at the top */
    for (v = 0.11; v < 1000.0; v *= 1.7) {                /* strictly decreasing in between */
        y = chart_log_y(&a, v);
        ck_assert(y < last && y > 100.0 && y < 300.0);
        last = y;
    }
}
END_TEST

START_TEST(log_ticks)
{
    double t[32];
    size_t n;

    n = chart_log_ticks(5.0, 50.0, 9, t, 32);
    ck_assert_uint_eq(n, 4);
    ck_assert_rel(t[0], 5.0, 1e-12);
    ck_assert_rel(t[1], 10.0, 1e-12);
    ck_assert_rel(t[2], 20.0, 1e-12);
    ck_assert_rel(t[3], 50.0, 1e-12);
    /* 0.1 to 5,000: 15 values of 1-2-5, too many: the decades and the ends */
    ck_assert_uint_eq(chart_log_ticks(0.1, 5000.0, 1000, t, 32), 15);
    n = chart_log_ticks(0.1, 5000.0, 9, t, 32);
    ck_assert_uint_eq(n, 6);
    ck_assert_rel(t[0], 0.1, 1e-12);
    ck_assert_rel(t[1], 1.0, 1e-12);
    ck_assert_rel(t[4], 1000.0, 1e-12);
    ck_assert_rel(t[5], 5000.0, 1e-12);
    n = chart_log_ticks(2.0, 20.0, 9, t, 32);
    ck_assert_uint_eq(n, 4);
    ck_assert_rel(t[1], 5.0, 1e-12);
    ck_assert_uint_eq(chart_log_ticks(0.1, 5000.0, 9, t, 3), 3); /* never past cap */
}
END_TEST

START_TEST(linear_axis)
{
    double step;

    ck_assert_rel(chart_linear_top(5.0, &step), 5.0, 1e-12);
    ck_assert_rel(step, 1.0, 1e-12);
    ck_assert_rel(chart_linear_top(6.9, &step), 8.0, 1e-12);
    ck_assert_rel(step, 2.0, 1e-12);
    ck_assert_rel(chart_linear_top(10.2, &step), 15.0, 1e-12);
    ck_assert_rel(step, 5.0, 1e-12);
    ck_assert_rel(chart_linear_top(0.3, &step), 0.3, 1e-9);
    ck_assert_rel(step, 0.1, 1e-12);
    ck_assert_rel(chart_linear_top(0.0, &step), 1.0, 1e-12); /* nothing collected yet */
    ck_assert_rel(step, 0.2, 1e-12);
}
END_TEST

START_TEST(day_columns)
{
    chart_days one = {4, 4, 50.0, 415.0}, month = {1, 30, 50.0, 415.0}, year = {1, 366, 50, 415};

    ck_assert_rel(chart_day_w(&one), 415.0, 1e-12);
    ck_assert_rel(chart_day_x(&one, 4), 257.5, 1e-12);
    ck_assert_int_eq(chart_day_step(&one, 13.0), 1);
    ck_assert_rel(chart_day_w(&month), 415.0 / 30.0, 1e-12);
    ck_assert_rel(chart_day_x(&month, 1), 50.0 + 415.0 / 60.0, 1e-12);
    ck_assert_rel(chart_day_x(&month, 30), 465.0 - 415.0 / 60.0, 1e-12);
    ck_assert_int_eq(chart_day_step(&month, 13.0), 1); /* every day of a month labelled */
    ck_assert_int_eq(chart_day_step(&month, 14.0), 2);
    ck_assert_int_eq(chart_day_step(&year, 13.0), 20);
}
END_TEST

START_TEST(dodge_labels)
{
    double y[3] = {100.0, 100.0, 104.0}, h[3] = {14.0, 14.0, 25.0};
    double low[2] = {295.0, 299.0}, hl[2] = {14.0, 14.0};

    chart_dodge(y, h, 3, 0.0, 400.0);
    ck_assert_rel(y[0], 100.0, 1e-12); /* the first stays */
    ck_assert_rel(y[1], 114.0, 1e-12); /* the next below it */
    ck_assert_rel(y[2], 114.0 + 7.0 + 12.5, 1e-12);
    chart_dodge(low, hl, 2, 0.0, 300.0); /* pushed up from the bottom */
    ck_assert_rel(low[1], 293.0, 1e-12);
    ck_assert_rel(low[0], 279.0, 1e-12);
}
END_TEST

/* ---- whole charts ------------------------------------------------------------------- */

/* One day, a count at the top of the range: the column spans the panel. */
START_TEST(chart_one_day)
{
    chart_day days[1] = {{4, 5000.0, NA, NA, 0, NA}};
    chart_mark marks[1] = {{4, 0, PBSC_ACTION_WAIT, 0, ""}};
    chart c = chart_of(days, 1, marks, 1);
    char *svg, *again;

    c.levels[0].value = 15.0;
    snprintf(c.levels[0].label, sizeof c.levels[0].label, "plerixafor < 15");
    c.nlevels = 1;
    svg = render(&c, 0);
    assert_chart(&c, svg, 1);
    ck_assert_ptr_nonnull(strstr(svg, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    ck_assert_ptr_nonnull(strstr(svg, ">5000</text>")); /* the top tick */
    ck_assert_ptr_nonnull(strstr(svg, ">plerixafor &lt; 15</text>"));
    ck_assert_ptr_nonnull(strstr(svg, "PBSC mobilization &lt;test&gt; &amp; &quot;title&quot;"));
    ck_assert_ptr_nonnull(strstr(svg, "the physician decide"));
    ck_assert_ptr_null(strstr(svg, ">collected")); /* nothing collected, no such label */
    again = render(&c, 0);
    ck_assert_str_eq(svg, again); /* deterministic */
    free(svg);
    free(again);
}
END_TEST

/* Thirty days: counts from 0 through 0.1 to 5,000/uL, doses, products, one not counted, a
 * projection, a repeated stop. */
START_TEST(chart_thirty_days)
{
    chart_day days[30];
    chart_mark marks[45];
    size_t i, n = 0;
    chart c;
    char *svg;

    for (i = 0; i < 30; i++) {
        chart_day *d = &days[i];

        d->day = (long)i + 1;
        d->cd34 = i < 3 ? NA : i == 3 ? 0.0 : 0.1 * pow(50000.0, (double)(i - 4) / 25.0);
        d->plerixafor = i == 5 || i == 6 ? 17.3 : NA;
        d->motixafortide = i == 11 ? 62.5 : NA;
        d->apheresis = i % 5 == 4;
        d->product = i == 14 ? NA : 0.3 * (double)(i % 3);
        marks[n++] = (chart_mark){d->day, 0, i < 8 ? PBSC_ACTION_WAIT : PBSC_ACTION_COLLECT, 0, ""};
        if (d->apheresis && n < 45)
            marks[n++] = (chart_mark){d->day, 1, PBSC_ACTION_CONTINUE, 0, ""};
    }
    marks[n - 1] = (chart_mark){30, 0, PBSC_ACTION_STOP_FAILED, 1, ""};
    c = chart_of(days, 30, marks, n);
    c.projected = 1;
    c.projection_day = 30;
    c.median = 0.8;
    c.lower = 0.3;
    c.upper = 2.1;
    c.level = 0.9;
    c.window_first = 5;
    c.window_last = 0;
    svg = render(&c, 0);
    assert_chart(&c, svg, n);
    ck_assert_ptr_nonnull(strstr(svg, ">0.1</text>")); /* the floor tick */
    ck_assert_ptr_nonnull(strstr(svg, ">5000</text>"));
    ck_assert_ptr_nonnull(strstr(svg, ">0</text>"));  /* the count of 0, on the floor */
    ck_assert_ptr_nonnull(strstr(svg, ">30</text>")); /* every day labelled */
    ck_assert_ptr_nonnull(strstr(svg, ">29</text>"));
    ck_assert_ptr_nonnull(strstr(svg, "rotate(-90)")); /* narrow columns: mg upwards */
    ck_assert_ptr_nonnull(strstr(svg, ">?</text>"));   /* the product not counted */
    ck_assert_ptr_nonnull(strstr(svg, ">median +0.8</text>"));
    ck_assert_ptr_nonnull(strstr(svg, ">today: stop-failed</text>"));
    ck_assert_ptr_nonnull(strstr(svg, "a stop repeated"));
    free(svg);
}
END_TEST

/* No apheresis at all: a flat cumulative line, no bars, no total label. */
START_TEST(chart_no_products)
{
    chart_day days[3] = {{3, NA, NA, NA, 0, NA}, {4, 8.0, 17.3, NA, 0, NA}, {5, NA, NA, NA, 0, NA}};
    chart_mark marks[3] = {{3, 0, PBSC_ACTION_WAIT, 0, ""},
                           {4, 0, PBSC_ACTION_PLERIXAFOR, 0, ""},
                           {5, 0, PBSC_ACTION_NEED_COUNT, 0, ""}};
    chart c = chart_of(days, 3, marks, 3);
    char *svg = render(&c, 0);

    assert_chart(&c, svg, 3);
    ck_assert_ptr_nonnull(strstr(svg, "d=\"M50.0 522.0 H465.0\""));
    ck_assert_ptr_null(strstr(svg, ">collected"));
    /* no bar: the legend's has no stroke width */
    ck_assert_ptr_null(strstr(svg, "fill=\"#a9c4e0\" stroke=\"#1f4e79\" stroke-width"));
    free(svg);
}
END_TEST

/* Embedded in a page: no declaration, the panels' viewBox, no words of today's. */
START_TEST(chart_embedded)
{
    chart_day days[1] = {{4, 8.0, NA, NA, 0, NA}};
    chart_mark marks[1] = {{4, 0, PBSC_ACTION_PLERIXAFOR, 0, ""}};
    chart c = chart_of(days, 1, marks, 1);
    char *svg = render(&c, 1), view[64];

    ck_assert_ptr_null(strstr(svg, "<?xml"));
    snprintf(view, sizeof view, "viewBox=\"0 %d %d %d\"", CHART_EMBED_TOP, CHART_WIDTH,
             CHART_EMBED_HEIGHT);
    ck_assert_ptr_nonnull(strstr(svg, view));
    ck_assert_ptr_null(strstr(svg, "Today's advice"));
    ck_assert_ptr_null(strstr(svg, "the physician decide"));
    assert_coordinates(svg, CHART_WIDTH, CHART_EMBED_TOP, CHART_EMBED_TOP + CHART_EMBED_HEIGHT);
    free(svg);
}
END_TEST

static Suite *
suite(void)
{
    Suite *s = suite_create("chart");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, num_fixed_point);
    tcase_add_test(tc, num_locale);
    tcase_add_test(tc, xml_escapes);
    tcase_add_test(tc, wrap_lines);
    tcase_add_test(tc, log_range);
    tcase_add_test(tc, log_mapping);
    tcase_add_test(tc, log_ticks);
    tcase_add_test(tc, linear_axis);
    tcase_add_test(tc, day_columns);
    tcase_add_test(tc, dodge_labels);
    tcase_add_test(tc, chart_one_day);
    tcase_add_test(tc, chart_thirty_days);
    tcase_add_test(tc, chart_no_products);
    tcase_add_test(tc, chart_embedded);
    suite_add_tcase(s, tc);
    return s;
}

int
main(void)
{
    return pbsc_test_run(suite());
}

/* SPDX-License-Identifier: MIT */
/* pbsc-decide's private header: the options, the course rows and the result its files share. */
#ifndef PBSC_DECIDE_H
#define PBSC_DECIDE_H

#include <math.h>
#include <stddef.h>

#include <pbsc.h>

#include "chart.h"
#include "cli.h"

/* NAN is a float constant; DNAN keeps the arithmetic double (-Wdouble-promotion). */
#define DNAN ((double)NAN)

extern const char prog[];

/* ---- the options pbsc-decide and pbsc-hl7 share (decide-options.c) ------------------ */

enum {
    OPT_POLICY = 256,
    OPT_GOAL,
    OPT_MINIMUM,
    OPT_TARGET,
    OPT_WEIGHT,
    OPT_WEIGHT_LB,
    OPT_HEIGHT,
    OPT_SEX,
    OPT_AGE,
    OPT_CRCL,
    OPT_RECIPIENT_WEIGHT,
    OPT_DIAGNOSIS,
    OPT_TRANSPLANTS,
    OPT_REGIMEN,
    OPT_DEVICE,
    OPT_CE,
    OPT_CE_SIGMA,
    OPT_MODEL,
    OPT_SHARED_END /* a program's own options start here */
};

/* Their rows of a getopt_long table. */
#define DECIDE_OPTIONS                                                                         \
    {"policy", required_argument, NULL, OPT_POLICY},                                           \
        {"goal", required_argument, NULL, OPT_GOAL},                                           \
        {"minimum", required_argument, NULL, OPT_MINIMUM},                                     \
        {"target", required_argument, NULL, OPT_TARGET},                                       \
        {"weight", required_argument, NULL, OPT_WEIGHT},                                       \
        {"weight-lb", required_argument, NULL, OPT_WEIGHT_LB},                                 \
        {"height", required_argument, NULL, OPT_HEIGHT},                                       \
        {"sex", required_argument, NULL, OPT_SEX},                                             \
        {"age", required_argument, NULL, OPT_AGE},                                             \
        {"crcl", required_argument, NULL, OPT_CRCL},                                           \
        {"recipient-weight", required_argument, NULL, OPT_RECIPIENT_WEIGHT},                   \
        {"diagnosis", required_argument, NULL, OPT_DIAGNOSIS},                                 \
        {"transplants", required_argument, NULL, OPT_TRANSPLANTS},                             \
        {"regimen", required_argument, NULL, OPT_REGIMEN},                                     \
        {"device", required_argument, NULL, OPT_DEVICE},                                       \
        {"ce", required_argument, NULL, OPT_CE},                                               \
        {"ce-sigma", required_argument, NULL, OPT_CE_SIGMA},                                   \
    {                                                                                          \
        "model", required_argument, NULL, OPT_MODEL                                            \
    }


/* The course CSV's columns, in the order of the COL_ indices, the required ones, and the
 * quantity each sets with pbsc_course_set() (pbsc-decide.c). */
extern const char *const columns[];
extern const char *const required_columns[];
enum {
    COL_DAY,
    COL_CD34,
    COL_WBC,
    COL_PLT,
    COL_HCT,
    COL_PLERIXAFOR,
    COL_MOTIXAFORTIDE,
    COL_PROCESSED,
    COL_COLLECTED,
    NCOLS
};
extern const pbsc_quantity column_quantity[NCOLS];

/* What the user asked for; NAN / NULL / 0 = not given. */
typedef struct opts {
    const char *policy;
    double goal, minimum;
    const char *target;
    double weight, weight_lb, height, age, crcl, recipient;
    pbsc_sex sex;
    pbsc_diagnosis diagnosis;
    long transplants; /* 0: not given */
    pbsc_regimen regimen;
    const char *device;
    double ce, ce_sigma;
    const char *model; /* a pbsc-model(5) file */
    long day;          /* 0: the whole course */
    int list_policies;
    cli_format format;
    int html;          /* --format=html (format is then CLI_FORMAT_TEXT) */
    int format_given;  /* --format was given */
    const char *chart; /* --chart FILE, "-" for standard output */
    const char *record; /* --record FILE: the recommendation as a pbsc-record(5) document */
    const char *replay; /* --replay FILE: decide a record again and compare */
    int force;          /* --force: --record may replace an existing file */
    const char *path;
} opts;

/* One course row as the file gives it (v[COL_DAY] unused), and its line. */
typedef struct row {
    long day;
    long line;
    double v[NCOLS];
} row;

/* Everything printed, computed before anything is printed. */
typedef struct result {
    const opts *o;
    const pbsc_policy *policy;
    pbsc_policy *owned; /* a policy read from a file */
    pbsc_policy_info info;
    pbsc_model *model; /* --model, or --device/--ce as a model; NULL: the literature model */
    const pbsc_target *target;
    double weight_kg; /* --weight, or --weight-lb converted */
    pbsc_course *course;
    char path[256]; /* the course file as messages name it */
    row *rows;
    size_t nrows, cap; /* rows read */
    size_t shown;      /* rows shown: the whole course, or up to --day */
    pbsc_decision *points;
    size_t npoints; /* decision points shown */
    const pbsc_decision *final;
} result;

/* decide-options.c: the shared options into o, their
 * checks (the weight may come from elsewhere when not required), and their part of --help
 * with the program's line for --weight. CLI_EXIT_* */
void opts_init(opts *o);
int decide_option(opts *o, int c, const char *arg);
int decide_check(const opts *o, int weight_required);
void decide_usage(const char *weight);

/* decide-course.c: load the policy, the model and the course, and replay it; CLI_EXIT_* */
int compute(const opts *o, result *r);
/* Its steps that pbsc-hl7 shares: the policy, the target and model, a course of the person
 * (weight_kg: --weight, or --weight-lb converted, or the caller's when both are NAN). */
int load_policy(const opts *o, result *r, pbsc_diag *d);
int load_presets(const opts *o, result *r, pbsc_diag *d);
int new_course(const opts *o, result *r, double weight_kg, pbsc_diag *d);
void result_free(result *r);
/* A recorded value of point i's line, or NAN when the line does not show it. */
double fact(const result *r, size_t i, size_t column);

/* decide-text.c: the table of points and the recommendation; 0, or -1 out of memory. */
int print_text(const result *r);

/* decide-chart.c: the chart of the course (chart.h) as the result gives it, its words kept
 * beside it. */
typedef struct chart_parts {
    chart c;
    chart_day *days;
    chart_mark *marks;
    char title[160];
    char person[256];
    char provenance[256];
    char footer[320];
    char note[200];
    char today[CHART_TODAY_LINES][480];
} chart_parts;

/* 0, or -1 out of memory; chart_parts_free() either way. */
int chart_build(const result *r, chart_parts *p);
void chart_parts_free(chart_parts *p);
/* --chart FILE: the SVG written whole, or an error printed; CLI_EXIT_* */
int write_chart(const result *r);
/* The advice of a decision in words: "plerixafor 17.3 mg (dose 1, for apheresis day 5)". */
const char *tonight_words(const pbsc_dose *t, char *buf, size_t size);

/* decide-html.c: the printable report on standard output; 0, or -1 out of memory. */
int print_html(const result *r);

/* decide-record.c: --record FILE, written whole, or an error printed (CLI_EXIT_*); --replay
 * FILE: 0 same, 1 different, 2 an error. */
int write_record(const result *r);
int replay_record(const char *path);

/* decide-json.c */
void print_json(const result *r);
void print_tsv(const result *r);
int list_policies(const opts *o);

#endif

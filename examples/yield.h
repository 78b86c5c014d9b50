/* SPDX-License-Identifier: MIT */
/* pbsc-yield's options and result (examples/pbsc-yield.c computes, examples/yield-print.c
 * prints). */
#ifndef PBSC_YIELD_H
#define PBSC_YIELD_H

#include <pbsc.h>

#include "cli.h"

typedef struct opts {
    double cd34;
    int cd34_unit;
    double weight, weight_lb, recipient, height;
    pbsc_sex sex;
    pbsc_band band;
    double volume, tbv_multiple, wbc, cd34_events;
    const char *device;
    double ce, ce_sigma;
    double count_slope; /* the yield's log-log slope on the count; NAN = the default */
    const char *model; /* a pbsc-model(5) file */
    double goal;
    const char *target;
    double level, probability;
    pbsc_caps caps;
    int list_devices, list_targets;
    cli_format format;
} opts;

/* Everything printed, computed before anything is printed. NAN = not computed. */
typedef struct result {
    const opts *o;
    const pbsc_model *model; /* --model, or NULL */
    const pbsc_ce_model *ce;
    pbsc_ce_model user_ce;
    const pbsc_target *target;
    pbsc_session s;
    double tbv_l;
    double volume_l, tbv_multiple; /* the session processed, or NAN in volume-only mode */
    int projected;
    pbsc_projection proj;
    double goal;
    double vol_goal_median, vol_goal_p; /* one session's, or NAN when beyond one session */
    char why_median[256], why_p[256];   /* why not, or "" */
    int feasible;                       /* a plan reaches the goal at --probability */
    char unreachable[256];              /* why no plan does (feasible 0), or "" */
    int have_sessions;
    size_t sessions;
    double litres_per_session;
} result;

/* The report in each format; the text one returns -1 when memory ran out (nothing printed). */
int yield_print_text(const result *r);
void yield_print_json(const result *r);
void yield_print_tsv(const result *r);

#endif /* PBSC_YIELD_H */

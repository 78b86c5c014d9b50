/* SPDX-License-Identifier: MIT */
/* pbsc-calibrate's shared state: the options, the history as read, and the result the report
 * prints (examples/pbsc-calibrate.c reads and fits; examples/calibrate-report.c prints). */
#ifndef PBSC_CALIBRATE_H
#define PBSC_CALIBRATE_H

#include <stddef.h>

#include <pbsc.h>

#include "calibrate-categorical.h"
#include "calibrate-population.h"
#include "cli.h"

/* What the user asked for. */
typedef struct opts {
    const char *output; /* -o FILE, "-" (standard output), or NULL */
    const char *population;       /* --population FILE: the population to start from */
    const char *write_population; /* --write-population FILE, "-", or NULL */
    int force;          /* --force: -o FILE (--write-population FILE) may replace a file */
    int json;
    const char *path;
} opts;

/* The history as read, and what the report needs to say about its columns. */
typedef struct input {
    char path[256]; /* as messages name it */
    long header_line;
    pbsc_history *history;
    long *lines; /* the CSV line of each history row */
    size_t cap;
    size_t ncov;
    char **cov; /* covariate names: the numeric extra columns in header order, then the 0/1
                   covariates of the categorical ones */
    size_t wbc_rows, hct_rows;
    size_t ncat;
    cat_column cat[2]; /* sex and diagnosis, when the history has them */
} input;

/* Everything printed, computed before anything is printed. */
typedef struct result {
    const opts *o;
    input in;
    pbsc_model *model;
    pbsc_model_params params;
    pbsc_model_info info; /* what was fitted, what was floored, and the notes of each part */
    pbsc_fit_report rep;
    int fitted_population; /* --population or --write-population: pop is fitted */
    calpop pop;
} result;

/* The model file written (-o FILE), the population file written (--write-population FILE),
 * or NULL (none, or standard output). */
const char *calibrate_model_file(const result *r);
const char *calibrate_population_file(const result *r);
/* The report: 0, or -1 when memory ran out (nothing printed). */
int calibrate_print_text(const result *r);
void calibrate_print_json(const result *r);

#endif /* PBSC_CALIBRATE_H */

/* SPDX-License-Identifier: MIT */
/* pbsc-calibrate's categorical covariates: sex and diagnosis as a laboratory system exports
 * them, coded as 0/1 covariates against a reference level. */
#ifndef PBSC_CALIBRATE_CATEGORICAL_H
#define PBSC_CALIBRATE_CATEGORICAL_H

#include <stddef.h>

#include <pbsc.h>

#define CAT_LEVELS 6 /* the diagnoses MM ... other; sex has 2 */

/* One categorical column of the history. */
typedef struct cat_column {
    size_t extra;              /* its index among the CSV's extra columns */
    const char *name;          /* "sex" or "diagnosis" */
    size_t nlevels;            /* 2 or 6 */
    size_t count[CAT_LEVELS];  /* rows with each level */
    size_t missing;            /* rows without one */
    int reference;             /* the level left out (the most frequent), -1 if none */
    char dummy[CAT_LEVELS][32]; /* the 0/1 covariate of each level, "" when it has none */
} cat_column;

/* Whether an extra column's header names a categorical covariate (sex, diagnosis). */
int cat_is_categorical(const char *header);
/* Sets up column `c` for the extra column `extra` named `header`. */
void cat_init(cat_column *c, size_t extra, const char *header);
/* The level of a cell (-1: empty or "unknown"); 0 when the cell is not a level, with the
 * reason in why. */
int cat_level(const cat_column *c, const char *cell, int *level, char *why, size_t size);
/* The name of level i ("f", "NHL"). */
const char *cat_level_name(const cat_column *c, int level);
/* After every row is counted: the reference (the most frequent level, the first in the
 * listed order on a tie) and the 0/1 covariates of the other levels present; returns how
 * many. */
size_t cat_code(cat_column *c);
/* The number of 0/1 covariates cat_code() made. */
size_t cat_code_count(const cat_column *c);
/* One sentence for the report and the model file: the reference, each covariate and its
 * level, the rows without a level. */
void cat_describe(const cat_column *c, char *buf, size_t size);
/* The value of the dummy of level `d` in a row of level `level` (-1: NAN). */
double cat_value(int level, int d);

#endif /* PBSC_CALIBRATE_CATEGORICAL_H */

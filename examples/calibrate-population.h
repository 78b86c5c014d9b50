/* SPDX-License-Identifier: MIT */
/* pbsc-calibrate's site population (examples/calibrate-population.c). */
#ifndef PBSC_CALIBRATE_POPULATION_H
#define PBSC_CALIBRATE_POPULATION_H

#include <stdio.h>

#include <pbsc.h>

#include "cli.h"

typedef struct calpop {
    const char *start; /* --population FILE, or NULL: the library's defaults */
    pbsc_population *pop;
    pbsc_population_fit fit;
} calpop;

/* The start population, fitted to the history: CLI_EXIT_OK, or an exit status (printed). */
int calpop_fit(const char *prog, const pbsc_history *history, const char *start, calpop *c);
void calpop_free(calpop *c);
/* The pbsc-population(5) file, each key's state and note first as comments; -1: no memory. */
int calpop_write(FILE *fp, const calpop *c, const char *history);
/* The report's rows (a 2-column table); `written` the file or NULL; -1: no memory. */
int calpop_text(cli_table *t, const calpop *c, const char *written);
void calpop_json(cli_json *j, const calpop *c, const char *written);

#endif /* PBSC_CALIBRATE_POPULATION_H */

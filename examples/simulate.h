/* SPDX-License-Identifier: MIT */
/* pbsc-simulate's parts: the options, the simulation (simulate-run.c) and the validation
 * report (simulate-validate.c). */
#ifndef PBSC_SIMULATE_H
#define PBSC_SIMULATE_H

#include <stddef.h>

#include <pbsc.h>

#include "cli.h"

#define SIM_MAX_POLICIES 32

typedef struct sim_opts {
    const char *policies[SIM_MAX_POLICIES]; /* names or files; "all": every preset */
    size_t npolicies;
    size_t patients; /* 0: the mode's default */
    unsigned long seed;
    unsigned threads;
    const char *model, *population, *target;
    double goal, minimum; /* NAN: not given */
    pbsc_regimen regimen;
    pbsc_diagnosis diagnosis; /* every patient's; PBSC_DX_UNKNOWN: not given */
    int transplants;          /* every patient's; 0: not given */
    cli_format format;
    int validate, verify, write_population;
} sim_opts;

int sim_run(const char *prog, const sim_opts *o, const pbsc_population *pop);
int sim_validate(const char *prog, const sim_opts *o, const pbsc_population *pop);

#endif /* PBSC_SIMULATE_H */

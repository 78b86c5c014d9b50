/* SPDX-License-Identifier: MIT */
/* make bench: the simulator's cost. 10,000 virtual patients under one rule-based preset
 * (mayo2013-p2) on 1 thread and on 2, the median of 3 runs' wall time and the process's CPU
 * time (the target: under 1 s on 2 cores); and the same under the model-based forecast
 * preset on 300 patients, per patient. A benchmark, never a test: it asserts nothing. */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "pbsc.h"
#include "bench.h"

#define ROUNDS 3

static double
cpu_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The wall time of one simulation, s, its CPU time in *cpu; the decisions in *points. */
static double
once(const pbsc_policy *p, const pbsc_population *pop, size_t patients, unsigned threads,
     double *cpu, size_t *points)
{
    pbsc_sim_params prm;
    pbsc_sim_result r;
    double t0, c0 = cpu_ns();

    pbsc_sim_params_init(&prm);
    prm.patients = patients;
    prm.threads = threads;
    pbsc_sim_result_init(&r);
    t0 = now_ns();
    if (pbsc_simulate(&p, 1, NULL, pop, &prm, &r, NULL) != PBSC_OK)
        return NAN;
    *points = r.decisions;
    sink = r.failure;
    *cpu = (cpu_ns() - c0) / 1e9;
    return (now_ns() - t0) / 1e9;
}

static void
row(const char *id, const pbsc_population *pop, size_t patients, unsigned threads)
{
    const pbsc_policy *p;
    double wall[ROUNDS], cpu[ROUNDS], w, c;
    size_t points = 0;
    int i;

    if (pbsc_policy_find(id, &p, NULL) != PBSC_OK)
        return;
    for (i = 0; i < ROUNDS; i++)
        wall[i] = once(p, pop, patients, threads, &cpu[i], &points);
    w = median_of(wall, ROUNDS);
    c = median_of(cpu, ROUNDS);
    printf("%-12s %6zu patients %u thread%s wall %7.3f s  cpu %7.3f s  %8.1f us/patient  "
           "%6.2f us/point (cpu)\n",
           id, patients, threads, threads == 1 ? " " : "s", w, c, c * 1e6 / (double)patients,
           c * 1e6 / (double)points);
}

int
main(void)
{
    pbsc_population *pop;

    if (pbsc_population_new(&pop, NULL) != PBSC_OK)
        return 1;
    printf("pbsc_simulate: median of %d runs (wall time on a shared machine is inflated)\n",
           ROUNDS);
    row("mayo2013-p2", pop, 10000, 1);
    row("mayo2013-p2", pop, 10000, 2);
    row("forecast", pop, 300, 1);
    row("forecast", pop, 300, 2);
    pbsc_population_free(pop);
    return 0;
}

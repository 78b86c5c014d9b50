/* SPDX-License-Identifier: MIT */
/* The simulator's shared state (lib/simulate.c runs the patients, lib/sim_result.c sums
 * them into the caller's results). */
#ifndef PBSC_SIMULATE_PRIVATE_H
#define PBSC_SIMULATE_PRIVATE_H

#include "population_private.h"

/* Patients per chunk: a chunk is summed on its own, then chunks in order, so the sums do
 * not depend on which thread ran which chunk. */
#define CHUNK 64
#define MAX_THREADS 64

/* The 1.0 layouts of the size-tagged structs. */
#define PARAMS_MIN (offsetof(pbsc_sim_params, verify) + sizeof(int))
#define RESULT_MIN (offsetof(pbsc_sim_result, decisions) + sizeof(size_t))

/* One policy's sums over some patients. */
struct acc {
    size_t n, goal, minimum, outside, px, decisions;
    size_t doses, doses2, aph, aph2, days, days2;
    double coll, coll2;
    size_t ends[PBSC_END_COUNT_];
};

struct sim {
    const pbsc_policy *const *policies;
    size_t npol;
    const pbsc_model *model;
    const pbsc_population *pop;
    pbsc_sim_params prm;
    struct acc *chunks; /* [chunk][policy] */
    size_t nchunks;
};

/* lib/sim_result.c: the chunks' sums, in chunk order, into the caller's results. */
int pbsc_sim_collect(struct sim *s, pbsc_sim_result *results);

#endif /* PBSC_SIMULATE_PRIVATE_H */

/* SPDX-License-Identifier: MIT */
/* The simulator's results: the size-tagged structs' defaults, the shares and means with their
 * standard errors, the names of the ends. */
#include "simulate_private.h"

#include <string.h>

PBSC_API void
pbsc_sim_params_init_sized(pbsc_sim_params *params, size_t size)
{
    pbsc_sim_params full;

    memset(&full, 0, sizeof full);
    full.size = sizeof full;
    full.patients = 1000;
    full.seed = 1;
    full.threads = 1;
    full.regimen = PBSC_REGIMEN_GCSF;
    full.goal = 5.0;    /* the auto5 target: pbsc_target_find(3) */
    full.minimum = 2.0;
    full.verify = 0;
    full.diagnosis = PBSC_DX_UNKNOWN; /* not given, as a person's: pbsc_person_init(3) */
    full.transplants = 0;
    pbsc_sized_init(params, size, &full, sizeof full);
}

PBSC_API void
pbsc_sim_result_init_sized(pbsc_sim_result *result, size_t size)
{
    pbsc_sim_result full;

    memset(&full, 0, sizeof full);
    full.size = sizeof full;
    pbsc_sized_init(result, size, &full, sizeof full);
}

PBSC_API const char *
pbsc_end_name(pbsc_end end)
{
    static const char *const names[] = {"stop-goal",      "stop-minimum", "stop-failed",
                                        "outside-policy", "need-count",   "cut"};

    if ((int)end < 0 || end >= PBSC_END_COUNT_)
        return "unknown-end";
    return names[end];
}

static void
share(size_t k, size_t n, double *p, double *se)
{
    *p = (double)k / (double)n;
    *se = sqrt(*p * (1.0 - *p) / (double)n);
}

/* The mean and its standard error, s / sqrt(n) with the sample SD s. */
static void
mean(double sum, double sum2, size_t n, double *m, double *se)
{
    double var = n > 1 ? (sum2 - sum * sum / (double)n) / (double)(n - 1) : 0.0;

    *m = sum / (double)n;
    *se = sqrt((var > 0.0 ? var : 0.0) / (double)n);
}

static void
result_of(const struct acc *a, const pbsc_policy *p, pbsc_sim_result *r)
{
    size_t i;

    pbsc_sim_result_init(r);
    pbsc_fmt(r->policy_id, sizeof r->policy_id, "%s", p->id);
    memcpy(r->policy_hash, p->hash, sizeof r->policy_hash);
    r->patients = a->n;
    share(a->goal, a->n, &r->goal_reached, &r->goal_reached_se);
    share(a->minimum, a->n, &r->minimum_reached, &r->minimum_reached_se);
    share(a->n - a->minimum, a->n, &r->failure, &r->failure_se);
    share(a->outside, a->n, &r->outside_policy, &r->outside_policy_se);
    share(a->px, a->n, &r->plerixafor_share, &r->plerixafor_share_se);
    mean((double)a->doses, (double)a->doses2, a->n, &r->doses_per_patient,
         &r->doses_per_patient_se);
    mean((double)a->aph, (double)a->aph2, a->n, &r->aphereses_per_patient,
         &r->aphereses_per_patient_se);
    mean((double)a->days, (double)a->days2, a->n, &r->days, &r->days_se);
    mean(a->coll, a->coll2, a->n, &r->collected, &r->collected_se);
    for (i = 0; i < PBSC_END_COUNT_; i++)
        r->ends[i] = a->ends[i];
    r->decisions = a->decisions;
}

/* The chunks' sums, in chunk order, into the caller's results. */
int
pbsc_sim_collect(struct sim *s, pbsc_sim_result *results)
{
    char *base = (char *)results;
    size_t stride = results->size, p, ch, i;

    for (p = 0; p < s->npol; p++) {
        struct acc a;
        pbsc_sim_result r;
        pbsc_sim_result *out = (pbsc_sim_result *)(void *)(base + p * stride);

        memset(&a, 0, sizeof a);
        for (ch = 0; ch < s->nchunks; ch++) {
            const struct acc *c = &s->chunks[ch * s->npol + p];
            a.n += c->n, a.goal += c->goal, a.minimum += c->minimum, a.outside += c->outside;
            a.px += c->px, a.decisions += c->decisions, a.doses += c->doses;
            a.doses2 += c->doses2, a.aph += c->aph, a.aph2 += c->aph2, a.days += c->days;
            a.days2 += c->days2, a.coll += c->coll, a.coll2 += c->coll2;
            for (i = 0; i < PBSC_END_COUNT_; i++)
                a.ends[i] += c->ends[i];
        }
        result_of(&a, s->policies[p], &r);
        out->size = stride;
        pbsc_sized_out(out, &r, sizeof r, RESULT_MIN);
    }
    return PBSC_OK;
}


/* SPDX-License-Identifier: MIT */
/* The simulator: every virtual patient's course decided point by point under each policy
 * (pbsc_decide's walk, kept incrementally) and acted out on the population's world. */
#define _POSIX_C_SOURCE 200809L /* pthread under -std=c99 */
#include "simulate_private.h"
#include "decide_private.h"

#include <pthread.h>
#include <string.h>

/* What one course came to. */
struct outcome {
    pbsc_end end;
    double collected, goal, minimum;
    size_t aph, doses, decisions;
    long days;
};

static int
same_number(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

/* The audit: pbsc_decide() at the same point gives the same decision. */
static int
verify(const struct sim *s, const pbsc_course *c, const pbsc_policy *p, long day,
       pbsc_moment moment, const pbsc_decision *d, pbsc_diag *diag)
{
    pbsc_decision ref;
    int rc;

    pbsc_decision_init(&ref);
    if ((rc = pbsc_decide(c, p, s->model, day, moment, &ref, diag)) != PBSC_OK)
        return rc;
    if (ref.action != d->action || strcmp(ref.rule, d->rule) != 0 ||
        strcmp(ref.reason, d->reason) != 0 || ref.tonight.drug != d->tonight.drug ||
        !same_number(ref.tonight.mg, d->tonight.mg) || ref.warnings != d->warnings ||
        !same_number(ref.volume_l, d->volume_l) ||
        !same_number(ref.p_goal_with, d->p_goal_with) ||
        !same_number(ref.p_goal_without, d->p_goal_without) ||
        !same_number(ref.collected, d->collected)) {
        pbsc_fail(diag, PBSC_E_CONFLICT, "decision", NAN,
                  "policy %s day %ld %s: the walk says %s (%s), pbsc_decide %s (%s)", p->id, day,
                  pbsc_moment_name(moment), pbsc_action_name(d->action), d->rule,
                  pbsc_action_name(ref.action), ref.rule);
        if (diag != NULL)
            diag->day = day;
        return PBSC_E_CONFLICT;
    }
    return PBSC_OK;
}

static int
decide(const struct sim *s, struct pbsc_walk *k, const pbsc_course *c, const pbsc_policy *p,
       long day, pbsc_moment moment, pbsc_decision *d, pbsc_diag *diag)
{
    int rc = pbsc_walk_point(k, c->n - 1, moment, d, diag);

    if (rc == PBSC_OK && s->prm.verify)
        rc = verify(s, c, p, day, moment, d, diag);
    return rc;
}

/* The end a stopping decision makes, or -1 when the course goes on. */
static int
end_of(pbsc_action a)
{
    switch (a) {
    case PBSC_ACTION_STOP_GOAL:
        return PBSC_END_GOAL;
    case PBSC_ACTION_STOP_MINIMUM:
        return PBSC_END_MINIMUM;
    case PBSC_ACTION_STOP_FAILED:
        return PBSC_END_FAILED;
    case PBSC_ACTION_OUTSIDE_POLICY:
        return PBSC_END_OUTSIDE;
    case PBSC_ACTION_NEED_COUNT:
        return PBSC_END_NEED_COUNT;
    default:
        return -1;
    }
}

/* This morning's row: the count from the first counted day, the WBC (every day under
 * chemotherapy: the nadir and the recovery are read from it) and the Hct. */
static int
morning_row(const struct sim *s, const struct pbsc_patient *pt, pbsc_course *c, gsl_rng *r,
            long day, long first, double count, pbsc_diag *diag)
{
    pbsc_regimen reg = s->prm.regimen;
    double wbc = pbsc_world_wbc(pt, reg, day), cd34 = NAN;
    int rc;

    if (day >= first)
        cd34 = pbsc_world_measure(s->pop, pt, r, day, wbc, count);
    if ((rc = pbsc_course_set(c, day, PBSC_Q_CD34_UL, cd34, diag)) != PBSC_OK)
        return rc;
    /* before the nadir of chemotherapy: a normal WBC of 4 x10^9/L [ours] */
    if (reg == PBSC_REGIMEN_CHEMO_GCSF && day < 5)
        wbc = 4.0;
    if ((reg == PBSC_REGIMEN_CHEMO_GCSF || day >= first) &&
        (rc = pbsc_course_set(c, day, PBSC_Q_WBC, wbc, diag)) != PBSC_OK)
        return rc;
    if (day >= first && (rc = pbsc_course_set(c, day, PBSC_Q_HCT, pt->hct, diag)) != PBSC_OK)
        return rc;
    return PBSC_OK;
}

/* Today's apheresis as advised: the volume processed and the world's product. */
static int
harvest(const struct sim *s, const struct pbsc_patient *pt, pbsc_course *c, long day,
        double count, double litres, struct outcome *o, pbsc_diag *diag)
{
    double ce, y, wbc = pbsc_world_wbc(pt, s->prm.regimen, day);
    int rc;

    y = pbsc_world_yield(s->pop, pt, day, count, litres, wbc, &ce);
    if ((rc = pbsc_course_set(c, day, PBSC_Q_VOLUME_L, litres, diag)) != PBSC_OK ||
        (rc = pbsc_course_set(c, day, PBSC_Q_COLLECTED, y, diag)) != PBSC_OK)
        return rc;
    o->collected += y;
    o->aph++;
    return PBSC_OK;
}

static int
dose(pbsc_course *c, long day, const pbsc_dose *t, struct outcome *o, pbsc_diag *diag)
{
    pbsc_quantity q = t->drug == PBSC_DRUG_MOTIXAFORTIDE ? PBSC_Q_MOTIXAFORTIDE_MG
                                                          : PBSC_Q_PLERIXAFOR_MG;
    int rc = pbsc_course_set(c, day, q, t->mg, diag);

    if (rc == PBSC_OK)
        o->doses++;
    return rc;
}

/* One day: the morning decided and acted out, then the evening. 1: the course ended. */
static int
one_day(const struct sim *s, const struct pbsc_patient *pt, const pbsc_policy *p,
        struct pbsc_walk *k, pbsc_course *c, long day, double *count, struct outcome *o,
        pbsc_diag *diag, int *rc)
{
    pbsc_decision m, e;
    int collected = 0, end;
    size_t before = o->doses;

    if ((*rc = decide(s, k, c, p, day, PBSC_MORNING, &m, diag)) != PBSC_OK)
        return 1;
    o->decisions++;
    o->goal = m.goal;
    o->minimum = m.minimum;
    if (m.action == PBSC_ACTION_COLLECT) {
        if ((*rc = harvest(s, pt, c, day, *count, m.volume_l, o, diag)) != PBSC_OK)
            return 1;
        collected = 1;
    }
    if ((end = end_of(m.action)) >= 0) {
        o->end = (pbsc_end)end;
        return 1;
    }
    if ((*rc = decide(s, k, c, p, day, PBSC_EVENING, &e, diag)) != PBSC_OK)
        return 1;
    o->decisions++;
    if ((end = end_of(e.action)) >= 0) {
        o->end = (pbsc_end)end;
        return 1;
    }
    if (e.tonight.drug != PBSC_DRUG_NONE && (*rc = dose(c, day, &e.tonight, o, diag)) != PBSC_OK)
        return 1;
    if (!isnan(*count))
        *count = pbsc_world_next(s->pop, pt, day, pbsc_world_first_day(pt, s->prm.regimen),
                                 collected, e.tonight.drug, (int)before, *count);
    return 0;
}

static int
run_course(const struct sim *s, const struct pbsc_patient *pt, const pbsc_policy *p, gsl_rng *r,
           struct outcome *o, pbsc_diag *diag)
{
    long first = pbsc_world_first_day(pt, s->prm.regimen), day;
    double count = NAN;
    struct pbsc_walk k;
    pbsc_course *c;
    int rc;

    memset(o, 0, sizeof *o);
    o->end = PBSC_END_CUT;
    rc = pbsc_course_new(&pt->person, s->prm.regimen, s->prm.goal, s->prm.minimum, &c, diag);
    if (rc != PBSC_OK)
        return rc;
    if ((rc = pbsc_walk_init(&k, c, p, s->model, diag)) != PBSC_OK) {
        pbsc_course_free(c);
        return rc;
    }
    for (day = 1; day <= PBSC_WORLD_DAYS; day++) {
        if (day == first)
            count = pbsc_world_first_count(s->pop, pt, s->prm.regimen);
        o->days = day;
        if ((rc = morning_row(s, pt, c, r, day, first, count, diag)) != PBSC_OK ||
            one_day(s, pt, p, &k, c, day, &count, o, diag, &rc))
            break;
    }
    pbsc_course_free(c);
    return rc;
}

static void
add(struct acc *a, const struct outcome *o)
{
    size_t days = (size_t)o->days;

    a->n++;
    a->goal += pbsc_reached(o->collected, o->goal);
    a->minimum += pbsc_reached(o->collected, o->minimum);
    a->outside += o->end == PBSC_END_OUTSIDE;
    a->px += o->doses > 0;
    a->decisions += o->decisions;
    a->doses += o->doses;
    a->doses2 += o->doses * o->doses;
    a->aph += o->aph;
    a->aph2 += o->aph * o->aph;
    a->days += days;
    a->days2 += days * days;
    a->coll += o->collected;
    a->coll2 += o->collected * o->collected;
    a->ends[o->end]++;
}

/* A thread's share: chunks t, t + T, ...; its first failure (by patient) is kept. */
struct job {
    const struct sim *s;
    unsigned t, nthreads;
    int rc;
    size_t bad;
    pbsc_diag diag;
};

union rng_state {
    double align;
    unsigned long words[16];
};

static void *
worker(void *arg)
{
    struct job *j = arg;
    const struct sim *s = j->s;
    union rng_state state;
    struct pbsc_patient pt;
    struct outcome o;
    gsl_rng r;
    size_t ch, i, p;

    r.type = gsl_rng_taus2;
    r.state = &state;
    for (ch = j->t; ch < s->nchunks; ch += j->nthreads)
        for (i = ch * CHUNK; i < (ch + 1) * CHUNK && i < s->prm.patients; i++) {
            pbsc_world_patient(s->pop, s->prm.seed, i, &r, &pt);
            pt.person.diagnosis = s->prm.diagnosis; /* the caller's, not drawn */
            pt.person.transplants = s->prm.transplants;
            for (p = 0; p < s->npol; p++) {
                j->rc = run_course(s, &pt, s->policies[p], &r, &o, &j->diag);
                if (j->rc != PBSC_OK) {
                    j->bad = i;
                    return NULL;
                }
                add(&s->chunks[ch * s->npol + p], &o);
            }
        }
    return NULL;
}

/* ---- the API ------------------------------------------------------------------------- */

/* Runs the jobs: job 0 on the calling thread, the others on their own (or here, when a
 * thread cannot be made: the results are the same). */
static void
run_jobs(struct job *jobs, unsigned n)
{
    pthread_t tid[MAX_THREADS];
    int made[MAX_THREADS];
    unsigned t;

    for (t = 1; t < n; t++)
        made[t] = pthread_create(&tid[t], NULL, worker, &jobs[t]) == 0;
    worker(&jobs[0]);
    for (t = 1; t < n; t++) {
        if (made[t])
            pthread_join(tid[t], NULL);
        else
            worker(&jobs[t]);
    }
}

static int
check_args(const pbsc_policy *const *policies, size_t count, const pbsc_population *pop,
           const pbsc_sim_params *params, const pbsc_sim_result *results, pbsc_diag *diag)
{
    size_t i;

    if (policies == NULL || pop == NULL || params == NULL || results == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         policies == NULL ? "policies"
                         : pop == NULL    ? "population"
                         : params == NULL ? "params"
                                          : "results",
                         NAN, "NULL argument");
    if (count == 0)
        return pbsc_fail(diag, PBSC_E_INVAL, "count", 0.0, "no policy to simulate");
    for (i = 0; i < count; i++)
        if (policies[i] == NULL)
            return pbsc_fail(diag, PBSC_E_INVAL, "policies", (double)i, "policies[%zu] is NULL",
                             i);
    if (params->size < PARAMS_MIN)
        return pbsc_fail(diag, PBSC_E_INVAL, "params", (double)params->size,
                         "params->size %zu: initialise it with pbsc_sim_params_init()",
                         params->size);
    if (results->size < RESULT_MIN)
        return pbsc_fail(diag, PBSC_E_INVAL, "results", (double)results->size,
                         "results[0].size %zu: initialise it with pbsc_sim_result_init()",
                         results->size);
    return PBSC_OK;
}

static int
check_params(const pbsc_sim_params *p, pbsc_diag *diag)
{
    if (p->patients == 0)
        return pbsc_fail(diag, PBSC_E_RANGE, "patients", 0.0, "no patients to simulate");
    if (p->threads == 0 || p->threads > MAX_THREADS)
        return pbsc_fail(diag, PBSC_E_RANGE, "threads", (double)p->threads,
                         "threads %u is outside [1, %d]", p->threads, MAX_THREADS);
    if (pbsc_regimen_name(p->regimen) == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, "regimen", (double)p->regimen,
                         "unknown regimen %d", (int)p->regimen);
    if ((int)p->diagnosis < 0 || p->diagnosis >= PBSC_DX_COUNT)
        return pbsc_fail(diag, PBSC_E_INVAL, "diagnosis", (double)p->diagnosis,
                         "unknown diagnosis code %d", (int)p->diagnosis);
    if (p->transplants < 0 || p->transplants > 2)
        return pbsc_fail(diag, PBSC_E_RANGE, "transplants", (double)p->transplants,
                         "transplants %d: 1 or 2 planned (0 = not given)", p->transplants);
    /* the goal and minimum are checked by the course, as a caller's would be */
    return PBSC_OK;
}

PBSC_API int
pbsc_simulate(const pbsc_policy *const *policies, size_t count, const pbsc_model *model,
              const pbsc_population *population, const pbsc_sim_params *params,
              pbsc_sim_result *results, pbsc_diag *diag)
{
    struct job jobs[MAX_THREADS];
    struct sim s;
    size_t first_bad = (size_t)-1;
    unsigned t, n;
    int rc;

    if ((rc = check_args(policies, count, population, params, results, diag)) != PBSC_OK)
        return rc;
    memset(&s, 0, sizeof s);
    pbsc_sim_params_init(&s.prm);
    pbsc_sized_in(&s.prm, sizeof s.prm, params, PARAMS_MIN);
    if ((rc = check_params(&s.prm, diag)) != PBSC_OK)
        return rc;
    s.policies = policies;
    s.npol = count;
    s.model = model != NULL ? model : pbsc_model_default();
    s.pop = population;
    s.nchunks = (s.prm.patients + CHUNK - 1) / CHUNK;
    if (s.nchunks > ((size_t)-1) / sizeof *s.chunks / count)
        return pbsc_fail(diag, PBSC_E_RANGE, "patients", (double)s.prm.patients, "too many");
    s.chunks = pbsc_alloc(s.nchunks * count * sizeof *s.chunks);
    if (s.chunks == NULL)
        return pbsc_fail(diag, PBSC_E_NOMEM, "patients", (double)s.prm.patients,
                         "out of memory");
    memset(s.chunks, 0, s.nchunks * count * sizeof *s.chunks);
    n = s.prm.threads < s.nchunks ? s.prm.threads : (unsigned)s.nchunks;
    for (t = 0; t < n; t++) {
        memset(&jobs[t], 0, sizeof jobs[t]);
        jobs[t].s = &s;
        jobs[t].t = t;
        jobs[t].nthreads = n;
        pbsc_diag_clear(&jobs[t].diag);
    }
    run_jobs(jobs, n);
    for (t = 0; t < n; t++) /* the failure of the first patient that failed, whoever ran it */
        if (jobs[t].rc != PBSC_OK && jobs[t].bad < first_bad) {
            first_bad = jobs[t].bad;
            rc = jobs[t].rc;
            if (diag != NULL)
                *diag = jobs[t].diag;
        }
    if (rc == PBSC_OK)
        rc = pbsc_sim_collect(&s, results);
    pbsc_dealloc(s.chunks);
    return rc;
}

/* SPDX-License-Identifier: MIT */
/* Forecast: tomorrow's PB CD34 under each option, and the chance of reaching the goal from
 * today (Monte Carlo with a caller-seeded GSL generator, no heap allocation). */
#include "decide_private.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

/* The default accuracy: 10,000 draws put the standard error of a probability at most
 * 0.5 / sqrt(10,000) = 0.005, i.e. +/- 1 percentage point at 95%. */
#define DEFAULT_DRAWS 10000
#define MAX_DRAWS 10000000

PBSC_API void
pbsc_success_params_init(pbsc_success_params *sp)
{
    if (sp == NULL)
        return;
    /* the general policy defaults of lib/policy.c, with their sources there */
    sp->goal = NAN;
    sp->minimum = NAN;
    sp->max_sessions = 4;
    sp->last_day = 20;
    sp->max_plerixafor_doses = 4;
    sp->salvage_below = NAN;
    sp->session_tbv_multiple = 3.0;
    sp->session_litres = NAN;
    sp->draws = DEFAULT_DRAWS;
    sp->seed = 1;
}

/*
 * Doses the course has had before `today`, of each drug. The fold after a motixafortide dose
 * is the model's motixafortide_fold for the first; for a second no figure was found: the
 * later plerixafor dose's fold (plerixafor2_fold, PMID 22080963) [interp].
 */
struct doses {
    size_t plerixafor, motixafortide;
};

/* Inside the simulation only: an apheresis and motixafortide that evening. */
#define OPTION_COLLECT_MOTIXAFORTIDE ((pbsc_option)100)

/* The ratio of tomorrow's count to today's under an option, as (ln median, sigma). */
static void
option_ratio(const pbsc_model_params *p, pbsc_regimen regimen, long day, pbsc_option option,
             const struct doses *given, double *mu, double *sigma)
{
    size_t doses = given->plerixafor;

    switch ((int)option) {
    case PBSC_OPTION_COLLECT:
        *mu = log(p->apheresis_ratio), *sigma = p->apheresis_sigma;
        return;
    case PBSC_OPTION_COLLECT_PLERIXAFOR: /* the fall after the session, then the dose's fold */
    case OPTION_COLLECT_MOTIXAFORTIDE:
        option_ratio(p, regimen, day,
                     option == PBSC_OPTION_COLLECT_PLERIXAFOR ? PBSC_OPTION_PLERIXAFOR
                                                              : PBSC_OPTION_MOTIXAFORTIDE,
                     given, mu, sigma);
        *mu += log(p->apheresis_ratio);
        *sigma = sqrt(*sigma * *sigma + p->apheresis_sigma * p->apheresis_sigma);
        return;
    case PBSC_OPTION_PLERIXAFOR:
        if (doses == 0)
            *mu = log(p->plerixafor_fold), *sigma = p->plerixafor_sigma;
        else
            *mu = log(p->plerixafor2_fold), *sigma = p->plerixafor2_sigma;
        return;
    case PBSC_OPTION_MOTIXAFORTIDE:
        if (given->motixafortide == 0)
            *mu = log(p->motixafortide_fold), *sigma = p->motixafortide_sigma;
        else
            *mu = log(p->plerixafor2_fold), *sigma = p->plerixafor2_sigma;
        return;
    case PBSC_OPTION_GCSF:
    default:
        if (regimen == PBSC_REGIMEN_CHEMO_GCSF) {
            *mu = log(p->chemo_ratio), *sigma = p->chemo_sigma;
        } else {
            long i = day < 1 ? 0 : day > PBSC_GCSF_DAYS ? PBSC_GCSF_DAYS - 1 : day - 1;
            *mu = log(p->gcsf_ratio[i]), *sigma = p->gcsf_sigma;
        }
        return;
    }
}

static int
check_option(pbsc_option option, pbsc_diag *diag)
{
    if (option != PBSC_OPTION_GCSF && option != PBSC_OPTION_COLLECT &&
        option != PBSC_OPTION_PLERIXAFOR && option != PBSC_OPTION_MOTIXAFORTIDE &&
        option != PBSC_OPTION_COLLECT_PLERIXAFOR)
        return pbsc_fail(diag, PBSC_E_INVAL, "option", NAN, "unknown option %d", (int)option);
    return PBSC_OK;
}

/* The counting error of today's count: the yield model's (lib/yield.c). */
static int
count_variance(const pbsc_row *t, double *var, pbsc_diag *diag)
{
    pbsc_session s;

    pbsc_session_init(&s);
    s.cd34 = t->cd34;
    s.wbc = t->wbc;
    return pbsc_count_variance(&s, var, diag);
}

static struct doses
doses_before(const pbsc_course *c, size_t today)
{
    struct doses n = {0, 0};
    size_t i;

    for (i = 0; i < today; i++) {
        n.plerixafor += c->days[i].plerixafor_mg > 0.0;
        n.motixafortide += c->days[i].motixafortide_mg > 0.0;
    }
    return n;
}

PBSC_API int
pbsc_forecast_count(const pbsc_course *course, const pbsc_model *model, long day,
                    pbsc_option option, double level, pbsc_count_forecast *out, pbsc_diag *diag)
{
    const pbsc_row *t;
    struct doses given;
    double mu, sigma, var, z;
    size_t today;
    int rc;

    if (course == NULL || model == NULL || out == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         course == NULL  ? "course"
                         : model == NULL ? "model"
                                         : "out",
                         NAN, "NULL argument");
    if ((rc = check_option(option, diag)) != PBSC_OK ||
        (rc = pbsc_course_index(course, day, &today, diag)) != PBSC_OK ||
        (rc = pbsc_need(PBSC_Q_LEVEL, level, "level", diag)) != PBSC_OK)
        return rc;
    t = &course->days[today];
    if (isnan(t->cd34)) {
        pbsc_fail(diag, PBSC_E_MISSING, "cd34", NAN, "day %ld has no PB CD34 to forecast from",
                  t->day);
        if (diag != NULL)
            diag->day = t->day;
        return PBSC_E_MISSING;
    }
    if ((rc = count_variance(t, &var, diag)) != PBSC_OK)
        return rc;
    given = doses_before(course, today);
    option_ratio(&model->p, course->regimen, t->day, option, &given, &mu, &sigma);
    out->day = t->day + 1;
    out->median = t->cd34 * exp(mu);
    out->sigma = sqrt(sigma * sigma + var);
    out->level = level;
    z = gsl_cdf_ugaussian_Qinv((1.0 - level) / 2.0);
    out->lower = out->median * exp(-z * out->sigma);
    out->upper = out->median * exp(z * out->sigma);
    return PBSC_OK;
}

/* ---- the chance of success ------------------------------------------------------------- */

/* What one simulated patient starts from (the course up to today). */
struct start {
    const pbsc_course *c;
    const pbsc_model *m;
    const pbsc_success_params *sp;
    long day;
    double cd34, var_count; /* today's count and its counting error */
    double goal, minimum, collected;
    long aphereses, doses; /* doses of either drug */
    long motixafortide;    /* of them motixafortide */
    pbsc_drug plan;        /* an up-front course's planned drug once started, else NONE */
    double cap_l; /* litres per session, as the yield model sees them (pbsc_shape_volume) */
    double per_l; /* median yield per litre per unit count and CE: 1 / recipient kg */
    pbsc_shape shape; /* the model's yield model v2 for this person */
    double ln_k;      /* ln(C_ref^(1 - b) x cap_l x per_l): ln yield = ln_k + b ln C + ln CE */
    pbsc_option option;
    int evening; /* today's session is done and counted: the option is tonight's */
};

struct run {
    double collected;
    long aphereses, doses;
};

/*
 * A course with a mobilizer planned up front (PBSC_REGIMEN_UPFRONT), once its first dose is
 * given, goes on as planned on every later evening after an apheresis: plerixafor before each
 * apheresis while doses are left (DiPersio 2009), motixafortide before the third (at most 2:
 * the US label's "a second dose ... before a third apheresis, if necessary"). Today's option
 * is the caller's. Returns the option of this evening.
 */
#define MOTIXAFORTIDE_DOSES 2
static pbsc_option
planned(const struct start *s, pbsc_option option, long aph, long doses, long moti)
{
    if (s->plan == PBSC_DRUG_NONE || option != PBSC_OPTION_COLLECT)
        return option;
    if (s->plan == PBSC_DRUG_PLERIXAFOR)
        return doses < s->sp->max_plerixafor_doses ? PBSC_OPTION_COLLECT_PLERIXAFOR : option;
    return aph % 2 == 0 && moti < MOTIXAFORTIDE_DOSES ? OPTION_COLLECT_MOTIXAFORTIDE : option;
}

/* One simulated course from today: the option today, then collect every day (plerixafor
 * after a session under salvage_below while doses are left, or as planned) until the goal or
 * a limit. A session yields as pbsc_yield_project() projects (the yield model v2) at the
 * simulated count; the morning after it the count is x apheresis_ratio, the assumption
 * pbsc_yield_sessions() makes at the ratio's median. */
static void
simulate(const struct start *s, gsl_rng *r, double ln_ce, struct run *out)
{
    const pbsc_model_params *p = &s->m->p;
    /* ln count: the count moves by ratios, and the yield is exp(ln_k + b ln count + ln CE),
     * one exp a session (pbsc_yield_project()'s C_ref (C / C_ref)^b x V' x CE / kg) */
    double lc = log(s->cd34) + gsl_ran_gaussian_ziggurat(r, sqrt(s->var_count));
    double collected = s->collected;
    long aph = s->aphereses, doses = s->doses, day = s->day;
    struct doses given = {(size_t)(s->doses - s->motixafortide), (size_t)s->motixafortide};
    pbsc_option option = s->option;
    int done = s->evening, first = 1; /* today's session already in `collected` */

    while (done || (!pbsc_reached(collected, s->goal) && aph < s->sp->max_sessions &&
                    day <= s->sp->last_day)) {
        double mu, sigma;
        int dose;
        if (done) {
            done = 0;
        } else if (option == PBSC_OPTION_COLLECT || option == PBSC_OPTION_COLLECT_PLERIXAFOR) {
            double y = exp(s->ln_k + s->shape.count_slope * lc + ln_ce);
            collected += y;
            aph++;
            if (y < s->sp->salvage_below)
                option = PBSC_OPTION_COLLECT_PLERIXAFOR; /* tonight, after this session */
            else if (!first)
                option = planned(s, option, aph, doses, (long)given.motixafortide);
        }
        first = 0;
        dose = option == PBSC_OPTION_PLERIXAFOR || option == PBSC_OPTION_MOTIXAFORTIDE ||
               option == PBSC_OPTION_COLLECT_PLERIXAFOR || option == OPTION_COLLECT_MOTIXAFORTIDE;
        if (dose && doses >= s->sp->max_plerixafor_doses) { /* none left: no dose tonight */
            option = option == PBSC_OPTION_COLLECT_PLERIXAFOR ||
                             option == OPTION_COLLECT_MOTIXAFORTIDE
                         ? PBSC_OPTION_COLLECT
                         : PBSC_OPTION_GCSF;
            dose = 0;
        }
        option_ratio(p, s->c->regimen, day, option, &given, &mu, &sigma);
        if (dose) {
            doses++;
            if (option == PBSC_OPTION_MOTIXAFORTIDE || option == OPTION_COLLECT_MOTIXAFORTIDE)
                given.motixafortide++;
            else
                given.plerixafor++;
        }
        lc += mu + gsl_ran_gaussian_ziggurat(r, sigma);
        option = PBSC_OPTION_COLLECT; /* from tomorrow: collect daily */
        day++;
    }
    out->collected = collected;
    out->aphereses = aph;
    out->doses = doses;
}

static int
check_params(const pbsc_success_params *sp, pbsc_diag *diag)
{
    int rc;

    if ((rc = pbsc_optional(PBSC_Q_DOSE, sp->goal, "goal", diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_DOSE, sp->minimum, "minimum", diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_COLLECTED, sp->salvage_below, "salvage_below", diag)) !=
            PBSC_OK ||
        (rc = pbsc_need(PBSC_Q_TBV_MULTIPLE, sp->session_tbv_multiple, "session_tbv_multiple",
                        diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_VOLUME_L, sp->session_litres, "session_litres", diag)) !=
            PBSC_OK)
        return rc;
    if (sp->max_sessions < 1 || sp->max_sessions > 20)
        return pbsc_fail(diag, PBSC_E_RANGE, "max_sessions", (double)sp->max_sessions,
                         "max_sessions %ld is outside [1, 20]", sp->max_sessions);
    if (sp->last_day < 1 || sp->last_day > 366)
        return pbsc_fail(diag, PBSC_E_RANGE, "last_day", (double)sp->last_day,
                         "last_day %ld is outside [1, 366]", sp->last_day);
    if (sp->max_plerixafor_doses < 0 || sp->max_plerixafor_doses > 10)
        return pbsc_fail(diag, PBSC_E_RANGE, "max_plerixafor_doses",
                         (double)sp->max_plerixafor_doses,
                         "max_plerixafor_doses %ld is outside [0, 10]", sp->max_plerixafor_doses);
    if (sp->draws < 100 || sp->draws > MAX_DRAWS)
        return pbsc_fail(diag, PBSC_E_RANGE, "draws", (double)sp->draws,
                         "draws %zu is outside [100, %d]", sp->draws, MAX_DRAWS);
    return PBSC_OK;
}

/* Today's state from the course; the CE of the person at today's WBC. */
static int
starting_point(struct start *s, size_t today, pbsc_ce_model *ce, pbsc_diag *diag)
{
    const pbsc_course *c = s->c;
    const pbsc_row *t = &c->days[today];
    pbsc_session one;
    pbsc_band band;
    double tbv;
    size_t i;
    int rc;

    s->day = t->day;
    s->cd34 = t->cd34;
    s->goal = isnan(s->sp->goal) ? c->goal : s->sp->goal;
    s->minimum = isnan(s->sp->minimum) ? c->minimum : s->sp->minimum;
    if (isnan(s->goal) || isnan(s->minimum))
        return pbsc_fail(diag, PBSC_E_MISSING, isnan(s->goal) ? "goal" : "minimum", NAN,
                         "no %s: neither the course nor the parameters give one",
                         isnan(s->goal) ? "goal" : "minimum");
    if (isnan(t->cd34))
        return pbsc_fail(diag, PBSC_E_MISSING, "cd34", NAN, "day %ld has no PB CD34", t->day);
    for (i = 0; i < today + (size_t)s->evening; i++) {
        const pbsc_row *d = &c->days[i];
        if (!isnan(d->processed_l) || !isnan(d->collected)) {
            s->aphereses++;
            s->collected += isnan(d->collected) ? 0.0 : d->collected;
        }
        s->doses += i < today && PBSC_ROW_DOSE(d);
        s->motixafortide += i < today && d->motixafortide_mg > 0.0;
    }
    /* an up-front course's plan: started by a dose recorded, or by today's */
    if (c->regimen == PBSC_REGIMEN_UPFRONT &&
        (s->doses > 0 || s->option == PBSC_OPTION_PLERIXAFOR ||
         s->option == PBSC_OPTION_MOTIXAFORTIDE || s->option == PBSC_OPTION_COLLECT_PLERIXAFOR))
        s->plan = s->motixafortide > 0 || s->option == PBSC_OPTION_MOTIXAFORTIDE
                      ? PBSC_DRUG_MOTIXAFORTIDE
                      : PBSC_DRUG_PLERIXAFOR;
    /* the person's blood volume as the decisions take it (a child's band) */
    if ((rc = pbsc_person_tbv(&c->person, &tbv, &band, diag)) != PBSC_OK ||
        (rc = count_variance(t, &s->var_count, diag)) != PBSC_OK ||
        (rc = pbsc_model_ce(s->m, t->wbc, t->hct, ce, diag)) != PBSC_OK)
        return rc;
    s->cap_l = fmin(s->sp->session_tbv_multiple * tbv, 60.0);
    if (!isnan(s->sp->session_litres))
        s->cap_l = fmin(s->cap_l, s->sp->session_litres);
    s->per_l = 1.0 / (isnan(c->person.recipient_kg) ? c->person.weight_kg : c->person.recipient_kg);
    /* the yield model of pbsc_yield_project(): the model's slope, references and volume
     * slope (a donor's when the course has a recipient) */
    pbsc_session_init(&one);
    one.recipient_kg = c->person.recipient_kg;
    pbsc_model_shape(s->m, &one);
    if ((rc = pbsc_session_shape(&one, &s->shape, diag)) != PBSC_OK)
        return rc;
    s->cap_l = pbsc_shape_volume(&s->shape, s->cap_l);
    s->ln_k = (1.0 - s->shape.count_slope) * log(s->shape.count_ref) + log(s->cap_l) +
              log(s->per_l);
    return PBSC_OK;
}

/* The seed of draw n: splitmix64's finalizer over (seed, n), never 0 (GSL maps 0 to 1). */
static unsigned long
draw_seed(unsigned long seed, size_t n)
{
    unsigned long long z = (unsigned long long)seed * 0x9E3779B97F4A7C15ULL + (unsigned long long)n;

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (unsigned long)(z | 1u);
}

/* A GSL generator on the stack: taus2's state is 24 bytes (no allocation per call). */
union rng_state {
    double align;
    unsigned long words[16];
};

static int estimate(struct start *s, size_t today, pbsc_success *out, pbsc_diag *diag);

PBSC_API int
pbsc_success_estimate(const pbsc_course *course, const pbsc_model *model, long day,
                      pbsc_option option, const pbsc_success_params *params, pbsc_success *out,
                      pbsc_diag *diag)
{
    struct start s;
    size_t today;
    int rc;

    if (course == NULL || model == NULL || params == NULL || out == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         course == NULL   ? "course"
                         : model == NULL  ? "model"
                         : params == NULL ? "params"
                                          : "out",
                         NAN, "NULL argument");
    memset(&s, 0, sizeof s);
    s.c = course;
    s.m = model;
    s.sp = params;
    s.option = option;
    if ((rc = check_option(option, diag)) != PBSC_OK ||
        (rc = check_params(params, diag)) != PBSC_OK ||
        (rc = pbsc_course_index(course, day, &today, diag)) != PBSC_OK)
        return rc;
    return estimate(&s, today, out, diag);
}

int
pbsc_success_tonight(const pbsc_course *course, const pbsc_model *model, size_t today, int dose,
                     const pbsc_success_params *params, pbsc_success *out, pbsc_diag *diag)
{
    struct start s;
    int rc;

    memset(&s, 0, sizeof s);
    s.c = course;
    s.m = model;
    s.sp = params;
    s.option = dose ? PBSC_OPTION_COLLECT_PLERIXAFOR : PBSC_OPTION_COLLECT;
    s.evening = 1;
    if ((rc = check_params(params, diag)) != PBSC_OK)
        return rc;
    return estimate(&s, today, out, diag);
}

static int
estimate(struct start *sp, size_t today, pbsc_success *out, pbsc_diag *diag)
{
    const pbsc_success_params *params = sp->sp;
    union rng_state state;
    struct start s = *sp;
    gsl_rng r;
    pbsc_ce_model ce;
    double goal_hits = 0, min_hits = 0, aph = 0, doses = 0;
    size_t n;
    int rc;

    if ((rc = starting_point(&s, today, &ce, diag)) != PBSC_OK) {
        if (diag != NULL)
            diag->day = s.c->days[today].day;
        return rc;
    }
    if (gsl_rng_taus2->size > sizeof state)
        return pbsc_fail(diag, PBSC_E_NOMEM, "rng", NAN, "generator state too large");
    r.type = gsl_rng_taus2;
    r.state = &state;
    for (n = 0; n < params->draws; n++) {
        struct run run;
        /* draw n has its own stream: two options estimated with one seed see the same
         * patients (common random numbers), however long each draw's course runs */
        gsl_rng_set(&r, draw_seed(params->seed, n));
        /* the person's CE, shared by all their sessions (as pbsc_yield_sessions assumes) */
        double ln_ce = log(ce.median) + gsl_ran_gaussian_ziggurat(&r, ce.sigma);
        simulate(&s, &r, ln_ce, &run);
        goal_hits += pbsc_reached(run.collected, s.goal);
        min_hits += pbsc_reached(run.collected, s.minimum);
        aph += (double)run.aphereses;
        doses += (double)run.doses;
    }
    out->draws = params->draws;
    out->p_goal = goal_hits / (double)n;
    out->p_minimum = min_hits / (double)n;
    out->aphereses = aph / (double)n;
    out->plerixafor_doses = doses / (double)n;
    out->se = sqrt(out->p_goal * (1.0 - out->p_goal) / (double)n);
    return PBSC_OK;
}

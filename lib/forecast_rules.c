/* SPDX-License-Identifier: MIT */
/* The model-based ("forecast") engine: the options of a decision point compared by their
 * chance of reaching the goal within the policy's limits (pbsc_success_estimate(3)). */
#include "decide_private.h"

#include <stdio.h>

/*
 * The morning (after the common checks and a pending dose, as the published engine:
 * need.cd34 / fail.after_plerixafor / collect.after_plerixafor):
 *   wait.gcsf / wait.recovery  before the policy's first assessment day
 *   need.cd34            no count to forecast from
 *   stop.unreachable     minimum met, the sessions left cannot reach the goal at today's
 *                        median
 *   forecast.futile      the minimum is not in and P(minimum) < forecast_futile_below with
 *                        and without plerixafor: stop, failed (remobilize)
 *   forecast.collect     today's median yield at the session cap >= min(forecast_min_yield,
 *                        what remains) (tonight's dose, when it helps, in `tonight`)
 *   forecast.plerixafor  not worth collecting today; P(goal) without plerixafor <
 *                        forecast_p_below, and plerixafor tonight raises P(goal) or
 *                        P(minimum) by >= forecast_min_gain
 *   forecast.wait        none of these: continue G-CSF
 * The evening, today's harvest known:
 *   need.cd34            today's count is missing (the forecast starts from it)
 *   forecast.futile      as in the morning, from tonight
 *   forecast.plerixafor_tonight  the dose helps (the same test): continue, dose tonight
 *   forecast.continue    count again tomorrow
 * "Without plerixafor" means no dose now or later; each P is over the policy's limits.
 */

static void
limits(const struct ctx *x, long max_doses, pbsc_success_params *sp)
{
    pbsc_success_params_init(sp);
    sp->goal = x->d->goal;
    sp->minimum = x->d->minimum;
    sp->max_sessions = x->p->max_sessions;
    sp->last_day = x->p->max_day;
    /* the estimate's own range is 0-10 doses; a course may have recorded more (no dose is
     * then left either way: the policy's maximum is at most 10) */
    sp->max_plerixafor_doses = max_doses > 10 ? 10 : max_doses;
    sp->session_tbv_multiple = x->p->session_tbv_multiple;
    sp->session_litres = x->p->session_litres;
    sp->draws = (size_t)x->p->forecast_draws;
    sp->seed = (unsigned long)x->p->forecast_seed;
}

/* P(goal) and P(minimum) of one morning option. */
static int
chance(struct ctx *x, pbsc_option option, long max_doses, double *p, double *p_min)
{
    pbsc_success_params sp;
    pbsc_success out;
    int rc;

    limits(x, max_doses, &sp);
    rc = pbsc_success_estimate(x->c, x->m, x->h.today->day, option, &sp, &out, x->diag);
    *p = out.p_goal;
    *p_min = out.p_minimum;
    return rc;
}

/* ... and of tonight, after today's harvest. */
static int
chance_tonight(struct ctx *x, int dose, long max_doses, double *p, double *p_min)
{
    pbsc_success_params sp;
    pbsc_success out;
    int rc;

    limits(x, max_doses, &sp);
    rc = pbsc_success_tonight(x->c, x->m, x->h.today_index, dose, &sp, &out, x->diag);
    *p = out.p_goal;
    *p_min = out.p_minimum;
    return rc;
}

struct odds {
    double p_no, p_yes, min_no, min_yes;
    int doses_left;
};

static int
futile(struct ctx *x, const struct odds *o)
{
    if (pbsc_reached(x->h.collected, x->d->minimum) ||
        fmax(o->min_no, o->min_yes) >= x->p->forecast_futile_below)
        return 0;
    x->d->threshold = x->p->forecast_futile_below;
    pbsc_blank_projection(x->d);
    pbsc_say(x, PBSC_ACTION_STOP_FAILED, "forecast.futile",
             "day %ld: P(minimum %g) %.3f without plerixafor, %.3f with it, both < %.2f: stop, "
             "remobilize",
             x->h.today->day, x->d->minimum, o->min_no, o->min_yes, x->p->forecast_futile_below);
    return 1;
}

/* Plerixafor helps when it raises the chance of the goal, or of the minimum, enough. */
static int
helps(const struct ctx *x, const struct odds *o)
{
    const pbsc_policy *p = x->p;

    return o->doses_left && o->p_no < p->forecast_p_below &&
           (o->p_yes - o->p_no >= p->forecast_min_gain ||
            o->min_yes - o->min_no >= p->forecast_min_gain);
}

static int
odds_of(struct ctx *x, int worth, struct odds *o)
{
    long doses = (long)x->h.doses, max = x->p->max_plerixafor_doses;
    int rc;

    o->p_yes = NAN;
    o->min_yes = 0.0;
    o->doses_left = doses < max;
    if (x->h.moment == PBSC_EVENING) {
        rc = chance_tonight(x, 0, doses, &o->p_no, &o->min_no);
        if (rc == PBSC_OK && o->doses_left)
            rc = chance_tonight(x, 1, max, &o->p_yes, &o->min_yes);
    } else {
        rc = chance(x, worth ? PBSC_OPTION_COLLECT : PBSC_OPTION_GCSF, doses, &o->p_no,
                    &o->min_no);
        if (rc == PBSC_OK && o->doses_left)
            rc = chance(x, worth ? PBSC_OPTION_COLLECT_PLERIXAFOR : PBSC_OPTION_PLERIXAFOR, max,
                        &o->p_yes, &o->min_yes);
    }
    x->d->p_goal_without = o->p_no;
    x->d->p_goal_with = o->p_yes;
    return rc;
}

int
pbsc_forecast_morning(struct ctx *x)
{
    const pbsc_policy *p = x->p;
    const pbsc_row *t = x->h.today;
    struct odds o;
    long start = 0;
    int rc, worth;

    if (pbsc_rules_pending(x, &rc))
        return rc;
    if (x->h.aphereses == 0 && pbsc_window_start(x, &start))
        return PBSC_OK;
    if (x->h.aphereses == 0 && t->day < start)
        return pbsc_say(x, PBSC_ACTION_WAIT, "wait.gcsf",
                        "day %ld: continue G-CSF, the policy assesses from day %ld", t->day,
                        start);
    x->d->cd34 = t->cd34;
    if (isnan(t->cd34))
        return pbsc_need_count(x, "need.cd34", "the PB CD34 the forecast starts from");
    x->d->wbc = t->wbc; /* today's CE reads it */
    if ((rc = pbsc_project_cap(x)) != PBSC_OK)
        return rc;
    if (x->h.aphereses > 0 && pbsc_reached(x->h.collected, x->d->minimum) &&
        pbsc_sessions_yield(x, pbsc_sessions_left(x, t->day)) * x->d->projection.median <
            x->d->remaining) {
        pbsc_blank_projection(x->d);
        return pbsc_say(x, PBSC_ACTION_STOP_MINIMUM, "stop.unreachable",
                        "day %ld: the sessions left at PB CD34 %g/uL cannot reach the %.2f "
                        "remaining; minimum met",
                        t->day, t->cd34, x->d->remaining);
    }
    worth = (x->h.aphereses > 0 || t->day >= start + (p->collect_day - p->assess_day)) &&
            x->d->projection.median >= fmin(p->forecast_min_yield, x->d->remaining);
    if ((rc = odds_of(x, worth, &o)) != PBSC_OK)
        return rc;
    if (futile(x, &o))
        return PBSC_OK;
    x->d->threshold = p->forecast_p_below;
    if (worth) {
        if ((rc = pbsc_collect(x, "forecast.collect",
                               "day %ld: PB CD34 %g/uL, median yield today %.2f >= %.2f; P(goal) "
                               "%.2f without plerixafor, %.2f with it",
                               t->day, t->cd34, x->d->projection.median,
                               fmin(p->forecast_min_yield, x->d->remaining), o.p_no, o.p_yes)) !=
            PBSC_OK)
            return rc;
        return helps(x, &o) ? pbsc_tonight(x, x->h.aphereses > 0) : PBSC_OK;
    }
    pbsc_blank_projection(x->d);
    if (helps(x, &o)) {
        char why[120];
        pbsc_fmt(why, sizeof why, "day %ld: P(goal) %.2f without plerixafor < %.2f, %.2f with it",
                 t->day, o.p_no, p->forecast_p_below, o.p_yes);
        return pbsc_plerixafor(x, "forecast.plerixafor", x->h.aphereses > 0, why);
    }
    return pbsc_say(x, PBSC_ACTION_WAIT, "forecast.wait",
                    "day %ld: median yield today under %.2f, P(goal) %.2f without plerixafor, "
                    "%.2f with it: continue G-CSF",
                    t->day, fmin(p->forecast_min_yield, x->d->remaining), o.p_no, o.p_yes);
}

int
pbsc_forecast_evening(struct ctx *x)
{
    const pbsc_row *t = x->h.today;
    struct odds o;
    int rc;

    x->d->cd34 = t->cd34;
    if (isnan(t->cd34))
        return pbsc_need_count(x, "need.cd34", "today's PB CD34 (the forecast starts from it)");
    x->d->wbc = t->wbc;
    if ((rc = odds_of(x, 1, &o)) != PBSC_OK)
        return rc;
    if (futile(x, &o))
        return PBSC_OK;
    x->d->threshold = x->p->forecast_p_below;
    if (helps(x, &o)) {
        /* salvage when it starts plerixafor after a harvest; a later dose continues it */
        if ((rc = pbsc_tonight(x, x->h.doses == 0)) != PBSC_OK)
            return rc;
        return pbsc_say(x, PBSC_ACTION_CONTINUE, "forecast.plerixafor_tonight",
                        "day %ld: %.2f of %g collected; P(goal) %.2f without plerixafor < %.2f, "
                        "%.2f with it: plerixafor %.2f mg tonight, apheresis day %ld",
                        t->day, x->h.collected, x->d->goal, o.p_no, x->p->forecast_p_below,
                        o.p_yes, x->d->tonight.mg, x->d->tonight.apheresis_day);
    }
    return pbsc_say(x, PBSC_ACTION_CONTINUE, "forecast.continue",
                    "day %ld: %.2f of %g collected; P(goal) %.2f without plerixafor, %.2f with "
                    "it: count again tomorrow",
                    t->day, x->h.collected, x->d->goal, o.p_no, o.p_yes);
}

/* SPDX-License-Identifier: MIT */
/* The decision engine: one morning of a course under one policy, and the replay of a course. */
#include "pbsc_private.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * The morning of day D reads the rows of days <= D: today's count (and WBC), and what was
 * done on earlier days (aphereses, their products, plerixafor doses). Today's own apheresis
 * and evening dose are what is being decided, so they are not read. The rules, in order
 * (pbsc_decide(3) has the table):
 *
 *   outside.regimen        the policy does not cover the course's regimen
 *   stop.goal              collected >= goal
 *   need.product           an earlier apheresis has no product count
 *   stop.sessions          aphereses >= max_sessions (minimum met: stop-minimum, else failed)
 *   stop.day               D > max_day (the same)
 *   fail.gitmo             the policy stops proven poor mobilizers (GITMO)
 *   -- a plerixafor dose is pending (no apheresis since the last dose):
 *   fail.after_plerixafor  CD34 < fail_after_plerixafor_below
 *   collect.after_plerixafor
 *   -- collection has started:
 *   salvage.y1 / salvage.yd  the last product below the salvage threshold, doses left
 *   stop.unreachable       minimum met and the sessions left cannot reach the goal (median)
 *   collect.continue
 *   -- before collection: the assessment window [A, E] (A = assess_day, or for chemotherapy
 *      the first day with WBC > recovery_wbc; E = A + assess_last_day - assess_day, or
 *      max_day when assess_last_day is 0), apheresis from A + collect_day - assess_day:
 *   wait.gcsf / wait.recovery  before the window
 *   outside.undefined      CD34 < undefined_below
 *   assess.plerixafor      CD34 < threshold (<= if inclusive; the multi threshold when the
 *                          goal > multi_goal_above; and WBC > plerixafor_wbc_above if set)
 *   assess.wait_wbc        in the plerixafor zone but the WBC condition fails
 *   assess.band            CD34 in [band_low, band_high]: extra G-CSF day(s)
 *   assess.collect / assess.collect_tomorrow
 *   -- after the window, nothing collected, no plerixafor:
 *   band.wait / band.plerixafor / band.collect   the extra days of the band
 *   collect.start          day E's verdict was "collect"
 *   outside.missed_assessment  day E has no count
 *   outside.deviation      day E's verdict was not followed
 *   need.cd34 / need.wbc   a value the rule must read is missing today
 */

/* What the rows before today say. */
struct history {
    const pbsc_day *today;
    size_t today_index;
    double collected; /* sum of products before today */
    size_t aphereses; /* before today */
    const pbsc_day *first_apheresis, *last_apheresis;
    const pbsc_day *unknown_product; /* an apheresis with no product count */
    size_t doses;                    /* plerixafor doses before today */
    unsigned warnings;               /* course warnings raised by rows up to today */
    const pbsc_day *last_dose;
    long recovery_day; /* chemotherapy: first day <= D with WBC > recovery_wbc after a
                          day with WBC <= recovery_wbc (the nadir), or 0 */
};

/* The engine's working state for one decision. */
struct ctx {
    const pbsc_course *c;
    const pbsc_policy *p;
    const pbsc_model *m; /* the site model, or NULL: the literature defaults */
    pbsc_ce_model ce;    /* today's CE model */
    struct history h;
    pbsc_decision *d;
    pbsc_diag *diag;
};

static int
is_apheresis(const pbsc_day *d)
{
    return !isnan(d->processed_l) || !isnan(d->collected);
}

static void
read_history(const pbsc_course *c, const pbsc_policy *p, size_t today, struct history *h)
{
    size_t i;
    int nadir = 0;

    memset(h, 0, sizeof *h);
    h->today = &c->days[today];
    h->today_index = today;
    for (i = 0; i <= today; i++) {
        const pbsc_day *d = &c->days[i];
        /* recovery is a rise after the nadir: a normal WBC before it is not recovery */
        if (d->wbc <= p->recovery_wbc)
            nadir = 1;
        else if (nadir && h->recovery_day == 0 && d->wbc > p->recovery_wbc)
            h->recovery_day = d->day;
        if (i > 0 && d->day > c->days[i - 1].day + 1)
            h->warnings |= PBSC_W_DAY_GAP;
        if (i == today)
            break;
        /* an earlier evening's dose; today's own is what is being decided */
        if (c->regimen != PBSC_REGIMEN_CHEMO_GCSF && d->plerixafor_mg > 0.0 && d->day < 4)
            h->warnings |= PBSC_W_PLERIXAFOR_EARLY;
        if (is_apheresis(d)) {
            h->aphereses++;
            if (h->first_apheresis == NULL)
                h->first_apheresis = d;
            h->last_apheresis = d;
            if (isnan(d->collected)) {
                if (h->unknown_product == NULL)
                    h->unknown_product = d;
            } else {
                h->collected += d->collected;
            }
        }
        if (d->plerixafor_mg > 0.0) {
            h->doses++;
            h->last_dose = d;
        }
    }
}

/* ---- filling the decision -------------------------------------------------------------- */

/* No session today: the volume and the projection are NAN. */
static void
blank_projection(pbsc_decision *d)
{
    pbsc_projection *p = &d->projection;

    d->volume_l = NAN;
    p->median = p->lower = p->upper = p->level = p->dose = p->p_dose = NAN;
    p->volume_l = p->tbv_l = p->sigma = NAN;
}

static int say(struct ctx *x, pbsc_action action, const char *rule, const char *fmt, ...)
    PBSC_PRINTF(4, 5);

/* The action, the rule that fired and the reason sentence. */
static void
vsay(struct ctx *x, pbsc_action action, const char *rule, const char *fmt, va_list ap)
{
    x->d->action = action;
    snprintf(x->d->rule, sizeof x->d->rule, "%s", rule);
    vsnprintf(x->d->reason, sizeof x->d->reason, fmt, ap);
}

static int
say(struct ctx *x, pbsc_action action, const char *rule, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay(x, action, rule, fmt, ap);
    va_end(ap);
    return PBSC_OK;
}

/* Stop at a limit: stop-minimum if the minimum is in, else failed. */
static int
stop_at_limit(struct ctx *x, const char *rule, const char *what)
{
    if (x->h.collected >= x->d->minimum)
        return say(x, PBSC_ACTION_STOP_MINIMUM, rule, "%s; minimum %g met with %g x10^6/kg", what,
                   x->d->minimum, x->h.collected);
    return say(x, PBSC_ACTION_STOP_FAILED, rule, "%s; %g x10^6/kg collected, minimum %g", what,
               x->h.collected, x->d->minimum);
}

static int
need(struct ctx *x, const char *rule, const char *what)
{
    return say(x, PBSC_ACTION_NEED_COUNT, rule, "day %ld: %s is needed today", x->h.today->day,
               what);
}

/* The session the person could have today, at today's count. */
static void
today_session(const struct ctx *x, pbsc_session *s)
{
    const pbsc_person *p = &x->c->person;

    pbsc_session_init(s);
    s->cd34 = x->h.today->cd34;
    s->weight_kg = p->weight_kg;
    s->recipient_kg = p->recipient_kg;
    s->height_cm = p->height_cm;
    s->sex = p->sex;
    s->wbc = x->h.today->wbc;
}

/* The most one session may process: the policy's caps, and never over the 60 L input limit. */
static int
session_cap(const struct ctx *x, const pbsc_session *s, double *litres)
{
    const pbsc_limits *l;
    double tbv;
    int rc;

    if ((rc = pbsc_session_tbv(s, &tbv, x->diag)) != PBSC_OK)
        return rc;
    pbsc_range(PBSC_Q_VOLUME_L, &l);
    *litres = fmin(x->p->session_tbv_multiple * tbv, l->max);
    if (!isnan(x->p->session_litres))
        *litres = fmin(*litres, x->p->session_litres);
    return PBSC_OK;
}

/* Projects today's session at `volume` litres for the remaining dose. */
static int
project(struct ctx *x, pbsc_session *s, double volume)
{
    s->volume_l = volume;
    x->d->volume_l = volume;
    return pbsc_yield_project(s, &x->ce, x->p->level, x->d->remaining, &x->d->projection, x->diag);
}

/* Collect today: the volume giving P(volume_probability) of the remaining dose, capped. */
static int collect(struct ctx *x, const char *rule, const char *fmt, ...) PBSC_PRINTF(3, 4);

static int
collect(struct ctx *x, const char *rule, const char *fmt, ...)
{
    pbsc_session s;
    double cap, v;
    va_list ap;
    int rc;

    today_session(x, &s);
    if ((rc = session_cap(x, &s, &cap)) != PBSC_OK)
        return rc;
    /* a count of 0 cannot reach the dose: process the cap, the projection says 0 */
    rc = pbsc_yield_volume(&s, &x->ce, x->d->remaining, x->p->volume_probability, &v, NULL);
    if (rc == PBSC_E_UNREACHABLE)
        v = cap;
    else if (rc != PBSC_OK)
        return pbsc_yield_volume(&s, &x->ce, x->d->remaining, x->p->volume_probability, &v,
                                 x->diag);
    if ((rc = project(x, &s, fmin(v, cap))) != PBSC_OK)
        return rc;
    va_start(ap, fmt);
    vsay(x, PBSC_ACTION_COLLECT, rule, fmt, ap);
    va_end(ap);
    return PBSC_OK;
}

/* Tonight's plerixafor dose and the apheresis it prepares, filled into the decision (the
 * action is set by the caller: plerixafor, or collect today and plerixafor tonight). */
static int
evening_dose(struct ctx *x, int salvage)
{
    const pbsc_person *p = &x->c->person;
    unsigned w = 0;
    int rc;

    rc = pbsc_plerixafor_dose(p->weight_kg, p->crcl_ml_min, x->p->plerixafor_fixed_dose,
                              &x->d->plerixafor_mg, &w, x->diag);
    if (rc != PBSC_OK)
        return rc;
    x->d->warnings |= w;
    x->d->salvage = salvage;
    x->d->apheresis_day = x->h.today->day + 1;
    return PBSC_OK;
}

/* Plerixafor tonight, for the apheresis tomorrow. */
static int
plerixafor(struct ctx *x, const char *rule, int salvage, const char *why)
{
    int rc = evening_dose(x, salvage);

    if (rc != PBSC_OK)
        return rc;
    return say(x, PBSC_ACTION_PLERIXAFOR, rule, "%s: plerixafor %.1f mg tonight, apheresis day %ld",
               why, x->d->plerixafor_mg, x->d->apheresis_day);
}

/* ---- the rules ------------------------------------------------------------------------- */

static int
read_cd34(struct ctx *x)
{
    x->d->cd34 = x->h.today->cd34;
    return !isnan(x->d->cd34);
}

/* A plerixafor dose given since the last apheresis: today is its apheresis day. */
static int
after_plerixafor(struct ctx *x)
{
    double t = x->p->fail_after_plerixafor_below;
    long day = x->h.today->day;

    if (!read_cd34(x))
        return need(x, "need.cd34", "the PB CD34 after plerixafor");
    x->d->threshold = t; /* NAN when the policy has no failure threshold */
    if (x->d->cd34 < t) {
        return stop_at_limit(x, "fail.after_plerixafor",
                             "PB CD34 still below threshold after "
                             "plerixafor");
    }
    return collect(x, "collect.after_plerixafor",
                   "day %ld: plerixafor given on day %ld, PB CD34 %g/uL: collect", day,
                   x->h.last_dose->day, x->d->cd34);
}

/* Aphereses the limits still allow: by count (max_sessions) and by calendar (max_day). */
static long
sessions_left(const struct ctx *x)
{
    long by_count = x->p->max_sessions - (long)x->h.aphereses;
    long by_day = x->p->max_day - x->h.today->day + 1;

    return by_count < by_day ? by_count : by_day;
}

/* The minimum is in and the sessions left, at today's median (x->d->projection), cannot
 * reach the goal. */
static int
unreachable(const struct ctx *x)
{
    return x->h.collected >= x->d->minimum &&
           (double)sessions_left(x) * x->d->projection.median < x->d->remaining;
}

static int
stop_unreachable(struct ctx *x)
{
    double left = (double)sessions_left(x) * x->d->projection.median;

    blank_projection(x->d);
    return say(x, PBSC_ACTION_STOP_MINIMUM, "stop.unreachable",
               "day %ld: %ld session(s) left at PB CD34 %g/uL project %.2f x10^6/kg, short of "
               "the %.2f remaining; minimum met",
               x->h.today->day, sessions_left(x), x->d->cd34, left, x->d->remaining);
}

static int
collecting(struct ctx *x)
{
    const pbsc_policy *p = x->p;
    const struct history *h = &x->h;
    int doses_left = (long)h->doses < p->max_plerixafor_doses;
    double last = h->last_apheresis->collected;
    long day = h->today->day;
    pbsc_session s;
    double cap;
    int rc;

    if (doses_left && h->aphereses == 1 && last < p->y1_salvage_below) {
        char why[96];
        x->d->threshold = p->y1_salvage_below;
        snprintf(why, sizeof why, "first yield %g < %g x10^6/kg", last, p->y1_salvage_below);
        return plerixafor(x, "salvage.y1", 1, why);
    }
    if (doses_left && h->aphereses >= 2 && last < p->yd_salvage_below) {
        char why[96];
        x->d->threshold = p->yd_salvage_below;
        snprintf(why, sizeof why, "day %ld yield %g < %g x10^6/kg", h->last_apheresis->day, last,
                 p->yd_salvage_below);
        return plerixafor(x, "salvage.yd", 1, why);
    }
    if (!read_cd34(x))
        return need(x, "need.cd34", "the PB CD34");
    today_session(x, &s);
    if ((rc = session_cap(x, &s, &cap)) != PBSC_OK || (rc = project(x, &s, cap)) != PBSC_OK)
        return rc;
    if (unreachable(x))
        return stop_unreachable(x);
    return collect(x, "collect.continue", "day %ld: PB CD34 %g/uL, %.2f x10^6/kg to go: collect",
                   day, x->d->cd34, x->d->remaining);
}

/* The plerixafor threshold in force for this goal. */
static double
threshold(const pbsc_policy *p, double goal)
{
    if (!isnan(p->plerixafor_below_multi) && goal > p->multi_goal_above)
        return p->plerixafor_below_multi;
    return p->plerixafor_below;
}

enum verdict { V_NEED_CD34, V_NEED_WBC, V_OUTSIDE, V_PLERIXAFOR, V_WAIT_WBC, V_BAND, V_PASS };

/* The assessment rule on one row. */
static enum verdict
assess_row(const pbsc_policy *p, double goal, const pbsc_day *r, double *thr)
{
    double t = threshold(p, goal);
    int zone;

    *thr = t;
    if (isnan(r->cd34))
        return V_NEED_CD34;
    if (r->cd34 < p->undefined_below) {
        *thr = p->undefined_below;
        return V_OUTSIDE;
    }
    zone = p->plerixafor_inclusive ? r->cd34 <= t : r->cd34 < t;
    if (zone && p->max_plerixafor_doses > 0) {
        if (isnan(p->plerixafor_wbc_above))
            return V_PLERIXAFOR;
        if (isnan(r->wbc))
            return V_NEED_WBC;
        return r->wbc > p->plerixafor_wbc_above ? V_PLERIXAFOR : V_WAIT_WBC;
    }
    if (r->cd34 >= p->band_low && r->cd34 <= p->band_high) {
        *thr = p->band_high;
        return V_BAND;
    }
    return V_PASS;
}

static int
assess_today(struct ctx *x, long first_collect)
{
    const pbsc_day *t = x->h.today;
    double thr;
    enum verdict v = assess_row(x->p, x->d->goal, t, &thr);
    char why[96];

    x->d->cd34 = t->cd34;
    x->d->threshold = thr;
    switch (v) {
    case V_NEED_CD34:
        return need(x, "need.cd34", "the PB CD34 of the assessment");
    case V_NEED_WBC:
        return need(x, "need.wbc", "the WBC (the plerixafor rule reads it)");
    case V_OUTSIDE:
        return say(x, PBSC_ACTION_OUTSIDE_POLICY, "outside.undefined",
                   "day %ld PB CD34 %g/uL < %g/uL: the policy defines nothing here", t->day,
                   t->cd34, thr);
    case V_PLERIXAFOR:
        x->d->wbc = t->wbc;
        snprintf(why, sizeof why, "day %ld PB CD34 %g/uL %s %g/uL", t->day, t->cd34,
                 x->p->plerixafor_inclusive ? "<=" : "<", thr);
        return plerixafor(x, "assess.plerixafor", 0, why);
    case V_WAIT_WBC:
        x->d->wbc = t->wbc;
        return say(x, PBSC_ACTION_WAIT, "assess.wait_wbc",
                   "day %ld PB CD34 %g/uL < %g/uL but WBC %g <= %g x10^9/L: continue G-CSF", t->day,
                   t->cd34, thr, t->wbc, x->p->plerixafor_wbc_above);
    case V_BAND:
        return say(x, PBSC_ACTION_WAIT, "assess.band",
                   "day %ld PB CD34 %g/uL in [%g, %g]/uL: %ld more day(s) of G-CSF", t->day,
                   t->cd34, x->p->band_low, x->p->band_high, x->p->band_days);
    case V_PASS:
    default:
        if (!isnan(x->p->band_high)) /* passing a band policy means passing its top */
            x->d->threshold = thr = x->p->band_high;
        if (t->day >= first_collect)
            return collect(x, "assess.collect", "day %ld PB CD34 %g/uL passes %g/uL: collect",
                           t->day, t->cd34, thr);
        return say(x, PBSC_ACTION_WAIT, "assess.collect_tomorrow",
                   "day %ld PB CD34 %g/uL passes %g/uL: G-CSF alone, collect on day %ld", t->day,
                   t->cd34, thr, first_collect);
    }
}

static const pbsc_day *
row_of(const struct ctx *x, long day)
{
    size_t i;

    for (i = 0; i <= x->h.today_index; i++)
        if (x->c->days[i].day == day)
            return &x->c->days[i];
    return NULL;
}

/* After the window, nothing collected and no plerixafor: follow day E's verdict. */
static int
after_window(struct ctx *x, long end, long first_collect)
{
    const pbsc_policy *p = x->p;
    const pbsc_day *e = row_of(x, end), *t = x->h.today;
    enum verdict v;
    double thr;

    if (e == NULL || isnan(e->cd34))
        return say(x, PBSC_ACTION_OUTSIDE_POLICY, "outside.missed_assessment",
                   "day %ld: the assessment day %ld has no PB CD34 count", t->day, end);
    v = assess_row(p, x->d->goal, e, &thr);
    if (v == V_BAND && t->day < end + p->band_days)
        return say(x, PBSC_ACTION_WAIT, "band.wait", "day %ld: extra G-CSF day %ld of %ld", t->day,
                   t->day - end, p->band_days);
    if (v == V_BAND && t->day == end + p->band_days) {
        if (!read_cd34(x))
            return need(x, "need.cd34", "the PB CD34 after the extra G-CSF day");
        x->d->threshold = p->band_plerixafor_below;
        if (x->d->cd34 < p->band_plerixafor_below) {
            char why[96];
            snprintf(why, sizeof why, "day %ld PB CD34 %g/uL < %g/uL after the extra day", t->day,
                     x->d->cd34, p->band_plerixafor_below);
            return plerixafor(x, "band.plerixafor", 0, why);
        }
        return collect(x, "band.collect",
                       "day %ld PB CD34 %g/uL >= %g/uL after the extra day: "
                       "collect",
                       t->day, x->d->cd34, p->band_plerixafor_below);
    }
    if (v != V_PASS)
        return say(x, PBSC_ACTION_OUTSIDE_POLICY, "outside.deviation",
                   "day %ld: the course did not follow day %ld's rule (PB CD34 %g/uL)", t->day, end,
                   e->cd34);
    if (t->day < first_collect)
        return say(x, PBSC_ACTION_WAIT, "assess.collect_tomorrow",
                   "day %ld: day %ld passed, collect on day %ld", t->day, end, first_collect);
    if (!read_cd34(x))
        return need(x, "need.cd34", "the PB CD34 before the first apheresis");
    return collect(x, "collect.start", "day %ld: day %ld PB CD34 %g/uL passed: collect", t->day,
                   end, e->cd34);
}

/* The first assessment day: the policy's, or count recovery under chemotherapy. Returns 0
 * with *start set, or 1 when today's decision is made (waiting for recovery or for a WBC). */
static int
window_start(struct ctx *x, long *start)
{
    const pbsc_policy *p = x->p;
    const pbsc_day *t = x->h.today;

    if (x->c->regimen != PBSC_REGIMEN_CHEMO_GCSF) {
        *start = p->assess_day;
        return 0;
    }
    if (x->h.recovery_day != 0) {
        *start = x->h.recovery_day;
        return 0;
    }
    x->d->wbc = t->wbc;
    x->d->threshold = p->recovery_wbc;
    if (isnan(t->wbc))
        need(x, "need.wbc", "the WBC (count recovery)");
    else
        say(x, PBSC_ACTION_WAIT, "wait.recovery",
            "day %ld WBC %g x10^9/L: wait for recovery above %g after the nadir", t->day, t->wbc,
            p->recovery_wbc);
    return 1;
}

static int
before_collection(struct ctx *x)
{
    const pbsc_policy *p = x->p;
    const pbsc_day *t = x->h.today;
    long start, end, first_collect;

    if (window_start(x, &start))
        return PBSC_OK;
    end = p->assess_last_day == 0 ? p->max_day : start + (p->assess_last_day - p->assess_day);
    first_collect = start + (p->collect_day - p->assess_day);
    if (t->day < start)
        return say(x, PBSC_ACTION_WAIT, "wait.gcsf",
                   "day %ld: continue G-CSF, the policy assesses from day %ld", t->day, start);
    if (t->day <= end)
        return assess_today(x, first_collect);
    return after_window(x, end, first_collect);
}

/* ---- the model-based ("forecast") engine ----------------------------------------------- */

/* P(goal) and P(minimum) within the limits of one option from today, under the policy's
 * limits. */
static int
chance(struct ctx *x, const pbsc_model *m, pbsc_option option, long max_doses, double *p,
       double *p_min)
{
    pbsc_success_params sp;
    pbsc_success out;
    int rc;

    pbsc_success_params_init(&sp);
    sp.goal = x->d->goal;
    sp.minimum = x->d->minimum;
    sp.max_sessions = x->p->max_sessions;
    sp.last_day = x->p->max_day;
    sp.max_plerixafor_doses = max_doses;
    sp.session_tbv_multiple = x->p->session_tbv_multiple;
    sp.session_litres = x->p->session_litres;
    sp.draws = (size_t)x->p->forecast_draws;
    sp.seed = (unsigned long)x->p->forecast_seed;
    rc = pbsc_success_estimate(x->c, m, x->h.today->day, option, &sp, &out, x->diag);
    if (rc == PBSC_OK) {
        *p = out.p_goal;
        *p_min = out.p_minimum;
    }
    return rc;
}

/*
 * stop.unreachable     (as the published engine) minimum met, the sessions left cannot
 *                      reach the goal at today's median
 * forecast.collect_plerixafor  today's session is worth it, and P(goal) without plerixafor
 *                      < forecast_p_below while collecting today with plerixafor tonight
 *                      raises P(goal) or P(minimum) by >= forecast_min_gain: collect, and
 *                      plerixafor tonight
 * forecast.collect     today's median yield at the session cap >= min(forecast_min_yield,
 *                      what remains)
 * forecast.plerixafor  not worth collecting today; P(goal) without plerixafor <
 *                      forecast_p_below, and plerixafor tonight raises P(goal) or
 *                      P(minimum) by >= the gain
 * forecast.futile      the minimum is not in and P(minimum) < forecast_futile_below with and
 *                      without plerixafor: stop, failed (remobilize)
 * forecast.wait        none of these: continue G-CSF
 * "Without plerixafor" means no dose now or later; each P is over the policy's limits.
 */
static int
forecast_rules(struct ctx *x)
{
    const pbsc_policy *p = x->p;
    const pbsc_day *t = x->h.today;
    pbsc_model local;
    const pbsc_model *m = x->m;
    long start, doses = (long)x->h.doses;
    double cap, p_no, p_yes = NAN, min_no, min_yes = 0.0;
    pbsc_session s;
    int rc, worth, helps;

    if (x->h.aphereses == 0 && window_start(x, &start))
        return PBSC_OK;
    if (x->h.aphereses == 0 && t->day < start)
        return say(x, PBSC_ACTION_WAIT, "wait.gcsf",
                   "day %ld: continue G-CSF, the policy assesses from day %ld", t->day, start);
    if (!read_cd34(x))
        return need(x, "need.cd34", "the PB CD34 the forecast starts from");
    x->d->wbc = t->wbc; /* today's CE reads it */
    today_session(x, &s);
    if ((rc = session_cap(x, &s, &cap)) != PBSC_OK || (rc = project(x, &s, cap)) != PBSC_OK)
        return rc;
    if (x->h.aphereses > 0 && unreachable(x))
        return stop_unreachable(x);
    worth = (x->h.aphereses > 0 || t->day >= start + (p->collect_day - p->assess_day)) &&
            x->d->projection.median >= fmin(p->forecast_min_yield, x->d->remaining);
    if (m == NULL) { /* pbsc_decide(): the literature model with the caller's CE */
        pbsc_model_defaults(&local);
        local.p.ce = x->ce;
        m = &local;
    }
    if ((rc = chance(x, m, worth ? PBSC_OPTION_COLLECT : PBSC_OPTION_GCSF, doses, &p_no,
                     &min_no)) != PBSC_OK)
        return rc;
    if (doses < p->max_plerixafor_doses &&
        (rc = chance(x, m, worth ? PBSC_OPTION_COLLECT_PLERIXAFOR : PBSC_OPTION_PLERIXAFOR,
                     p->max_plerixafor_doses, &p_yes, &min_yes)) != PBSC_OK)
        return rc;
    x->d->p_goal_without = p_no;
    x->d->p_goal_with = p_yes;
    if (x->h.collected < x->d->minimum && fmax(min_no, min_yes) < p->forecast_futile_below) {
        x->d->threshold = p->forecast_futile_below;
        blank_projection(x->d);
        return say(x, PBSC_ACTION_STOP_FAILED, "forecast.futile",
                   "day %ld: P(minimum %g) %.3f without plerixafor, %.3f with it, both < %.2f: "
                   "stop, remobilize",
                   t->day, x->d->minimum, min_no, min_yes, p->forecast_futile_below);
    }
    x->d->threshold = p->forecast_p_below;
    /* plerixafor helps when it raises the chance of the goal, or of the minimum, enough */
    helps = doses < p->max_plerixafor_doses && p_no < p->forecast_p_below &&
            (p_yes - p_no >= p->forecast_min_gain || min_yes - min_no >= p->forecast_min_gain);
    if (worth && helps) {
        if ((rc = collect(x, "forecast.collect_plerixafor",
                          "day %ld: collect (median %.2f), then plerixafor tonight: P(goal) "
                          "%.2f without it < %.2f, %.2f with it",
                          t->day, x->d->projection.median, p_no, p->forecast_p_below, p_yes)) !=
            PBSC_OK)
            return rc;
        return evening_dose(x, x->h.aphereses > 0);
    }
    if (worth)
        return collect(x, "forecast.collect",
                       "day %ld: PB CD34 %g/uL, median yield today %.2f >= %.2f; P(goal) %.2f",
                       t->day, x->d->cd34, x->d->projection.median,
                       fmin(p->forecast_min_yield, x->d->remaining), p_no);
    blank_projection(x->d);
    if (helps) {
        char why[120];
        snprintf(why, sizeof why, "day %ld: P(goal) %.2f without plerixafor < %.2f, %.2f with it",
                 t->day, p_no, p->forecast_p_below, p_yes);
        return plerixafor(x, "forecast.plerixafor", x->h.aphereses > 0, why);
    }
    return say(x, PBSC_ACTION_WAIT, "forecast.wait",
               "day %ld: median yield today under %.2f, P(goal) %.2f without plerixafor, %.2f "
               "with it: continue G-CSF",
               t->day, fmin(p->forecast_min_yield, x->d->remaining), p_no, p_yes);
}

static int
rules(struct ctx *x)
{
    const pbsc_policy *p = x->p;
    const struct history *h = &x->h;
    long day = h->today->day;
    const char *why;

    if (!(p->regimens & PBSC_REGIMEN_BIT(x->c->regimen)))
        return say(x, PBSC_ACTION_OUTSIDE_POLICY, "outside.regimen",
                   "policy %s does not cover this regimen", p->id);
    if (h->collected >= x->d->goal)
        return say(x, PBSC_ACTION_STOP_GOAL, "stop.goal", "%g x10^6/kg collected, goal %g: stop",
                   h->collected, x->d->goal);
    if (h->unknown_product != NULL)
        return say(x, PBSC_ACTION_NEED_COUNT, "need.product",
                   "day %ld: the product of day %ld has no CD34 count", day,
                   h->unknown_product->day);
    if ((long)h->aphereses >= p->max_sessions)
        return stop_at_limit(x, "stop.sessions", "the policy's last apheresis is done");
    if (day > p->max_day)
        return stop_at_limit(x, "stop.day", "past the policy's last day");
    /* GITMO's peak criterion judges G-CSF alone (through today's count): once plerixafor has
     * been given the course is judged by its harvest, the products before today */
    if (p->fail_gitmo &&
        ((h->doses == 0 && (why = pbsc_gitmo_peak(x->c, h->today_index)) != NULL) ||
         (why = pbsc_gitmo_harvest(x->c, h->today_index)) != NULL))
        return stop_at_limit(x, "fail.gitmo", why);
    if (h->last_dose != NULL &&
        (h->last_apheresis == NULL || h->last_dose->day >= h->last_apheresis->day))
        return after_plerixafor(x);
    if (p->forecast)
        return forecast_rules(x);
    if (h->aphereses > 0)
        return collecting(x);
    return before_collection(x);
}

/* ---- the API --------------------------------------------------------------------------- */

static int
goal_in_force(const pbsc_course *c, const pbsc_policy *p, pbsc_decision *d, pbsc_diag *diag)
{
    d->goal = isnan(c->goal) ? p->goal : c->goal;
    d->minimum = isnan(c->minimum) ? p->minimum : c->minimum;
    if (isnan(d->goal))
        return pbsc_fail(diag, PBSC_E_MISSING, "goal", NAN,
                         "no goal: the course gives none and policy %s has no default", p->id);
    if (isnan(d->minimum))
        return pbsc_fail(diag, PBSC_E_MISSING, "minimum", NAN,
                         "no minimum: the course gives none and policy %s has no default", p->id);
    if (d->minimum > d->goal)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "minimum", d->minimum,
                         "minimum %g is above the goal %g", d->minimum, d->goal);
    return PBSC_OK;
}

static void
blank(pbsc_decision *d)
{
    memset(d, 0, sizeof *d);
    d->cd34 = d->wbc = d->threshold = NAN;
    d->plerixafor_mg = NAN;
    d->p_goal_without = d->p_goal_with = NAN;
    blank_projection(d);
}

/* pbsc_decide() and pbsc_decide_model(): the model, when given, supplies today's CE. */
static int
decide(const pbsc_course *course, const pbsc_policy *policy, const pbsc_model *model,
       const pbsc_ce_model *ce, long day, pbsc_decision *decision, pbsc_diag *diag)
{
    struct ctx x;
    pbsc_decision d;
    size_t today;
    int rc;

    if ((rc = pbsc_course_index(course, day, &today, diag)) != PBSC_OK)
        return rc;
    if (model != NULL)
        rc = pbsc_model_ce(model, course->days[today].wbc, NAN, &x.ce, diag);
    else
        x.ce = *ce;
    /* the CE model is checked every morning, not only on the mornings that project */
    if (rc != PBSC_OK || (rc = pbsc_need(PBSC_Q_CE, x.ce.median, "ce_median", diag)) != PBSC_OK ||
        (rc = pbsc_need(PBSC_Q_CE_SIGMA, x.ce.sigma, "ce_sigma", diag)) != PBSC_OK) {
        if (diag != NULL)
            diag->day = course->days[today].day;
        return rc;
    }
    blank(&d);
    if ((rc = goal_in_force(course, policy, &d, diag)) != PBSC_OK)
        return rc;
    x.c = course;
    x.p = policy;
    x.m = model;
    x.d = &d;
    x.diag = diag;
    read_history(course, policy, today, &x.h);
    d.day = x.h.today->day;
    d.collected = x.h.collected;
    d.remaining = fmax(0.0, d.goal - x.h.collected);
    d.aphereses = x.h.aphereses;
    d.plerixafor_doses = x.h.doses;
    d.warnings = x.h.warnings;
    snprintf(d.policy_id, sizeof d.policy_id, "%s", policy->id);
    snprintf(d.policy_version, sizeof d.policy_version, "%s", policy->version);
    snprintf(d.library_version, sizeof d.library_version, "%s", pbsc_version_string());
    if ((rc = rules(&x)) != PBSC_OK) {
        if (diag != NULL)
            diag->day = d.day;
        return rc;
    }
    *decision = d;
    return PBSC_OK;
}

PBSC_API int
pbsc_decide(const pbsc_course *course, const pbsc_policy *policy, const pbsc_ce_model *ce, long day,
            pbsc_decision *decision, pbsc_diag *diag)
{
    if (course == NULL || policy == NULL || ce == NULL || decision == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         course == NULL   ? "course"
                         : policy == NULL ? "policy"
                         : ce == NULL     ? "ce"
                                          : "decision",
                         NAN, "NULL argument");
    return decide(course, policy, NULL, ce, day, decision, diag);
}

PBSC_API int
pbsc_decide_model(const pbsc_course *course, const pbsc_policy *policy, const pbsc_model *model,
                  long day, pbsc_decision *decision, pbsc_diag *diag)
{
    if (course == NULL || policy == NULL || model == NULL || decision == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         course == NULL   ? "course"
                         : policy == NULL ? "policy"
                         : model == NULL  ? "model"
                                          : "decision",
                         NAN, "NULL argument");
    return decide(course, policy, model, NULL, day, decision, diag);
}

PBSC_API int
pbsc_replay(const pbsc_course *course, const pbsc_policy *policy, const pbsc_ce_model *ce,
            pbsc_decision *decisions, size_t capacity, size_t *count, pbsc_diag *diag)
{
    size_t i, n;
    int rc;

    if (course == NULL || policy == NULL || ce == NULL || decisions == NULL || count == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         course == NULL      ? "course"
                         : policy == NULL    ? "policy"
                         : ce == NULL        ? "ce"
                         : decisions == NULL ? "decisions"
                                             : "count",
                         NAN, "NULL argument");
    n = course->n;
    if (capacity < n)
        return pbsc_fail(diag, PBSC_E_RANGE, "capacity", (double)capacity,
                         "room for %zu decisions, the course has %zu days", capacity, n);
    /* Every day must decide before any is written: the array is untouched on error. */
    for (i = 0; i < n; i++) {
        pbsc_decision scratch;
        rc = pbsc_decide(course, policy, ce, course->days[i].day, &scratch, diag);
        if (rc != PBSC_OK)
            return rc;
    }
    for (i = 0; i < n; i++)
        pbsc_decide(course, policy, ce, course->days[i].day, &decisions[i], NULL);
    *count = n;
    return PBSC_OK;
}

PBSC_API const char *
pbsc_action_name(pbsc_action action)
{
    static const char *const names[] = {
        "wait",         "collect",     "plerixafor", "stop-goal",
        "stop-minimum", "stop-failed", "need-count", "outside-policy",
    };

    if ((int)action < 0 || (size_t)action >= sizeof names / sizeof names[0])
        return "unknown-action";
    return names[action];
}

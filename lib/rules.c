/* SPDX-License-Identifier: MIT */
/* The published-rules engine: every preset and site policy file is data for these rules,
 * at the two decision points of a day. */
#include "decide_private.h"

#include <stdio.h>

/*
 * Both moments, first (pbsc_rules_common):
 *   outside.scope          the policy does not cover this person (donor vs autologous)
 *   outside.diagnosis      the course's diagnosis is known and outside the policy's
 *                          diagnoses (unknown: decided, PBSC_W_DIAGNOSIS_UNKNOWN)
 *   outside.regimen        the policy does not cover the course's regimen
 *   stop.goal              collected >= goal (within PBSC_DOSE_TOLERANCE)
 *   need.product           an apheresis (today's, in the evening) has no product count
 *   stop.sessions          aphereses >= max_sessions (minimum met: stop-minimum, else failed)
 *   stop.day               the next apheresis would fall after max_day (the same)
 *   fail.gitmo             the policy stops proven poor mobilizers (GITMO)
 * The morning (pbsc_rules_morning), today's count known:
 *   -- a dose is pending (given on an evening since the last apheresis):
 *   need.cd34 / fail.after_plerixafor (CD34 < fail_after_plerixafor_below) /
 *   collect.after_plerixafor (collect.after_motixafortide when that was the dose)
 *   -- a planned mobilizer (planned_drug), before its first dose: lib/planned.c
 *   -- collection has started:
 *   need.cd34 / stop.unreachable (minimum met, the sessions left cannot reach the goal at
 *   today's median) / collect.continue
 *   -- before collection: the assessment window [A, E] (A = assess_day, or for chemotherapy
 *      the first day with WBC > recovery_wbc after the nadir, or with no nadir recorded
 *      the first count passing plerixafor_below; E = A + assess_last_day - assess_day, or
 *      max_day when assess_last_day is 0), apheresis from A + collect_day - assess_day
 *      (from A itself under chemotherapy with collect_at_recovery):
 *   wait.gcsf / wait.recovery  before the window
 *   outside.undefined      CD34 < undefined_below
 *   assess.plerixafor      CD34 < threshold (<= if inclusive; the multi threshold when the
 *                          goal > multi_goal_above, or with multi_transplants for two
 *                          transplants; and WBC > plerixafor_wbc_above if set)
 *   assess.wait_wbc        in the plerixafor zone but the WBC condition fails
 *   assess.band            CD34 in [band_low, band_high]: extra G-CSF day(s)
 *   assess.wait_count      CD34 not above collect_above: count again tomorrow
 *   assess.collect / assess.collect_tomorrow
 *   -- after the window, nothing collected, no dose:
 *   band.wait / band.plerixafor / band.collect   the extra days of the band
 *   collect.start          day E's verdict was "collect"
 *   outside.missed_assessment  day E has no count
 *   outside.deviation      day E's verdict was not followed
 * The evening (pbsc_rules_evening), today's harvest known:
 *   planned.next           a planned mobilizer's next dose (lib/planned.c)
 *   plerixafor.next        today's apheresis followed a dose: the next dose tonight, as
 *                          labelled, while the policy's doses last (action continue)
 *   salvage.y1 / salvage.yd  no dose yet for this apheresis, today's product below the
 *                          first-day or later-day salvage threshold: plerixafor tonight
 *   plerixafor.as_advised  this morning advised a dose tonight and an apheresis was done
 *                          anyway: the dose stands (action plerixafor)
 *   continue.tomorrow      count again tomorrow (action continue)
 */

static int
after_plerixafor(struct ctx *x)
{
    double t = x->p->fail_after_plerixafor_below;
    long day = x->h.today->day;

    x->d->cd34 = x->h.today->cd34;
    if (isnan(x->d->cd34))
        return pbsc_need_count(x, "need.cd34", "the PB CD34 after the dose");
    x->d->threshold = t; /* NAN when the policy has no failure threshold */
    if (x->d->cd34 < t)
        return pbsc_stop_at_limit(x, "fail.after_plerixafor",
                                  "PB CD34 still below threshold after plerixafor");
    return pbsc_collect(x,
                        x->h.last_dose->plerixafor_mg > 0.0 ? "collect.after_plerixafor"
                                                            : "collect.after_motixafortide",
                        "day %ld: dose given on the evening of day %ld, PB CD34 %g/uL: collect",
                        day, x->h.last_dose->day, x->d->cd34);
}

/* The minimum is in and the sessions left from today, from today's median (d->projection)
 * with the count falling after each apheresis (pbsc_sessions_yield), cannot reach the goal. */
static int
unreachable(const struct ctx *x)
{
    return pbsc_reached(x->h.collected, x->d->minimum) &&
           pbsc_sessions_yield(x, pbsc_sessions_left(x, x->h.today->day)) *
                   x->d->projection.median <
               x->d->remaining;
}

static int
stop_unreachable(struct ctx *x)
{
    long left = pbsc_sessions_left(x, x->h.today->day);
    double total = pbsc_sessions_yield(x, left) * x->d->projection.median;

    pbsc_blank_projection(x->d);
    return pbsc_say(x, PBSC_ACTION_STOP_MINIMUM, "stop.unreachable",
                    "day %ld: %ld session(s) left from PB CD34 %g/uL project %.2f x10^6/kg, "
                    "short of the %.2f remaining; minimum met",
                    x->h.today->day, left, x->d->cd34, total, x->d->remaining);
}

static int
collecting(struct ctx *x)
{
    int rc;

    x->d->cd34 = x->h.today->cd34;
    if (isnan(x->d->cd34))
        return pbsc_need_count(x, "need.cd34", "the PB CD34");
    if ((rc = pbsc_project_cap(x)) != PBSC_OK)
        return rc;
    if (unreachable(x))
        return stop_unreachable(x);
    return pbsc_collect(x, "collect.continue",
                        "day %ld: PB CD34 %g/uL, %.2f x10^6/kg to go: collect", x->h.today->day,
                        x->d->cd34, x->d->remaining);
}

/* The plerixafor threshold in force for this course and goal: the multi one for a goal
 * above multi_goal_above, or for two transplants (multi_transplants). */
static double
threshold(const struct ctx *x)
{
    const pbsc_policy *p = x->p;

    if (isnan(p->plerixafor_below_multi))
        return p->plerixafor_below;
    if (p->multi_transplants ? pbsc_transplants(x->c, x->d->goal) >= 2
                             : x->d->goal > p->multi_goal_above)
        return p->plerixafor_below_multi;
    return p->plerixafor_below;
}

enum verdict {
    V_NEED_CD34,
    V_NEED_WBC,
    V_OUTSIDE,
    V_PLERIXAFOR,
    V_WAIT_WBC,
    V_BAND,
    V_LOW, /* not above collect_above: wait */
    V_PASS
};

/* The assessment rule on one row. */
static enum verdict
assess_row(const struct ctx *x, const pbsc_row *r, double *thr)
{
    const pbsc_policy *p = x->p;
    double t = threshold(x);
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
    if (!isnan(p->collect_above) && !(r->cd34 > p->collect_above)) {
        *thr = p->collect_above;
        return V_LOW;
    }
    return V_PASS;
}

static int
assess_pass(struct ctx *x, double thr, long first_collect)
{
    const pbsc_row *t = x->h.today;

    if (!isnan(x->p->band_high)) /* passing a band policy means passing its top */
        x->d->threshold = thr = x->p->band_high;
    if (isnan(thr) && t->day >= first_collect) /* no count threshold (the donor preset) */
        return pbsc_collect(x, "assess.collect",
                            "day %ld PB CD34 %g/uL: the policy collects on day %ld whatever the "
                            "count",
                            t->day, t->cd34, first_collect);
    if (isnan(thr))
        return pbsc_say(x, PBSC_ACTION_WAIT, "assess.collect_tomorrow",
                        "day %ld PB CD34 %g/uL: the policy collects on day %ld", t->day, t->cd34,
                        first_collect);
    if (t->day >= first_collect)
        return pbsc_collect(x, "assess.collect", "day %ld PB CD34 %g/uL passes %g/uL: collect",
                            t->day, t->cd34, thr);
    return pbsc_say(x, PBSC_ACTION_WAIT, "assess.collect_tomorrow",
                    "day %ld PB CD34 %g/uL passes %g/uL: G-CSF alone, collect on day %ld", t->day,
                    t->cd34, thr, first_collect);
}

static int
assess_today(struct ctx *x, long first_collect)
{
    const pbsc_row *t = x->h.today;
    double thr;
    enum verdict v = assess_row(x, t, &thr);
    char why[96];

    x->d->cd34 = t->cd34;
    x->d->threshold = thr;
    switch (v) {
    case V_NEED_CD34:
        return pbsc_need_count(x, "need.cd34", "the PB CD34 of the assessment");
    case V_NEED_WBC:
        return pbsc_need_count(x, "need.wbc", "the WBC (the plerixafor rule reads it)");
    case V_OUTSIDE:
        return pbsc_say(x, PBSC_ACTION_OUTSIDE_POLICY, "outside.undefined",
                        "day %ld PB CD34 %g/uL < %g/uL: the policy defines nothing here", t->day,
                        t->cd34, thr);
    case V_PLERIXAFOR:
        x->d->wbc = t->wbc;
        pbsc_fmt(why, sizeof why, "day %ld PB CD34 %g/uL %s %g/uL", t->day, t->cd34,
                 x->p->plerixafor_inclusive ? "<=" : "<", thr);
        return pbsc_plerixafor(x, "assess.plerixafor", 0, why);
    case V_WAIT_WBC:
        x->d->wbc = t->wbc;
        return pbsc_say(x, PBSC_ACTION_WAIT, "assess.wait_wbc",
                        "day %ld PB CD34 %g/uL < %g/uL but WBC %g <= %g x10^9/L: continue G-CSF",
                        t->day, t->cd34, thr, t->wbc, x->p->plerixafor_wbc_above);
    case V_BAND:
        return pbsc_say(x, PBSC_ACTION_WAIT, "assess.band",
                        "day %ld PB CD34 %g/uL in [%g, %g]/uL: %ld more day(s) of G-CSF", t->day,
                        t->cd34, x->p->band_low, x->p->band_high, x->p->band_days);
    case V_LOW:
        return pbsc_say(x, PBSC_ACTION_WAIT, "assess.wait_count",
                        "day %ld PB CD34 %g/uL, not above %g/uL: continue, count again tomorrow",
                        t->day, t->cd34, thr);
    case V_PASS:
    default:
        return assess_pass(x, thr, first_collect);
    }
}

static const pbsc_row *
row_of(const struct ctx *x, long day)
{
    size_t i;

    for (i = 0; i <= x->h.today_index; i++)
        if (x->c->days[i].day == day)
            return &x->c->days[i];
    return NULL;
}

/* The last day of the band's extra G-CSF days: plerixafor or collect on today's count. */
static int
band_end(struct ctx *x)
{
    const pbsc_row *t = x->h.today;
    double below = x->p->band_plerixafor_below;

    x->d->cd34 = t->cd34;
    if (isnan(t->cd34))
        return pbsc_need_count(x, "need.cd34", "the PB CD34 after the extra G-CSF day");
    x->d->threshold = below;
    if (t->cd34 < below) {
        char why[96];
        pbsc_fmt(why, sizeof why, "day %ld PB CD34 %g/uL < %g/uL after the extra day", t->day,
                 t->cd34, below);
        return pbsc_plerixafor(x, "band.plerixafor", 0, why);
    }
    return pbsc_collect(x, "band.collect",
                        "day %ld PB CD34 %g/uL >= %g/uL after the extra day: collect", t->day,
                        t->cd34, below);
}

/* After the window, nothing collected and no dose: follow day E's verdict. */
static int
after_window(struct ctx *x, long end, long first_collect)
{
    const pbsc_policy *p = x->p;
    const pbsc_row *e = row_of(x, end), *t = x->h.today;
    enum verdict v;
    double thr;

    if (e == NULL || isnan(e->cd34))
        return pbsc_say(x, PBSC_ACTION_OUTSIDE_POLICY, "outside.missed_assessment",
                        "day %ld: the assessment day %ld has no PB CD34 count", t->day, end);
    v = assess_row(x, e, &thr);
    if (v == V_BAND && t->day < end + p->band_days)
        return pbsc_say(x, PBSC_ACTION_WAIT, "band.wait", "day %ld: extra G-CSF day %ld of %ld",
                        t->day, t->day - end, p->band_days);
    if (v == V_BAND && t->day == end + p->band_days)
        return band_end(x);
    if (v != V_PASS)
        return pbsc_say(x, PBSC_ACTION_OUTSIDE_POLICY, "outside.deviation",
                        "day %ld: the course did not follow day %ld's rule (PB CD34 %g/uL)",
                        t->day, end, e->cd34);
    if (t->day < first_collect)
        return pbsc_say(x, PBSC_ACTION_WAIT, "assess.collect_tomorrow",
                        "day %ld: day %ld passed, collect on day %ld", t->day, end, first_collect);
    x->d->cd34 = t->cd34;
    if (isnan(t->cd34))
        return pbsc_need_count(x, "need.cd34", "the PB CD34 before the first apheresis");
    return pbsc_collect(x, "collect.start", "day %ld: day %ld PB CD34 %g/uL passed: collect",
                        t->day, end, e->cd34);
}

static int
before_collection(struct ctx *x)
{
    const pbsc_policy *p = x->p;
    const pbsc_row *t = x->h.today;
    long start, end, first_collect;

    if (pbsc_window_start(x, &start))
        return PBSC_OK;
    end = p->assess_last_day == 0 ? p->max_day : start + (p->assess_last_day - p->assess_day);
    first_collect = start + (p->collect_day - p->assess_day);
    if (x->c->regimen == PBSC_REGIMEN_CHEMO_GCSF && p->collect_at_recovery)
        first_collect = start; /* a passing count from recovery on collects that day */
    if (t->day < start)
        return pbsc_say(x, PBSC_ACTION_WAIT, "wait.gcsf",
                        "day %ld: continue G-CSF, the policy assesses from day %ld", t->day,
                        start);
    if (t->day <= end)
        return assess_today(x, first_collect);
    return after_window(x, end, first_collect);
}

/* The diagnoses a policy covers, "MM, AL", into buf. */
static void
diagnoses_text(unsigned bits, char *buf, size_t size)
{
    size_t used = 0;
    int d, n;

    buf[0] = '\0';
    for (d = 1; d < PBSC_DX_COUNT && used < size; d++) {
        if (!(bits & PBSC_DX_BIT(d)))
            continue;
        n = pbsc_fmt(buf + used, size - used, "%s%s", used > 0 ? ", " : "",
                     pbsc_diagnosis_name((pbsc_diagnosis)d));
        used += n > 0 ? (size_t)n : 0;
    }
}

/* The source's diagnosis scope: a known diagnosis outside it is outside the policy; an
 * unknown one is decided, warned (PBSC_W_DIAGNOSIS_UNKNOWN). */
static int
diagnosis_scope(struct ctx *x)
{
    pbsc_diagnosis dx = x->c->person.diagnosis;
    char covered[64];

    if (x->p->diagnoses == 0)
        return 0;
    if (dx == PBSC_DX_UNKNOWN) {
        x->d->warnings |= PBSC_W_DIAGNOSIS_UNKNOWN;
        return 0;
    }
    if (x->p->diagnoses & PBSC_DX_BIT(dx))
        return 0;
    diagnoses_text(x->p->diagnoses, covered, sizeof covered);
    pbsc_say(x, PBSC_ACTION_OUTSIDE_POLICY, "outside.diagnosis",
             "policy %s covers %s (its source's scope); this course's diagnosis is %s", x->p->id,
             covered, pbsc_diagnosis_name(dx));
    return 1;
}

static int
scope(struct ctx *x)
{
    int donor = !isnan(x->c->person.recipient_kg);
    unsigned need = donor ? PBSC_SCOPE_DONOR : PBSC_SCOPE_AUTOLOGOUS;

    if (x->p->scope & need)
        return diagnosis_scope(x);
    if (donor)
        pbsc_say(x, PBSC_ACTION_OUTSIDE_POLICY, "outside.scope",
                 "policy %s is for autologous patients; this is a healthy donor's course "
                 "(recipient %g kg): no plerixafor for healthy donors",
                 x->p->id, x->c->person.recipient_kg);
    else
        pbsc_say(x, PBSC_ACTION_OUTSIDE_POLICY, "outside.scope",
                 "policy %s is for healthy donors; this is an autologous course", x->p->id);
    return 1;
}

/* The limits on the next apheresis: today's in the morning, tomorrow's in the evening. */
static int
limits(struct ctx *x, int *rc)
{
    const struct history *h = &x->h;
    long next = h->today->day + (h->moment == PBSC_EVENING);
    const char *why;

    if ((long)h->aphereses >= x->p->max_sessions)
        return *rc = pbsc_stop_at_limit(x, "stop.sessions", "the policy's last apheresis is done"),
               1;
    if (next > x->p->max_day)
        return *rc = pbsc_stop_at_limit(x, "stop.day", "past the policy's last day"), 1;
    /* GITMO's peak criterion judges G-CSF alone (through today's count): once a dose has
     * been given the course is judged by its harvest, the products the point knows */
    if (x->p->fail_gitmo &&
        ((h->doses == 0 && (why = pbsc_gitmo_peak(x->c, h->today_index)) != NULL) ||
         (why = pbsc_gitmo_harvest(x->c, h->today_index + (h->moment == PBSC_EVENING),
                                   x->d->goal)) != NULL))
        return *rc = pbsc_stop_at_limit(x, "fail.gitmo", why), 1;
    return 0;
}

int
pbsc_rules_common(struct ctx *x, int *rc)
{
    const struct history *h = &x->h;
    long day = h->today->day;

    *rc = PBSC_OK;
    if (scope(x))
        return 1;
    if (!(x->p->regimens & PBSC_REGIMEN_BIT(x->c->regimen)))
        return pbsc_say(x, PBSC_ACTION_OUTSIDE_POLICY, "outside.regimen",
                        "policy %s does not cover this regimen", x->p->id),
               1;
    if (h->unknown_product == NULL && pbsc_reached(h->collected, x->d->goal))
        return pbsc_say(x, PBSC_ACTION_STOP_GOAL, "stop.goal",
                        "%g x10^6/kg collected, goal %g: stop", h->collected, x->d->goal),
               1;
    if (h->unknown_product != NULL)
        return pbsc_say(x, PBSC_ACTION_NEED_COUNT, "need.product",
                        "day %ld: the product of day %ld has no CD34 count", day,
                        h->unknown_product->day),
               1;
    return limits(x, rc);
}

int
pbsc_rules_pending(struct ctx *x, int *rc)
{
    const struct history *h = &x->h;

    if (h->last_dose == NULL ||
        (h->last_apheresis != NULL && h->last_dose->day < h->last_apheresis->day))
        return 0;
    *rc = after_plerixafor(x);
    return 1;
}

int
pbsc_rules_morning(struct ctx *x)
{
    const struct history *h = &x->h;
    int rc;

    if (pbsc_rules_pending(x, &rc) || pbsc_planned_morning(x, &rc))
        return rc;
    if (h->aphereses > 0)
        return collecting(x);
    return before_collection(x);
}

/* Salvage after today's poor harvest, when no dose prepared it. */
static int
salvage(struct ctx *x, int *rc)
{
    const pbsc_policy *p = x->p;
    const struct history *h = &x->h;
    double y = h->today->collected;
    double below = h->aphereses == 1 ? p->y1_salvage_below : p->yd_salvage_below;
    char why[96];

    if ((long)h->doses >= p->max_plerixafor_doses || !(y < below))
        return 0;
    x->d->threshold = below;
    pbsc_fmt(why, sizeof why, "day %ld %s %g < %g x10^6/kg", h->today->day,
             h->aphereses == 1 ? "first yield" : "yield", y, below);
    *rc = pbsc_plerixafor(x, h->aphereses == 1 ? "salvage.y1" : "salvage.yd", 1, why);
    return 1;
}

/* The morning advised a dose tonight (pre-emptive) and an apheresis was done anyway: the
 * advice stands, the harvest does not cancel it. */
static int
as_advised(struct ctx *x)
{
    const pbsc_decision *m = x->morning;
    int rc;

    if ((rc = pbsc_tonight(x, m->tonight.salvage)) != PBSC_OK)
        return rc;
    x->d->threshold = m->threshold;
    return pbsc_say(x, PBSC_ACTION_PLERIXAFOR, "plerixafor.as_advised",
                    "day %ld: this morning's %s stands: plerixafor %.2f mg tonight (dose %d), "
                    "apheresis day %ld",
                    x->h.today->day, m->rule, x->d->tonight.mg, x->d->tonight.number,
                    x->d->tonight.apheresis_day);
}

int
pbsc_rules_evening(struct ctx *x)
{
    const struct history *h = &x->h;
    long day = h->today->day;
    /* today's apheresis was prepared by a dose given since the one before it */
    int prepared = h->last_dose != NULL && (h->previous_apheresis == NULL ||
                                            h->last_dose->day >= h->previous_apheresis->day);
    int rc;

    if (pbsc_planned_evening(x, &rc))
        return rc;
    if (prepared && (long)h->doses < x->p->max_plerixafor_doses &&
        h->last_dose->plerixafor_mg > 0.0) {
        if ((rc = pbsc_tonight(x, 0)) != PBSC_OK)
            return rc;
        return pbsc_say(x, PBSC_ACTION_CONTINUE, "plerixafor.next",
                        "day %ld: %.2f x10^6/kg of %g collected after plerixafor: dose %d "
                        "(%.2f mg) tonight as labelled, apheresis day %ld",
                        day, h->collected, x->d->goal, x->d->tonight.number, x->d->tonight.mg,
                        x->d->tonight.apheresis_day);
    }
    if (!prepared && salvage(x, &rc))
        return rc;
    if (x->morning->tonight.drug != PBSC_DRUG_NONE && (long)h->doses < x->p->max_plerixafor_doses)
        return as_advised(x);
    return pbsc_say(x, PBSC_ACTION_CONTINUE, "continue.tomorrow",
                    "day %ld: %.2f x10^6/kg of %g collected: count again tomorrow", day,
                    h->collected, x->d->goal);
}

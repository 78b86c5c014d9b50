/* SPDX-License-Identifier: MIT */
/* One decision point: what the course says at it, and the helpers that fill its decision
 * (the action, the rule, the reason, today's session and tonight's dose). */
#include "decide_private.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The count passes the policy's plerixafor threshold (NAN: none passes). */
static int
passes(const pbsc_policy *p, double cd34)
{
    return p->plerixafor_inclusive ? cd34 > p->plerixafor_below : cd34 >= p->plerixafor_below;
}

void
pbsc_read_history(const pbsc_course *c, const pbsc_policy *p, size_t today, pbsc_moment moment,
                  struct history *h)
{
    size_t i;

    memset(h, 0, sizeof *h);
    h->today = &c->days[today];
    h->today_index = today;
    h->moment = moment;
    for (i = 0; i <= today; i++) {
        const pbsc_row *d = &c->days[i];
        /* recovery is a rise after the nadir: a normal WBC before it is not recovery; with
         * no nadir recorded, a count that would pass at recovery is recovery [interp] */
        if (d->wbc <= p->recovery_wbc)
            h->nadir = 1;
        else if (h->nadir && h->recovery_day == 0 && d->wbc > p->recovery_wbc)
            h->recovery_day = d->day;
        if (!h->nadir && h->recovery_day == 0 && passes(p, d->cd34))
            h->recovery_day = d->day;
        if (i > 0 && d->day > c->days[i - 1].day + 1)
            h->warnings |= PBSC_W_DAY_GAP;
        if (i == today && moment == PBSC_MORNING)
            break;
        if (PBSC_ROW_APHERESIS(d)) {
            h->aphereses++;
            if (h->first_apheresis == NULL)
                h->first_apheresis = d;
            h->previous_apheresis = h->last_apheresis;
            h->last_apheresis = d;
            if (isnan(d->collected)) {
                if (h->unknown_product == NULL)
                    h->unknown_product = d;
            } else {
                h->collected += d->collected;
            }
        }
        if (i == today)
            break; /* tonight's dose is what is being decided */
        if (c->regimen != PBSC_REGIMEN_CHEMO_GCSF && PBSC_ROW_DOSE(d) && d->day < 4)
            h->warnings |= PBSC_W_PLERIXAFOR_EARLY;
        if (d->plerixafor_mg > 0.0)
            h->doses++;
        if (d->motixafortide_mg > 0.0)
            h->motixafortide_doses++;
        if (PBSC_ROW_DOSE(d))
            h->last_dose = d;
    }
}

int
pbsc_reached(double collected, double target)
{
    return collected >= target - PBSC_DOSE_TOLERANCE;
}

void
pbsc_blank_projection(pbsc_decision *d)
{
    pbsc_projection *p = &d->projection;

    d->volume_l = NAN;
    p->median = p->lower = p->upper = p->level = p->dose = p->p_dose = NAN;
    p->volume_l = p->tbv_l = p->sigma = NAN;
}

int
pbsc_is_stop(pbsc_action a)
{
    return a == PBSC_ACTION_STOP_GOAL || a == PBSC_ACTION_STOP_MINIMUM ||
           a == PBSC_ACTION_STOP_FAILED;
}

/* The action, the rule that fired and the reason sentence. A point on the way to the one
 * asked for needs its sentence only when it stops (later points repeat it). */
static void
vsay(struct ctx *x, pbsc_action action, const char *rule, const char *fmt, va_list ap)
{
    size_t n = strlen(rule);

    x->d->action = action;
    if (n >= sizeof x->d->rule)
        n = sizeof x->d->rule - 1;
    memcpy(x->d->rule, rule, n);
    x->d->rule[n] = '\0';
    if (!x->light || pbsc_is_stop(action))
        pbsc_vfmt(x->d->reason, sizeof x->d->reason, fmt, ap);
}

int
pbsc_say(struct ctx *x, pbsc_action action, const char *rule, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay(x, action, rule, fmt, ap);
    va_end(ap);
    return PBSC_OK;
}

int
pbsc_need_count(struct ctx *x, const char *rule, const char *what)
{
    return pbsc_say(x, PBSC_ACTION_NEED_COUNT, rule, "day %ld: %s is needed", x->h.today->day,
                    what);
}

/* Stop at a limit: stop-minimum if the minimum is in, else failed. */
int
pbsc_stop_at_limit(struct ctx *x, const char *rule, const char *what)
{
    if (pbsc_reached(x->h.collected, x->d->minimum))
        return pbsc_say(x, PBSC_ACTION_STOP_MINIMUM, rule, "%s; minimum %g met with %g x10^6/kg",
                        what, x->d->minimum, x->h.collected);
    return pbsc_say(x, PBSC_ACTION_STOP_FAILED, rule, "%s; %g x10^6/kg collected, minimum %g",
                    what, x->h.collected, x->d->minimum);
}

/* The session the person could have today, at today's count, with the person's blood
 * volume rule (a child's band rather than Nadler). */
static void
today_session(const struct ctx *x, pbsc_session *s)
{
    const pbsc_person *p = &x->c->person;

    pbsc_session_init(s);
    s->cd34 = x->h.today->cd34;
    s->weight_kg = p->weight_kg;
    s->recipient_kg = p->recipient_kg;
    s->wbc = x->h.today->wbc;
    pbsc_model_shape(x->m, s); /* the model's yield model v2 */
    if (x->d->blood_volume == PBSC_BAND_NADLER) {
        s->height_cm = p->height_cm;
        s->sex = p->sex;
    } else {
        s->band = x->d->blood_volume;
    }
}

/* The most one session may process: the policy's caps, never over the 60 L input limit. */
static double
session_cap(const struct ctx *x)
{
    const pbsc_limits *l;
    double litres;

    pbsc_range(PBSC_Q_VOLUME_L, &l);
    litres = fmin(x->p->session_tbv_multiple * x->d->tbv_l, l->max);
    if (!isnan(x->p->session_litres))
        litres = fmin(litres, x->p->session_litres);
    return litres;
}

/* The dose today's session aims at: what remains, or under split_sessions its share over the
 * planned sessions not yet done (the last one aims at all that remains). */
static double
aim(const struct ctx *x)
{
    long left = x->p->split_sessions - (long)x->h.aphereses;

    return left > 1 ? x->d->remaining / (double)left : x->d->remaining;
}

static int
project(struct ctx *x, pbsc_session *s, double volume)
{
    s->volume_l = volume;
    x->d->volume_l = volume;
    return pbsc_yield_project(s, &x->ce, x->p->level, aim(x), &x->d->projection, x->diag);
}

int
pbsc_project_cap(struct ctx *x)
{
    pbsc_session s;

    today_session(x, &s);
    return project(x, &s, session_cap(x));
}

/* Collect today: the volume giving P(volume_probability) of the remaining dose, capped. On
 * a point passed on the way to the one asked for, only the action matters. */
int
pbsc_collect(struct ctx *x, const char *rule, const char *fmt, ...)
{
    pbsc_session s;
    double cap, v;
    va_list ap;
    int rc;

    if (!x->light) {
        today_session(x, &s);
        cap = session_cap(x);
        /* a count of 0 cannot reach the dose: process the cap, the projection says 0 */
        rc = pbsc_yield_volume(&s, &x->ce, aim(x), x->p->volume_probability, &v, NULL);
        if (rc == PBSC_E_UNREACHABLE)
            v = cap;
        else if (rc != PBSC_OK)
            return pbsc_yield_volume(&s, &x->ce, aim(x), x->p->volume_probability, &v, x->diag);
        if ((rc = project(x, &s, fmin(v, cap))) != PBSC_OK)
            return rc;
    }
    va_start(ap, fmt);
    vsay(x, PBSC_ACTION_COLLECT, rule, fmt, ap);
    va_end(ap);
    return PBSC_OK;
}

/* Aphereses the limits still allow from `from_day` on: by count and by calendar. */
long
pbsc_sessions_left(const struct ctx *x, long from_day)
{
    long by_count = x->p->max_sessions - (long)x->h.aphereses;
    long by_day = x->p->max_day - from_day + 1;

    return by_count < by_day ? by_count : by_day;
}

/* Today's median yield times this is what the sessions left from today project: one a day,
 * each morning after an apheresis the count x the model's apheresis_ratio, so a session
 * yields q = ratio^b times the one before (b: the model's count slope, a donor's for a
 * donor): 1 + q + ... + q^(n-1), the assumption of pbsc_yield_sessions(3) and the forecast. */
double
pbsc_sessions_yield(const struct ctx *x, long sessions)
{
    const pbsc_model_params *p = &x->m->p;
    double b = isnan(x->c->person.recipient_kg) ? p->count_slope : p->count_slope_donor;
    double q = pow(p->apheresis_ratio, b);

    if (sessions <= 0)
        return 0.0;
    return q == 1.0 ? (double)sessions : (1.0 - pow(q, (double)sessions)) / (1.0 - q);
}

/* Tonight's plerixafor dose and the apheresis it prepares. The fixed 20 mg (13 mg) dose is
 * an adult option: a site's fixed-dose setting applies only to a person known to be 18 or
 * over; a child, or a person of unknown age, is dosed per kg (always on-label <= 83 kg). */
int
pbsc_tonight(struct ctx *x, int salvage)
{
    const pbsc_person *p = &x->c->person;
    int fixed = x->p->plerixafor_fixed_dose && p->age_years >= 18.0;
    pbsc_dose *t = &x->d->tonight;
    unsigned w = 0;
    int rc;

    if (x->p->plerixafor_fixed_dose && !fixed)
        x->d->warnings |= isnan(p->age_years) ? PBSC_W_AGE_UNKNOWN : PBSC_W_CHILD;
    rc = pbsc_plerixafor_label(p->weight_kg, p->crcl_ml_min, fixed, &t->mg, &t->basis, &w,
                               x->diag);
    if (rc != PBSC_OK)
        return rc;
    x->d->warnings |= w;
    t->drug = PBSC_DRUG_PLERIXAFOR;
    t->number = (int)x->h.doses + 1;
    t->apheresis_day = x->h.today->day + 1;
    t->salvage = salvage;
    return PBSC_OK;
}

/* Tonight's dose of `drug`: plerixafor as pbsc_tonight(); motixafortide per its label. */
int
pbsc_tonight_drug(struct ctx *x, pbsc_drug drug, int salvage)
{
    pbsc_dose *t = &x->d->tonight;
    int rc;

    if (drug != PBSC_DRUG_MOTIXAFORTIDE)
        return pbsc_tonight(x, salvage);
    rc = pbsc_motixafortide_label(x->c->person.weight_kg, &t->mg, &t->basis, x->diag);
    if (rc != PBSC_OK)
        return rc;
    t->drug = PBSC_DRUG_MOTIXAFORTIDE;
    t->number = (int)x->h.motixafortide_doses + 1;
    t->apheresis_day = x->h.today->day + 1;
    t->salvage = salvage;
    return PBSC_OK;
}

/* Start plerixafor tonight, for the apheresis tomorrow. */
int
pbsc_plerixafor(struct ctx *x, const char *rule, int salvage, const char *why)
{
    int rc = pbsc_tonight(x, salvage);

    if (rc != PBSC_OK)
        return rc;
    return pbsc_say(x, PBSC_ACTION_PLERIXAFOR, rule,
                    "%s: plerixafor %.2f mg tonight (dose %d), apheresis day %ld", why,
                    x->d->tonight.mg, x->d->tonight.number, x->d->tonight.apheresis_day);
}

/* The first assessment day: the policy's, or count recovery under chemotherapy. Returns 0
 * with *start set, or 1 when this point is decided (waiting for recovery or for a WBC). */
int
pbsc_window_start(struct ctx *x, long *start)
{
    const pbsc_policy *p = x->p;
    const pbsc_row *t = x->h.today;

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
        pbsc_need_count(x, "need.wbc", "the WBC (count recovery)");
    else if (x->h.nadir || isnan(p->plerixafor_below))
        pbsc_say(x, PBSC_ACTION_WAIT, "wait.recovery",
                 "day %ld WBC %g x10^9/L: wait for recovery above %g after the nadir", t->day,
                 t->wbc, p->recovery_wbc);
    else
        pbsc_say(x, PBSC_ACTION_WAIT, "wait.recovery",
                 "day %ld WBC %g x10^9/L, no WBC <= %g recorded yet: wait for recovery above "
                 "%g after the nadir, or a PB CD34 passing %g/uL",
                 t->day, t->wbc, p->recovery_wbc, p->recovery_wbc, p->plerixafor_below);
    return 1;
}

/* SPDX-License-Identifier: MIT */
/* The decision API: one decision point of a course, and the replay of every point, both by
 * one walk over the course that remembers what it decided. */
#include "decide_private.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

/*
 * The walk visits the points of the course in order: each day's morning, then its evening
 * when the day records an apheresis (or when the evening is the point asked for). It keeps:
 * - a stop: once decided, every later point repeats it (rule "stopped", decided_day and
 *   decided_moment naming the point that decided it); an apheresis or a dose recorded after
 *   it raises PBSC_W_AFTER_STOP;
 * - tonight's advice of each day: a dose recorded on an evening none was advised raises
 *   PBSC_W_DOSE_UNADVISED, an advised dose not recorded PBSC_W_DOSE_NOT_GIVEN, an apheresis
 *   on a day whose morning did not advise one PBSC_W_APHERESIS_UNADVISED. These warnings
 *   stay on every later decision.
 * Earlier points are decided "light" (no collect volume): only their actions matter.
 */

/* The 1.0 layout of pbsc_decision ends with ce_sigma. */
#define DECISION_MIN (offsetof(pbsc_decision, ce_sigma) + sizeof(double))

/* A decision with nothing decided: every number NAN. */
static void
blank(pbsc_decision *d)
{
    memset(d, 0, sizeof *d);
    d->size = sizeof *d;
    d->cd34 = d->wbc = d->threshold = NAN;
    d->goal = d->minimum = d->collected = d->remaining = NAN;
    d->tonight.mg = NAN;
    d->p_goal_without = d->p_goal_with = NAN;
    d->tbv_l = d->ce_median = d->ce_sigma = NAN;
    pbsc_blank_projection(d);
}

PBSC_API void
pbsc_decision_init_sized(pbsc_decision *decision, size_t size)
{
    pbsc_decision full;

    blank(&full);
    pbsc_sized_init(decision, size, &full, sizeof full);
}

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

/* The provenance every decision carries: policy, library, model, CE. */
static void
provenance(const struct ctx *x, pbsc_decision *d)
{
    pbsc_fmt(d->policy_id, sizeof d->policy_id, "%s", x->p->id);
    pbsc_fmt(d->policy_version, sizeof d->policy_version, "%s", x->p->version);
    memcpy(d->policy_hash, x->p->hash, sizeof d->policy_hash);
    pbsc_fmt(d->library_version, sizeof d->library_version, "%s", pbsc_version_string());
    pbsc_fmt(d->model_id, sizeof d->model_id, "%s", x->m->id);
    pbsc_fmt(d->model_version, sizeof d->model_version, "%s", x->m->version);
    d->model_fitted = x->m->fitted;
    memcpy(d->model_hash, x->m->hash, sizeof d->model_hash);
    pbsc_fmt(d->ce_id, sizeof d->ce_id, "%s", x->ce.id != NULL ? x->ce.id : "");
    d->ce_median = x->ce.median;
    d->ce_sigma = x->ce.sigma;
}

/* The point (row i, moment) decided afresh from the course. */
static int
point(struct walk *w, size_t i, pbsc_moment moment, int light, pbsc_decision *d)
{
    const pbsc_row *r = &w->c->days[i];
    struct ctx x;
    int rc, held = 0;

    blank(d);
    x.c = w->c;
    x.p = w->p;
    x.m = w->m;
    x.d = d;
    x.diag = w->diag;
    x.light = light;
    x.morning = w->morning;
    if ((rc = pbsc_model_ce_held(w->m, r->wbc, r->hct, &x.ce, &held, w->diag)) != PBSC_OK ||
        (rc = goal_in_force(w->c, w->p, d, w->diag)) != PBSC_OK ||
        (rc = pbsc_person_tbv(&w->c->person, &d->tbv_l, &d->blood_volume, w->diag)) != PBSC_OK)
        return rc;
    pbsc_read_history(w->c, w->p, i, moment, &x.h);
    d->day = r->day;
    d->moment = d->decided_moment = moment;
    d->decided_day = r->day;
    d->collected = x.h.collected;
    d->remaining = pbsc_reached(x.h.collected, d->goal) ? 0.0 : d->goal - x.h.collected;
    d->aphereses = x.h.aphereses;
    d->plerixafor_doses = x.h.doses;
    d->warnings = x.h.warnings;
    if (pbsc_person_child(&w->c->person))
        d->warnings |= PBSC_W_CHILD;
    if (held)
        d->warnings |= PBSC_W_CE_HELD;
    if (d->blood_volume == PBSC_BAND_ADULT &&
        w->c->person.weight_kg > PBSC_TBV_WEIGHT_ONLY_MAX_KG)
        d->warnings |= PBSC_W_TBV_WEIGHT_ONLY;
    if (!pbsc_rules_common(&x, &rc)) {
        if (moment == PBSC_MORNING)
            rc = w->p->forecast ? pbsc_forecast_morning(&x) : pbsc_rules_morning(&x);
        else
            rc = w->p->forecast ? pbsc_forecast_evening(&x) : pbsc_rules_evening(&x);
    }
    /* what a passing point needs is its action; a stop is repeated whole, so it has it all */
    if (rc == PBSC_OK && (!light || pbsc_is_stop(d->action)))
        provenance(&x, d);
    return rc;
}

/* The evening of a day without a harvest: the morning's advice stands for tonight; a
 * morning that advised an apheresis waits for it to be recorded. */
static void
evening_without_harvest(const struct walk *w, pbsc_decision *d)
{
    *d = *w->morning;
    d->moment = d->decided_moment = PBSC_EVENING;
    if (d->action != PBSC_ACTION_COLLECT)
        return;
    d->action = PBSC_ACTION_NEED_COUNT;
    pbsc_fmt(d->rule, sizeof d->rule, "need.harvest");
    pbsc_fmt(d->reason, sizeof d->reason,
             "day %ld: an apheresis was advised this morning; record its volume and product",
             d->day);
    pbsc_blank_projection(d);
}

/* A stop decided earlier, repeated at this point with what this point knows. */
static void
repeat_stop(const struct walk *w, size_t i, pbsc_moment moment, int light, pbsc_decision *d)
{
    const pbsc_decision *s = &w->stop;
    struct history h;

    pbsc_read_history(w->c, w->p, i, moment, &h);
    *d = *s;
    d->day = h.today->day;
    d->moment = moment;
    d->collected = h.collected;
    d->remaining = pbsc_reached(h.collected, d->goal) ? 0.0 : d->goal - h.collected;
    d->aphereses = h.aphereses;
    d->plerixafor_doses = h.doses;
    d->cd34 = d->wbc = d->threshold = NAN;
    d->warnings |= h.warnings;
    memcpy(d->rule, "stopped", sizeof "stopped");
    pbsc_blank_projection(d);
    if (light) /* a passing point: only its action matters */
        return;
    pbsc_fmt(d->reason, sizeof d->reason, "%s on day %ld (%s) by %s: %.150s",
             pbsc_action_name(s->action), s->decided_day, pbsc_moment_name(s->decided_moment),
             s->rule, s->reason);
}

/* Decides one point of the walk, remembering a stop. */
int
pbsc_walk_step(struct walk *w, size_t i, pbsc_moment moment, int light, pbsc_decision *d)
{
    const pbsc_row *r = &w->c->days[i];
    int rc;

    if (w->stopped) {
        repeat_stop(w, i, moment, light, d);
    } else if (moment == PBSC_EVENING && !PBSC_ROW_APHERESIS(r)) {
        evening_without_harvest(w, d);
    } else if ((rc = point(w, i, moment, light, d)) != PBSC_OK) {
        if (w->diag != NULL)
            w->diag->day = r->day;
        return rc;
    }
    if (moment == PBSC_MORNING)
        w->morning = d;
    if (!w->stopped && pbsc_is_stop(d->action)) {
        w->stop = *d;
        w->stopped = 1;
    }
    return PBSC_OK;
}

/* Today's apheresis against the morning's advice (known to the evening). */
void
pbsc_walk_check_apheresis(struct walk *w, size_t i)
{
    const pbsc_row *r = &w->c->days[i];

    if (!PBSC_ROW_APHERESIS(r))
        return;
    if (w->stopped)
        w->warnings |= PBSC_W_AFTER_STOP;
    else if (w->morning->action != PBSC_ACTION_COLLECT &&
             w->morning->action != PBSC_ACTION_OUTSIDE_POLICY) /* no advice to deviate from */
        w->warnings |= PBSC_W_APHERESIS_UNADVISED;
}

/* Row i's evening dose against the day's last advice, once the day is over. */
void
pbsc_walk_check_dose(struct walk *w, size_t i, const pbsc_decision *advice)
{
    const pbsc_row *r = &w->c->days[i];
    int advised = advice->tonight.drug != PBSC_DRUG_NONE;

    if (PBSC_ROW_DOSE(r) && w->stopped) /* stopped at any point of the day, or before */
        w->warnings |= PBSC_W_AFTER_STOP;
    else if (PBSC_ROW_DOSE(r) && !advised)
        w->warnings |= PBSC_W_DOSE_UNADVISED;
    else if (!PBSC_ROW_DOSE(r) && advised)
        w->warnings |= PBSC_W_DOSE_NOT_GIVEN;
}

/* Emits a decided point: into the caller's decision or the replay array. */
typedef int (*emit_fn)(void *ctx, const pbsc_decision *d);

/* Walks rows 0..last: every supported point is emitted when `all`, else only the point
 * (last, moment). */
static int
walk(struct walk *w, size_t last, pbsc_moment moment, int all, emit_fn emit, void *ctx)
{
    pbsc_decision m, e;
    size_t i;
    int rc;

    for (i = 0; i <= last; i++) {
        int target = i == last;
        int evening = PBSC_ROW_APHERESIS(&w->c->days[i]) ||
                      (!all && target && moment == PBSC_EVENING);

        /* the target day's morning is decided whole: its evening may repeat it */
        if ((rc = pbsc_walk_step(w, i, PBSC_MORNING, !all && !target, &m)) != PBSC_OK)
            return rc;
        m.warnings |= w->warnings;
        if ((all || (target && moment == PBSC_MORNING)) && (rc = emit(ctx, &m)) != PBSC_OK)
            return rc;
        if (target && moment == PBSC_MORNING && !all)
            return PBSC_OK;
        if (evening) {
            pbsc_walk_check_apheresis(w, i);
            if ((rc = pbsc_walk_step(w, i, PBSC_EVENING, !all && !target, &e)) != PBSC_OK)
                return rc;
            e.warnings |= w->warnings;
            if ((all || target) && (rc = emit(ctx, &e)) != PBSC_OK)
                return rc;
        }
        if (!target) /* the last day's evening may be still to come */
            pbsc_walk_check_dose(w, i, evening ? &e : &m);
    }
    return PBSC_OK;
}

int
pbsc_walk_start(struct walk *w, const pbsc_course *course, const pbsc_policy *policy,
      const pbsc_model *model, pbsc_diag *diag)
{
    pbsc_decision d;

    memset(w, 0, sizeof *w);
    w->c = course;
    w->p = policy;
    w->m = model != NULL ? model : pbsc_model_default();
    w->diag = diag;
    /* what every point needs: checked once, so a valid course always gets its decisions */
    return goal_in_force(course, policy, &d, diag);
}

static int
emit_one(void *ctx, const pbsc_decision *d)
{
    *(pbsc_decision *)ctx = *d;
    return PBSC_OK;
}

PBSC_API int
pbsc_decide(const pbsc_course *course, const pbsc_policy *policy, const pbsc_model *model,
            long day, pbsc_moment moment, pbsc_decision *decision, pbsc_diag *diag)
{
    struct walk w;
    pbsc_decision d;
    size_t last;
    int rc;

    if (course == NULL || policy == NULL || decision == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         course == NULL   ? "course"
                         : policy == NULL ? "policy"
                                          : "decision",
                         NAN, "NULL argument");
    if (decision->size < DECISION_MIN)
        return pbsc_fail(diag, PBSC_E_INVAL, "decision", (double)decision->size,
                         "decision->size %zu: initialise it with pbsc_decision_init()",
                         decision->size);
    if (moment != PBSC_MORNING && moment != PBSC_EVENING)
        return pbsc_fail(diag, PBSC_E_INVAL, "moment", NAN, "unknown moment %d", (int)moment);
    if ((rc = pbsc_course_index(course, day, &last, diag)) != PBSC_OK ||
        (rc = pbsc_walk_start(&w, course, policy, model, diag)) != PBSC_OK ||
        (rc = walk(&w, last, moment, 0, emit_one, &d)) != PBSC_OK)
        return rc;
    return pbsc_sized_out(decision, &d, sizeof d, DECISION_MIN);
}

struct replay_out {
    char *base;
    size_t stride, n;
};

static int
emit_next(void *ctx, const pbsc_decision *d)
{
    struct replay_out *o = ctx;
    pbsc_decision *slot = (pbsc_decision *)(void *)(o->base + o->n * o->stride);

    slot->size = o->stride;
    pbsc_sized_out(slot, d, sizeof *d, DECISION_MIN);
    o->n++;
    return PBSC_OK;
}

/* The points the course supports: every morning, and the evening of every apheresis. */
static size_t
points(const pbsc_course *c)
{
    size_t i, n = c->n;

    for (i = 0; i < c->n; i++)
        n += PBSC_ROW_APHERESIS(&c->days[i]);
    return n;
}

PBSC_API int
pbsc_replay(const pbsc_course *course, const pbsc_policy *policy, const pbsc_model *model,
            pbsc_decision *decisions, size_t capacity, size_t *count, pbsc_diag *diag)
{
    struct replay_out o;
    struct walk w;
    size_t n;
    int rc;

    if (course == NULL || policy == NULL || decisions == NULL || count == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         course == NULL      ? "course"
                         : policy == NULL    ? "policy"
                         : decisions == NULL ? "decisions"
                                             : "count",
                         NAN, "NULL argument");
    if (decisions->size < DECISION_MIN)
        return pbsc_fail(diag, PBSC_E_INVAL, "decisions", (double)decisions->size,
                         "decisions[0].size %zu: initialise it with pbsc_decision_init()",
                         decisions->size);
    if (course->n == 0)
        return pbsc_fail(diag, PBSC_E_NODATA, "day", NAN, "the course has no days");
    n = points(course);
    if (capacity < n)
        return pbsc_fail(diag, PBSC_E_RANGE, "capacity", (double)capacity,
                         "room for %zu decisions, the course has %zu decision points", capacity,
                         n);
    if ((rc = pbsc_walk_start(&w, course, policy, model, diag)) != PBSC_OK)
        return rc;
    o.base = (char *)decisions;
    o.stride = decisions->size;
    o.n = 0;
    if ((rc = walk(&w, course->n - 1, PBSC_EVENING, 1, emit_next, &o)) != PBSC_OK)
        return rc;
    *count = o.n;
    return PBSC_OK;
}

PBSC_API const char *
pbsc_action_name(pbsc_action action)
{
    static const char *const names[] = {
        "wait",         "collect",     "plerixafor", "stop-goal",      "stop-minimum",
        "stop-failed",  "need-count",  "outside-policy", "continue",
    };

    if ((int)action < 0 || (size_t)action >= sizeof names / sizeof names[0])
        return "unknown-action";
    return names[action];
}

PBSC_API const char *
pbsc_moment_name(pbsc_moment moment)
{
    return moment == PBSC_MORNING   ? "morning"
           : moment == PBSC_EVENING ? "evening"
                                    : "unknown-moment";
}

PBSC_API const char *
pbsc_drug_name(pbsc_drug drug)
{
    switch (drug) {
    case PBSC_DRUG_NONE:
        return "none";
    case PBSC_DRUG_PLERIXAFOR:
        return "plerixafor";
    case PBSC_DRUG_MOTIXAFORTIDE:
        return "motixafortide";
    default:
        return "unknown-drug";
    }
}

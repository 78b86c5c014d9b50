/* SPDX-License-Identifier: MIT */
/* The decision engine's shared state: one decision point (a day and a moment) of a course
 * under a policy and a model, and the helpers that fill its decision. */
#ifndef PBSC_DECIDE_PRIVATE_H
#define PBSC_DECIDE_PRIVATE_H

#include "pbsc_private.h"

/* What the course says at one decision point. The morning of day D reads the rows before D
 * and D's morning measures; the evening reads D's apheresis as well. Neither reads D's
 * evening doses: they are what is being decided. */
struct history {
    const pbsc_row *today;
    size_t today_index;
    pbsc_moment moment;
    double collected; /* products the point knows */
    size_t aphereses; /* aphereses the point knows */
    const pbsc_row *first_apheresis, *last_apheresis, *previous_apheresis;
    const pbsc_row *unknown_product; /* an apheresis with no product count */
    size_t doses;                    /* plerixafor doses before tonight */
    size_t motixafortide_doses;      /* motixafortide doses before tonight */
    const pbsc_row *last_dose;       /* the last evening with a dose (either drug) */
    unsigned warnings;               /* course warnings raised by the rows read */
    long recovery_day; /* chemotherapy: first day <= D with WBC > recovery_wbc after a
                          day with WBC <= recovery_wbc (the nadir), or, no such WBC
                          recorded yet, with a PB CD34 passing plerixafor_below [interp];
                          0: none yet */
    int nadir;         /* a WBC <= recovery_wbc recorded on a day <= D */
};

/* The engine's working state for one point. */
struct ctx {
    const pbsc_course *c;
    const pbsc_policy *p;
    const pbsc_model *m; /* never NULL: the literature model when the caller gave none */
    pbsc_ce_model ce;    /* today's CE: the model's at today's WBC and Hct */
    struct history h;
    pbsc_decision *d;
    pbsc_diag *diag;
    int light; /* a point on the way to the one asked for: no collect volume */
    const pbsc_decision *morning; /* the evening: this day's morning decision */
};

/* lib/point.c */
void pbsc_read_history(const pbsc_course *c, const pbsc_policy *p, size_t today,
                       pbsc_moment moment, struct history *h);
int pbsc_reached(double collected, double target); /* within PBSC_DOSE_TOLERANCE */
int pbsc_is_stop(pbsc_action action);
void pbsc_blank_projection(pbsc_decision *d);
int pbsc_say(struct ctx *x, pbsc_action action, const char *rule, const char *fmt, ...)
    PBSC_PRINTF(4, 5);
int pbsc_need_count(struct ctx *x, const char *rule, const char *what);
int pbsc_stop_at_limit(struct ctx *x, const char *rule, const char *what);
int pbsc_collect(struct ctx *x, const char *rule, const char *fmt, ...) PBSC_PRINTF(3, 4);
int pbsc_project_cap(struct ctx *x); /* today's session at the cap, into d->projection */
long pbsc_sessions_left(const struct ctx *x, long from_day);
/* the yield of that many daily sessions from today, in today's median yields */
double pbsc_sessions_yield(const struct ctx *x, long sessions);
int pbsc_tonight(struct ctx *x, int salvage);
/* tonight's dose of `drug` (pbsc_tonight() for plerixafor) */
int pbsc_tonight_drug(struct ctx *x, pbsc_drug drug, int salvage);
int pbsc_plerixafor(struct ctx *x, const char *rule, int salvage, const char *why);
int pbsc_window_start(struct ctx *x, long *start);

/* lib/planned.c: a mobilizer planned whatever the count (planned_drug); 1 when it decided */
int pbsc_planned_morning(struct ctx *x, int *rc);
int pbsc_planned_evening(struct ctx *x, int *rc);

/* lib/rules.c: the published-rules engine */
int pbsc_rules_morning(struct ctx *x);
int pbsc_rules_evening(struct ctx *x);
/* the checks both moments and both engines make first; 1 when one decided */
int pbsc_rules_common(struct ctx *x, int *rc);
/* the morning after a dose (given on an evening since the last apheresis): its apheresis
 * day, for both engines; 1 when it decided */
int pbsc_rules_pending(struct ctx *x, int *rc);

/* lib/forecast_rules.c: the model-based engine */
int pbsc_forecast_morning(struct ctx *x);
int pbsc_forecast_evening(struct ctx *x);

/* lib/forecast.c: P(goal) and P(minimum) from this evening, today's harvest known, with or
 * without a plerixafor dose tonight. */
int pbsc_success_tonight(const pbsc_course *course, const pbsc_model *model, size_t today,
                         int dose, const pbsc_success_params *params, pbsc_success *out,
                         pbsc_diag *diag);

/* lib/decide.c: the walk over a course's decision points, remembering what it decided. */
struct walk {
    const pbsc_course *c;
    const pbsc_policy *p;
    const pbsc_model *m;
    pbsc_diag *diag;
    pbsc_decision stop;  /* the first stop decided, when `stopped` */
    int stopped;
    unsigned warnings;   /* deviations found so far */
    const pbsc_decision *morning; /* today's morning (the walk's), for its evening */
};

int pbsc_walk_start(struct walk *w, const pbsc_course *course, const pbsc_policy *policy,
                    const pbsc_model *model, pbsc_diag *diag);
/* Decides row i at a moment (light: only the action matters), remembering a stop; the
 * morning's decision must stay where it is until its evening is decided. */
int pbsc_walk_step(struct walk *w, size_t i, pbsc_moment moment, int light, pbsc_decision *d);
/* Row i's apheresis against its morning's advice (before its evening). */
void pbsc_walk_check_apheresis(struct walk *w, size_t i);
/* Row i's evening dose against the day's last advice, once the day is over. */
void pbsc_walk_check_dose(struct walk *w, size_t i, const pbsc_decision *advice);

/* lib/walk.c: the walk kept from one point to the next (pbsc_walk_new(3)); the simulator
 * holds one on its stack. */
struct pbsc_walk {
    struct walk w;
    pbsc_decision m, e; /* the current row's morning and evening */
    size_t row;         /* the current row */
    int state;          /* 0: nothing decided; 1: the row's morning; 2: its evening too */
};
int pbsc_walk_init(struct pbsc_walk *k, const pbsc_course *course, const pbsc_policy *policy,
                   const pbsc_model *model, pbsc_diag *diag);
/* Decides (row, moment), deciding first the points before it not yet decided. */
int pbsc_walk_point(struct pbsc_walk *k, size_t row, pbsc_moment moment, pbsc_decision *d,
                    pbsc_diag *diag);

#endif /* PBSC_DECIDE_PRIVATE_H */

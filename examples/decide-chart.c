/* SPDX-License-Identifier: MIT */
/* pbsc-decide --chart: the course and its decisions as the chart (chart.h) draws them. Every
 * number drawn comes from the course file, the decisions of pbsc_replay(), or the policy
 * applied, read through pbsc_policy_format(3) (its pbsc-policy(5) text is the public form of
 * the policy's fields); nothing here is a clinical number of its own. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pbsc.h>

#include "chart.h"
#include "cli.h"
#include "decide.h"

#define G(buf, v) chart_num_g(buf, sizeof buf, v, 2)

/* ---- the policy's thresholds -------------------------------------------------------- */

/* The value of `key` in a pbsc-policy(5) text: a number; none is NAN, yes 1, no 0. 0 when
 * the text has no such key. */
static int
policy_value(const char *text, const char *key, double *v)
{
    size_t n = strlen(key);
    const char *p;

    for (p = text; p != NULL && *p != '\0'; p = strchr(p, '\n'), p = p != NULL ? p + 1 : NULL) {
        const char *q = p + n;

        if (strncmp(p, key, n) != 0 || (*q != ' ' && *q != '='))
            continue;
        q += strspn(q, " \t");
        if (*q++ != '=')
            continue;
        q += strspn(q, " \t");
        if (strncmp(q, "none", 4) == 0)
            *v = DNAN;
        else if (strncmp(q, "yes", 3) == 0 || strncmp(q, "true", 4) == 0)
            *v = 1.0;
        else if (strncmp(q, "no", 2) == 0 || strncmp(q, "false", 5) == 0)
            *v = 0.0;
        else
            *v = strtod(q, NULL);
        return 1;
    }
    return 0;
}

/* The policy's keys the chart reads, in this order. */
enum {
    K_FORECAST,
    K_ASSESS_DAY,
    K_ASSESS_LAST,
    K_COLLECT_DAY,
    K_RECOVERY_WBC,
    K_BELOW,
    K_INCLUSIVE,
    K_BELOW_MULTI,
    K_MULTI_GOAL,
    K_WBC_ABOVE,
    K_UNDEFINED,
    K_BAND_LOW,
    K_BAND_HIGH,
    K_BAND_DAYS,
    K_BAND_BELOW,
    K_FAIL_AFTER,
    K_MAX_DOSES,
    K_MAX_DAY,
    NKEYS
};
static const char *const keys[NKEYS] = {"forecast",
                                        "assess_day",
                                        "assess_last_day",
                                        "collect_day",
                                        "recovery_wbc",
                                        "plerixafor_below",
                                        "plerixafor_inclusive",
                                        "plerixafor_below_multi",
                                        "multi_goal_above",
                                        "plerixafor_wbc_above",
                                        "undefined_below",
                                        "band_low",
                                        "band_high",
                                        "band_days",
                                        "band_plerixafor_below",
                                        "fail_after_plerixafor_below",
                                        "max_plerixafor_doses",
                                        "max_day"};

/* Every key of `keys` from the policy's text; -1 when it cannot be written out. */
static int
policy_values(const pbsc_policy *policy, double *v)
{
    size_t needed = 0, i;
    char *text;

    if (pbsc_policy_format(policy, NULL, 0, &needed) != PBSC_OK && needed == 0)
        return -1;
    if ((text = malloc(needed + 1)) == NULL)
        return -1;
    if (pbsc_policy_format(policy, text, needed + 1, &needed) != PBSC_OK) {
        free(text);
        return -1;
    }
    for (i = 0; i < NKEYS; i++)
        if (!policy_value(text, keys[i], &v[i]))
            v[i] = DNAN;
    free(text);
    return 0;
}

/* A threshold line; one at the value of an earlier one joins its label. */
static void
add_level(chart *c, double value, const char *label)
{
    size_t i;

    if (!(value > 0.0))
        return; /* "below 0" never applies */
    for (i = 0; i < c->nlevels; i++) {
        chart_level *l = &c->levels[i];
        size_t used = strlen(l->label);

        if (l->value == value && used + 1 + strlen(label) < sizeof l->label) {
            snprintf(l->label + used, sizeof l->label - used, "\n%s", label);
            return;
        }
    }
    if (c->nlevels < CHART_MAX_LEVELS) {
        c->levels[c->nlevels].value = value;
        snprintf(c->levels[c->nlevels++].label, sizeof c->levels[0].label, "%s", label);
    }
}

/* The plerixafor threshold in force, T (pbsc-rules(7), the morning before collection). */
static void
level_plerixafor(chart *c, const double *v, double goal)
{
    int multi = !isnan(v[K_BELOW_MULTI]) && goal > v[K_MULTI_GOAL];
    double t = multi ? v[K_BELOW_MULTI] : v[K_BELOW];
    char label[96], a[32], b[32];
    size_t n;

    if (isnan(t) || !(v[K_MAX_DOSES] > 0.0))
        return;
    n = (size_t)snprintf(label, sizeof label, "plerixafor %s %s", v[K_INCLUSIVE] > 0 ? "<=" : "<",
                         G(a, t));
    if (multi && n < sizeof label)
        n += (size_t)snprintf(label + n, sizeof label - n, "\n(goal > %s)", G(b, v[K_MULTI_GOAL]));
    if (!isnan(v[K_WBC_ABOVE]) && n < sizeof label)
        snprintf(label + n, sizeof label - n, "\nif WBC > %s", G(b, v[K_WBC_ABOVE]));
    add_level(c, t, label);
}

/* The published rules' count thresholds; 1 when there is any. */
static int
policy_levels(chart *c, const double *v, double goal)
{
    char label[96], a[32], b[32], n[32];

    level_plerixafor(c, v, goal);
    if (!isnan(v[K_UNDEFINED])) {
        snprintf(label, sizeof label, "outside policy < %s", G(a, v[K_UNDEFINED]));
        add_level(c, v[K_UNDEFINED], label);
    }
    if (!isnan(v[K_BAND_LOW]) && !isnan(v[K_BAND_HIGH])) {
        snprintf(label, sizeof label, "%s-%s: +%s G-CSF day%s", G(a, v[K_BAND_LOW]),
                 G(b, v[K_BAND_HIGH]), G(n, v[K_BAND_DAYS]), v[K_BAND_DAYS] == 1.0 ? "" : "s");
        add_level(c, v[K_BAND_LOW], label);
        snprintf(label, sizeof label, "top of the %s-%s band", G(a, v[K_BAND_LOW]),
                 G(b, v[K_BAND_HIGH]));
        add_level(c, v[K_BAND_HIGH], label);
    }
    if (!isnan(v[K_BAND_BELOW]) && v[K_MAX_DOSES] > 0.0) {
        snprintf(label, sizeof label, "then plerixafor < %s", G(a, v[K_BAND_BELOW]));
        add_level(c, v[K_BAND_BELOW], label);
    }
    return c->nlevels > 0;
}

/* The day of count recovery after chemotherapy, as pbsc-rules(7) defines it: the first row
 * whose WBC is above recovery_wbc after a row whose WBC was at or below it; 0 for none. The
 * library does not expose it; this follows the documented rule on the rows shown. */
static long
recovery_day(const result *r, double recovery_wbc)
{
    int nadir = 0;
    size_t i;

    for (i = 0; i < r->shown; i++) {
        double wbc = r->rows[i].v[COL_WBC];

        if (isnan(wbc))
            continue;
        if (wbc <= recovery_wbc)
            nadir = 1;
        else if (nadir)
            return r->rows[i].day;
    }
    return 0;
}

/* "on day 4", "on days 4 to 5", "from day 5" (a window open to max_day). */
static void
window_words(char *buf, size_t size, long a, long e, int open)
{
    if (open)
        snprintf(buf, size, "from day %ld", a);
    else if (e > a)
        snprintf(buf, size, "on days %ld to %ld", a, e);
    else
        snprintf(buf, size, "on day %ld", a);
}

/* The assessment window, days A to E (pbsc-rules(7)), and the note under the count panel's
 * title: what the thresholds are, or why there are none. */
static void
policy_window(chart_parts *p, const result *r, const double *v, int levels)
{
    long a = (long)v[K_ASSESS_DAY], e, f;
    int open = isnan(v[K_ASSESS_LAST]);
    char when[64], w[32];

    if (v[K_FORECAST] > 0.0) {
        snprintf(p->note, sizeof p->note,
                 "model-based policy %s: no count threshold of its own; the estimated chance "
                 "of the goal decides",
                 r->info.id);
        return;
    }
    if (r->o->regimen == PBSC_REGIMEN_CHEMO_GCSF && (a = recovery_day(r, v[K_RECOVERY_WBC])) == 0) {
        snprintf(p->note, sizeof p->note,
                 "policy %s: the count is assessed from count recovery (WBC > %s): not yet",
                 r->info.id, G(w, v[K_RECOVERY_WBC]));
        return;
    }
    e = open ? (long)v[K_MAX_DAY] : a + (long)(v[K_ASSESS_LAST] - v[K_ASSESS_DAY]);
    f = a + (long)(v[K_COLLECT_DAY] - v[K_ASSESS_DAY]);
    p->c.window_first = a;
    p->c.window_last = e;
    window_words(when, sizeof when, a, e, open);
    if (levels)
        snprintf(p->note, sizeof p->note,
                 "dashed: the thresholds of policy %s; the count is assessed %s, apheresis "
                 "from day %ld",
                 r->info.id, when, f);
    else
        snprintf(p->note, sizeof p->note,
                 "policy %s has no count threshold: apheresis from day %ld whatever the count",
                 r->info.id, f);
}

/* The thresholds, the window and the note; the failure after a dose applies under every
 * engine (pbsc-rules(7), the morning, a dose pending). */
static void
chart_policy(chart_parts *p, const result *r)
{
    double v[NKEYS];
    char label[96], a[32];
    int levels = 0;

    if (policy_values(r->policy, v) != 0) {
        snprintf(p->note, sizeof p->note, "the thresholds of policy %s cannot be read", r->info.id);
        return;
    }
    if (!(v[K_FORECAST] > 0.0))
        levels = policy_levels(&p->c, v, r->final->goal);
    if (!isnan(v[K_FAIL_AFTER])) {
        snprintf(label, sizeof label, "failed < %s after a dose", G(a, v[K_FAIL_AFTER]));
        add_level(&p->c, v[K_FAIL_AFTER], label);
    }
    policy_window(p, r, v, levels);
}

/* ---- the course and the points ------------------------------------------------------ */

static void
chart_days_of(chart_parts *p, const result *r)
{
    size_t i;

    for (i = 0; i < r->shown; i++) {
        const row *w = &r->rows[i];
        chart_day *d = &p->days[i];

        d->day = w->day;
        d->cd34 = w->v[COL_CD34];
        d->plerixafor = w->v[COL_PLERIXAFOR];
        d->motixafortide = w->v[COL_MOTIXAFORTIDE];
        d->apheresis = !isnan(w->v[COL_PROCESSED]) || !isnan(w->v[COL_COLLECTED]);
        d->product = w->v[COL_COLLECTED];
    }
    p->c.days = p->days;
    p->c.ndays = r->shown;
}

const char *
tonight_words(const pbsc_dose *t, char *buf, size_t size)
{
    char mg[32];

    if (t->drug == PBSC_DRUG_NONE)
        snprintf(buf, size, "no dose");
    else
        snprintf(buf, size, "%s %s mg (dose %d, for apheresis day %ld)", pbsc_drug_name(t->drug),
                 chart_num(mg, sizeof mg, t->mg, 1), t->number, t->apheresis_day);
    return buf;
}

static void
chart_marks_of(chart_parts *p, const result *r)
{
    size_t i;

    for (i = 0; i < r->npoints; i++) {
        const pbsc_decision *d = &r->points[i];
        chart_mark *m = &p->marks[i];
        char t[128];

        m->day = d->day;
        m->evening = d->moment == PBSC_EVENING;
        m->action = d->action;
        m->repeated = d->decided_day != d->day || d->decided_moment != d->moment;
        snprintf(m->title, sizeof m->title, "day %ld %s: %s, rule %s; tonight: %s. %s", d->day,
                 pbsc_moment_name(d->moment), pbsc_action_name(d->action), d->rule,
                 tonight_words(&d->tonight, t, sizeof t), d->reason);
    }
    p->c.marks = p->marks;
    p->c.nmarks = r->npoints;
}

/* ---- the words ---------------------------------------------------------------------- */

/* In pbsc_regimen order: the chart's label of each regimen; a regimen without one is shown
 * by its word (pbsc_regimen_name(3)). */
static const char *const regimen_words[] = {"G-CSF alone", "chemotherapy and G-CSF",
                                            "G-CSF, a mobilizer planned up front",
                                            "single-dose pegfilgrastim"};

static const char *
regimen_label(pbsc_regimen r)
{
    return (size_t)r < sizeof regimen_words / sizeof regimen_words[0] ? regimen_words[r]
                                                                      : pbsc_regimen_name(r);
}

/* Title, the person and the goal, the policy and the model, the footer. */
static void
chart_header(chart_parts *p, const result *r)
{
    const opts *o = r->o;
    const pbsc_decision *f = r->final;
    char w[32], lb[48] = "", age[32] = "", who[128], g[32], m[32];

    snprintf(p->title, sizeof p->title, "PBSC mobilization, days %ld to %ld: today day %ld, %s",
             r->rows[0].day, r->rows[r->shown - 1].day, f->day, pbsc_moment_name(f->moment));
    chart_num_g(w, sizeof w, r->weight_kg, 1);
    if (!isnan(o->weight_lb))
        snprintf(lb, sizeof lb, " (%s lb)", chart_num_g(g, sizeof g, o->weight_lb, 1));
    if (!isnan(o->age))
        snprintf(age, sizeof age, ", age %s", chart_num_g(g, sizeof g, o->age, 1));
    if (!isnan(o->recipient))
        snprintf(who, sizeof who, "Healthy donor %s kg%s%s, for a recipient of %s kg", w, lb, age,
                 chart_num_g(g, sizeof g, o->recipient, 1));
    else
        snprintf(who, sizeof who, "Patient %s kg%s%s, autologous", w, lb, age);
    snprintf(p->person, sizeof p->person, "%s; %s", who, regimen_label(o->regimen));
    snprintf(p->provenance, sizeof p->provenance,
             "Goal %s, minimum %s x10^6 CD34+/kg recipient; policy %s version %s; model %s "
             "version %s%s",
             G(g, f->goal), G(m, f->minimum), f->policy_id, f->policy_version, f->model_id,
             f->model_version[0] != '\0' ? f->model_version : "-",
             f->model_fitted ? " (fitted)" : "");
    snprintf(p->footer, sizeof p->footer, "libpbsc %s; course %s", f->library_version, r->path);
    p->c.title = p->title;
    p->c.header[0] = p->person;
    p->c.header[1] = p->provenance;
    p->c.footer = p->footer;
}

/* Today's session (a collection) and tonight's dose, in one sentence or two. */
static void
today_plan(char *buf, size_t size, const pbsc_decision *f)
{
    const pbsc_projection *q = &f->projection;
    char t[128], a[32], b[32], c[32], d[32], e[32], l[32], m[32], p[32];
    size_t n = 0;

    if (f->action == PBSC_ACTION_COLLECT && isfinite(q->median))
        n = (size_t)snprintf(
            buf, size,
            "Process %s L (%s x TBV): the session is projected at %s x10^6/kg "
            "(median; %s%% interval %s to %s), P(yield >= %s remaining) = %s. ",
            chart_num(a, sizeof a, f->volume_l, 1),
            chart_num(b, sizeof b, f->volume_l / q->tbv_l, 2), chart_num(c, sizeof c, q->median, 2),
            chart_num_g(l, sizeof l, 100 * q->level, 1), chart_num(d, sizeof d, q->lower, 2),
            chart_num(e, sizeof e, q->upper, 2), chart_num(m, sizeof m, f->remaining, 2),
            chart_num(p, sizeof p, q->p_dose, 3));
    if (n >= size)
        return;
    if (f->tonight.drug == PBSC_DRUG_NONE)
        snprintf(buf + n, size - n, "Tonight: no dose.");
    else
        snprintf(buf + n, size - n, "Tonight: %s; apheresis tomorrow.",
                 tonight_words(&f->tonight, t, sizeof t));
}

/* "Warnings: a, b." or "Warnings: none." */
static void
warning_words(char *buf, size_t size, unsigned warnings)
{
    unsigned bit;
    size_t n = (size_t)snprintf(buf, size, "Warnings:");

    for (bit = 1; bit != 0 && n < size; bit <<= 1)
        if (warnings & bit)
            n += (size_t)snprintf(buf + n, size - n, "%s %s", n > 9 ? "," : "",
                                  pbsc_warning_name(bit));
    if (n < size)
        snprintf(buf + n, size - n, "%s", n > 9 ? "." : " none.");
}

static void
chart_today(chart_parts *p, const result *r)
{
    const pbsc_decision *f = r->final;
    char a[32], b[32], c[32], d[32];
    size_t i;

    if (f->decided_day != f->day || f->decided_moment != f->moment)
        snprintf(p->today[0], sizeof p->today[0],
                 "Day %ld, %s: %s (rule %s: decided on day %ld, %s)", f->day,
                 pbsc_moment_name(f->moment), pbsc_action_name(f->action), f->rule, f->decided_day,
                 pbsc_moment_name(f->decided_moment));
    else
        snprintf(p->today[0], sizeof p->today[0], "Day %ld, %s: %s (rule %s)", f->day,
                 pbsc_moment_name(f->moment), pbsc_action_name(f->action), f->rule);
    snprintf(p->today[1], sizeof p->today[1], "Why: %s", f->reason);
    today_plan(p->today[2], sizeof p->today[2], f);
    snprintf(p->today[3], sizeof p->today[3],
             "Collected %s x10^6/kg in %lu apheresis day%s, %s remaining (goal %s, minimum %s).",
             G(a, f->collected), (unsigned long)f->aphereses, f->aphereses == 1 ? "" : "s",
             G(b, f->remaining), G(c, f->goal), G(d, f->minimum));
    warning_words(p->today[4], sizeof p->today[4], f->warnings);
    for (i = 0; i < CHART_TODAY_LINES; i++)
        p->c.today[i] = p->today[i];
}

/* ---- the chart ---------------------------------------------------------------------- */

int
chart_build(const result *r, chart_parts *p)
{
    const pbsc_decision *f = r->final;

    memset(p, 0, sizeof *p);
    p->days = calloc(r->shown > 0 ? r->shown : 1, sizeof *p->days);
    p->marks = calloc(r->npoints > 0 ? r->npoints : 1, sizeof *p->marks);
    if (p->days == NULL || p->marks == NULL)
        return -1;
    chart_days_of(p, r);
    chart_marks_of(p, r);
    chart_header(p, r);
    chart_policy(p, r);
    p->c.levels_note = p->note[0] != '\0' ? p->note : NULL;
    p->c.goal = f->goal;
    p->c.minimum = f->minimum;
    if (f->action == PBSC_ACTION_COLLECT && isfinite(f->projection.median)) {
        p->c.projected = 1;
        p->c.projection_day = f->day;
        p->c.median = f->projection.median;
        p->c.lower = f->projection.lower;
        p->c.upper = f->projection.upper;
        p->c.level = f->projection.level;
    }
    chart_today(p, r);
    return 0;
}

void
chart_parts_free(chart_parts *p)
{
    free(p->days);
    free(p->marks);
    p->days = NULL;
    p->marks = NULL;
}

int
write_chart(const result *r)
{
    const char *path = r->o->chart;
    int to_stdout = strcmp(path, "-") == 0, rc;
    chart_parts p;
    FILE *fp;

    if (chart_build(r, &p) != 0) {
        chart_parts_free(&p);
        return cli_input_error(prog, "out of memory");
    }
    fp = to_stdout ? stdout : fopen(path, "w");
    if (fp == NULL) {
        chart_parts_free(&p);
        return cli_input_error(prog, "--chart: %s: %s", path, strerror(errno));
    }
    rc = chart_svg(fp, &p.c, 0);
    chart_parts_free(&p);
    if (!to_stdout && fclose(fp) != 0)
        rc = -1;
    if (rc != 0 && !to_stdout) {
        remove(path); /* never a partial chart */
        return cli_input_error(prog, "--chart: %s: error writing the chart", path);
    }
    return CLI_EXIT_OK; /* standard output's errors are cli_finish()'s */
}

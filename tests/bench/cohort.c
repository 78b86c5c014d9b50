/* SPDX-License-Identifier: MIT */
/* make cohort: a simulated cohort run day by day through the "forecast" policy, mayo2013-p2
 * and chen2012, the library deciding both moments of every day (the note of the forecast
 * issue). A simulation, never a test: it asserts nothing, and its numbers are only as good as
 * the truth model below (a library error ends the run with a message and exit status 1). Usage: cohort [-n PATIENTS] [-j JOBS] [-s] [-p PATIENT]... [-r RULE]: -j runs
 * that many worlds at once (one process each, default 2), -s adds the forecast-p50 row, -p
 * prints that patient's courses, -r the first three courses of each policy and world that end
 * with RULE. */
#define _POSIX_C_SOURCE 200809L
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pbsc.h"

/*
 * THE TRUTH MODEL (the simulator's world; printed by print_world()). Sources are cited inline
 * (and in pbsc-sources(7)); [ours] marks a choice no source makes.
 *
 * - Patient: autologous, weight uniform 50-110 kg, height and sex not recorded (the library
 *   then uses 70 mL/kg), CrCl not recorded; G-CSF alone (day 1 = first dose), goal 5, minimum
 *   2 (the auto5 target). No count is taken before day 4 (no policy reads one).
 * - PB CD34 under G-CSF alone: the day-4 count is log-normal; its median is set so that the
 *   day-5 median (the first apheresis day of G-CSF alone) is 20/uL, between the patients'
 *   pre-apheresis medians 19/uL (Gidron 2005) and 21/uL (Mehta 2001); the realised median
 *   pre-apheresis count of each policy is printed as a check. Its spread (SD of ln 1.0) is
 *   [ours]: no source gives one; it is printed with the share of a G-CSF-alone reference arm
 *   that fails, to compare with the 10-40% of the seed review.
 * - Day to day: tomorrow = today x ratio x exp(u + e), the ratio being the healthy-donor
 *   kinetics 60.7/128/107 per uL on days 4/5/6 (Transfus Med 1997): 2.1087 from day 4 to 5,
 *   0.8359 from day 5 to 6 and on every later day [interp, as lib/model.c]; after an apheresis
 *   day the ratio is 0.7 instead (PB CD34 falls ~30% in the first hour, PMID 12375664
 *   [interp]). u ~ N(0, 0.3^2) is the patient's own random effect, fixed for the course, and
 *   e ~ N(0, 0.4^2) is drawn each day, so the one-day spread is sqrt(0.3^2 + 0.4^2) = 0.5
 *   [ours, split], the spread the library's model assumes.
 * - Plerixafor that evening: tomorrow = today x fold, log-normal, median 3.1 (range 1-8 taken
 *   as the central 95%: SD of ln 0.5305) after a first dose; median 1.2 (0.3-6.5: SD of ln
 *   0.7847) after a later one (PMID 22080963) [interp, as lib/model.c]. The fold replaces that
 *   day's G-CSF ratio; after an apheresis that day (a salvage dose, or the next dose once
 *   plerixafor is given) it comes on top of the apheresis ratio, as the library's model
 *   composes them (lib/forecast.c).
 * - CE2: the patient's own, the same in every session, log-normal median 0.46, SD of ln 0.5108
 *   (Gidron 2005: median 46%, range 7-145% over 415 collections), kept inside Gidron's range.
 * - Yield of a session = TRUE morning count x litres processed x CE / kg (pbsc-sources(7));
 *   the litres are the ones the decision says.
 * - The morning count the library sees: Poisson counting of the true count in the blood
 *   volume behind 75,000 CD45+ events (ISHAGE), at a WBC of 30 x10^9/L [ours: mid G-CSF
 *   leukocytosis], i.e. 2.5 uL; the WBC is recorded in the course, so the library's counting
 *   error is the truth's.
 *
 * World A shares every parameter with the library's default forecast model (lib/model.c;
 * print_differences() checks it against pbsc_model_get() at start-up): the forecast policy is
 * judged on its own assumptions, the best case for it. What the model does not know even in
 * world A: the patient's random effect u (the model's days are independent, so it
 * under-states how a poor day predicts the next) and the CE truncation. World B is the
 * robustness check: the truth differs from the model (plerixafor fold median 2.0, CE median
 * 0.35), the model does not. World C changes one structural assumption that the model and
 * worlds A and B share: that a plerixafor fold replaces the day's G-CSF ratio. The published
 * fold is count after / count before with G-CSF going on; in C it is read as measured from
 * day 5 on (where G-CSF alone gives 0.8359), so a day-4 dose keeps the 2.1087 rise of day 4 to
 * 5 as well: x 3.1 x 2.1087 / 0.8359 [interp]. Later doses are as in A.
 *
 * Every policy sees the same patients (the same draws), and the path-dependent counting draws
 * come from one generator per patient re-seeded for every policy: a paired comparison. The
 * row forecast-d4 (and forecast-p50 with -s) is a sensitivity run, not one of the compared
 * presets: the forecast preset with one key changed, as a site policy file would change it.
 * Besides the table, the program prints the simulator's own G-CSF-alone reference
 * arm (the counterfactual for "plerixafor given to someone who did not need it"), paired
 * failure counts, the rule that ended each course, and counts of decisions that look wrong
 * (idle G-CSF days once collection has begun, plerixafor the forecast itself rates under a 10%
 * chance of the goal, aphereses at a count under 5/uL).
 */

#define SEED 20240601UL
#define DEFAULT_PATIENTS 2000
#define FIRST_COUNT_DAY 4
#define MAX_DAY 26 /* a course the library never ends would be cut here (stop.day is 20) */
#define MAX_DOSES 12
#define GOAL 5.0
#define MINIMUM 2.0
#define NPOLICIES 7
#define NPRESETS 5 /* the first NPRESETS policies are presets, the others site files */
/* Motixafortide (genesis2023's arm): a first dose multiplies the count by a median 7.5
 * (GENESIS lead-in, as lib/model.c), its spread the first plerixafor dose's; a second, for
 * which no figure was found, the later plerixafor dose's fold (as lib/forecast.c) [interp]. */
#define MOTIXAFORTIDE_FOLD 7.5
#define MAX_RULES 24
#define FUTILE_P 0.10 /* a dose the forecast itself gives under a 10% chance of the goal */
#define LOW_COUNT 5.0 /* an apheresis at a morning count under 5/uL */

struct world {
    const char *name;
    const char *what;
    double day5_median; /* G-CSF alone, /uL */
    double day4_sigma;  /* SD of ln day-4 count */
    double ratio45;     /* day 4 -> 5 */
    double ratio_later; /* day 5 -> 6 and after */
    double re_sigma;    /* per-patient random effect on ln ratio */
    double day_sigma;   /* per-day noise on ln ratio */
    double aph_ratio;   /* the morning after an apheresis */
    double fold1, fold1_sigma, fold2, fold2_sigma;
    int fold_on_top; /* 1: a day-4 dose keeps the day-4 -> 5 G-CSF rise (world C) */
    double ce_median, ce_sigma, ce_min, ce_max;
    double wbc; /* x10^9/L, recorded every counted morning */
    double weight_lo, weight_hi;
};

/* The path-independent draws of one patient, shared by every policy and both worlds. */
struct patient {
    double z4, zu, zce, weight;
    double e[MAX_DAY + 2];
    double zf[MAX_DOSES];
};

/* One patient's true state in one world. */
struct truth {
    const struct world *w;
    const struct patient *pt;
    double c4, u, ce;
};

enum end { END_GOAL, END_MINIMUM, END_FAILED, END_OUTSIDE, END_NEED, END_CUT };

struct outcome {
    enum end end;
    char rule[40];
    double collected;
    int aphereses, doses;
    long last_day;
    int fail, goal;
    int idle_after_start; /* G-CSF days without apheresis once collection has begun */
    int futile_doses;     /* plerixafor with P(goal with it) < FUTILE_P (forecast) */
    int low_sessions;     /* aphereses at a morning count under LOW_COUNT */
};

struct rule_count {
    char rule[40];
    int n;
};

struct stats {
    const char *policy;
    int n, fail, goal, plerixafor, outside, need, cut;
    long aphereses, doses, days;
    double collected;
    double decide_ns, forecast_ns; /* all decisions; those that ran the Monte Carlo */
    long decisions, forecasts;
    double *pre_counts; /* measured pre-apheresis counts, all sessions */
    size_t npre, cappre;
    struct rule_count rules[MAX_RULES];
    int nrules;
    int idle_courses, idle_days, futile_courses, futile_doses, low_courses, low_sessions;
    /* against the simulator's G-CSF-alone reference arm (same patient) */
    int px_ref_goal;    /* given plerixafor, yet G-CSF alone reaches the goal */
    int px_ref_fail;    /* given plerixafor, G-CSF alone fails */
    int ref_fail_saved; /* G-CSF alone fails, this policy does not */
    int *fails;         /* per patient, for the paired comparison */
};

/* World A: the literature values, which are the library's defaults; world B: two of them
 * changed; world C: one structural assumption changed. struct world gives the units. */
#define WORLD_COMMON                                                                               \
    .day5_median = 20.0, .day4_sigma = 1.0, .ratio45 = 128.0 / 60.7, .ratio_later = 107.0 / 128.0, \
    .re_sigma = 0.3, .day_sigma = 0.4, .aph_ratio = 0.7, .fold1_sigma = 0.5304795245,              \
    .fold2 = 1.2, .fold2_sigma = 0.7846508868, .ce_sigma = 0.5108088028, .ce_min = 0.07,           \
    .ce_max = 1.45, .wbc = 30.0, .weight_lo = 50.0, .weight_hi = 110.0

static const struct world worlds[] = {
    {WORLD_COMMON, .name = "A",
     .what = "the library's default model is the truth (best case for the forecast policy)",
     .fold1 = 3.1, .ce_median = 0.46},
    {WORLD_COMMON, .name = "B",
     .what = "robustness: plerixafor fold median 2.0 and CE median 0.35 (the model still says "
             "3.1 and 0.46)",
     .fold1 = 2.0, .ce_median = 0.35},
    {WORLD_COMMON, .name = "C",
     .what = "structure: a day-4 dose adds to the day-4 -> 5 G-CSF rise (the model says it "
             "replaces it)",
     .fold1 = 3.1, .fold_on_top = 1, .ce_median = 0.46},
};

#define NWORLDS (sizeof worlds / sizeof worlds[0])

static const char *const policy_ids[NPOLICIES] = {"forecast", "mayo2013-p2", "chen2012",
                                                  "dipersio2009-mm", "genesis2023",
                                                  "forecast-d4", "forecast-p50"};

/* Sensitivity rows, not compared presets: the forecast preset changed in one key each, as a
 * site would change it in its policy file: decisions from day 4 (the preset starts on day 5,
 * where its plerixafor fold was measured); or plerixafor only under P(goal without it) < 0.50
 * (with -s only). */
#define FORECAST_SITE(id, what)                                                                    \
    "id = " id "\nversion = 1\nsource = tests/bench/cohort.c: the forecast preset, " what          \
    "\nregimens = gcsf, chemo, upfront\ncollect_day = 5\nforecast = yes\n"
static const char *const site_files[NPOLICIES - NPRESETS] = {
    FORECAST_SITE("forecast-d4", "assess_day 4") "assess_day = 4\n",
    FORECAST_SITE("forecast-p50", "forecast_p_below 0.50") "assess_day = 5\n"
                                                           "forecast_p_below = 0.50\n",
};

/* Wall time (CLOCK_MONOTONIC) for the whole run; the decisions are timed in CPU time of the
 * calling thread, which other processes on a shared machine do not inflate. */
static double
now_ns(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* ---- the world ----------------------------------------------------------------------- */

static void
draw_patient(gsl_rng *r, unsigned long index, struct patient *p)
{
    int i;

    gsl_rng_set(r, SEED + 7919UL * index);
    p->z4 = gsl_ran_ugaussian(r);
    p->zu = gsl_ran_ugaussian(r);
    p->zce = gsl_ran_ugaussian(r);
    p->weight = gsl_rng_uniform(r);
    for (i = 0; i < MAX_DAY + 2; i++)
        p->e[i] = gsl_ran_ugaussian(r);
    for (i = 0; i < MAX_DOSES; i++)
        p->zf[i] = gsl_ran_ugaussian(r);
}

static void
truth_of(const struct world *w, const struct patient *p, struct truth *t)
{
    t->w = w;
    t->pt = p;
    t->c4 = w->day5_median / w->ratio45 * exp(w->day4_sigma * p->z4);
    t->u = w->re_sigma * p->zu;
    t->ce = fmin(fmax(w->ce_median * exp(w->ce_sigma * p->zce), w->ce_min), w->ce_max);
}

static double
weight_of(const struct world *w, const struct patient *p)
{
    return w->weight_lo + (w->weight_hi - w->weight_lo) * p->weight;
}

/* What was done today: G-CSF alone, an apheresis, a plerixafor dose tonight, or both (a
 * salvage or a next dose after the harvest). */
enum act { ACT_GCSF, ACT_APHERESIS, ACT_PLERIXAFOR, ACT_APHERESIS_PLERIXAFOR };

/* The drug of tonight's dose, for the fold (first_moti: no motixafortide given before). */
static int tonight_moti, first_moti;

/* Tomorrow's true count from today's, after what was done today. An apheresis and a dose the
 * same evening: the fall after the session, then the dose's fold (as the library's model
 * composes them, lib/forecast.c: PBSC_OPTION_COLLECT_PLERIXAFOR). */
static double
next_count(const struct truth *t, long day, enum act act, int doses_before, double count)
{
    const struct world *w = t->w;
    const struct patient *p = t->pt;
    int k = doses_before < MAX_DOSES ? doses_before : MAX_DOSES - 1;
    double ratio;

    if (act == ACT_PLERIXAFOR || act == ACT_APHERESIS_PLERIXAFOR) {
        double fold = k == 0 ? w->fold1 * exp(w->fold1_sigma * p->zf[0])
                             : w->fold2 * exp(w->fold2_sigma * p->zf[k]);
        if (tonight_moti && first_moti)
            fold = MOTIXAFORTIDE_FOLD * exp(w->fold1_sigma * p->zf[k]);
        else if (tonight_moti)
            fold = w->fold2 * exp(w->fold2_sigma * p->zf[k]);
        /* world C: the fold was measured from day 5 on (where G-CSF alone gives ratio_later) */
        if (w->fold_on_top && day == 4)
            fold *= w->ratio45 / w->ratio_later;
        if (act == ACT_APHERESIS_PLERIXAFOR)
            fold *= w->aph_ratio * exp(t->u + w->day_sigma * p->e[day]);
        return count * fold;
    }
    ratio = act == ACT_APHERESIS ? w->aph_ratio : day == 4 ? w->ratio45 : w->ratio_later;
    return count * ratio * exp(t->u + w->day_sigma * p->e[day]);
}

/* The litres behind 75,000 CD45+ events (ISHAGE), at most the 100 uL stained. */
static double
counted_ul(const struct world *w)
{
    return fmin(75000.0 / (w->wbc * 1000.0), 100.0);
}

static double
measure(const struct world *w, gsl_rng *r, double count)
{
    double ul = counted_ul(w);
    double m = (double)gsl_ran_poisson(r, count * ul) / ul;

    return fmin(m, 5000.0);
}

/* The simulator's own reference arm, not a library policy: G-CSF alone, an apheresis at
 * 3 x TBV (70 mL/kg) every day from day 5, at most 4, until the goal. Returns the dose. */
static double
reference_arm(const struct truth *t, double kg)
{
    double count = t->c4, got = 0.0, litres = 3.0 * 0.070 * kg;
    long day;
    int sessions = 0;

    count = next_count(t, 4, ACT_GCSF, 0, count);
    for (day = 5; sessions < 4 && got < GOAL; day++, sessions++) {
        got += count * litres * t->ce / kg;
        count = next_count(t, day, ACT_APHERESIS, 0, count);
    }
    return got;
}

/* ---- one course under one policy ------------------------------------------------------- */

/* What to print besides the tables. */
struct show {
    const long *patients;
    int npatients;
    const char *rule; /* print the first courses ending with this rule, or NULL */
};

struct course_run {
    const struct truth *t;
    const pbsc_policy *policy;
    gsl_rng *count_rng;
    struct stats *st;
    int verbose;
};

static void
count_rule(struct stats *st, const char *rule)
{
    int i;

    for (i = 0; i < st->nrules; i++)
        if (strcmp(st->rules[i].rule, rule) == 0) {
            st->rules[i].n++;
            return;
        }
    if (st->nrules < MAX_RULES) {
        snprintf(st->rules[st->nrules].rule, sizeof st->rules[0].rule, "%s", rule);
        st->rules[st->nrules++].n = 1;
    }
}

static void
keep_pre_count(struct stats *st, double cd34)
{
    if (st->npre == st->cappre) {
        size_t cap = st->cappre ? 2 * st->cappre : 4096;
        double *grown = realloc(st->pre_counts, cap * sizeof *grown);
        if (grown == NULL)
            return;
        st->pre_counts = grown;
        st->cappre = cap;
    }
    st->pre_counts[st->npre++] = cd34;
}

/* A pbsc_course_set() the simulator makes: a failure is reported and ends the run. */
static int
set(pbsc_course *c, unsigned long index, long day, pbsc_quantity q, double v)
{
    pbsc_diag diag;

    if (pbsc_course_set(c, day, q, v, &diag) == PBSC_OK)
        return 0;
    fprintf(stderr, "cohort: patient %lu day %ld: %s: %s\n", index, day, diag.field, diag.text);
    return -1;
}

/* One decision point, timed in CPU time of the calling thread; a failure is reported and
 * ends the run (a valid course always gets a decision). */
static int
decide(struct course_run *cr, const pbsc_course *c, unsigned long index, long day,
       pbsc_moment moment, pbsc_decision *d)
{
    pbsc_diag diag;
    double t0;
    int rc;

    pbsc_decision_init(d);
    t0 = now_ns(CLOCK_THREAD_CPUTIME_ID);
    rc = pbsc_decide(c, cr->policy, NULL, day, moment, d, &diag);
    t0 = now_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
    cr->st->decide_ns += t0;
    cr->st->decisions++;
    if (rc == PBSC_OK && !isnan(d->p_goal_without)) {
        cr->st->forecast_ns += t0;
        cr->st->forecasts++;
    }
    if (rc == PBSC_OK)
        return 0;
    fprintf(stderr, "cohort: patient %lu day %ld %s: %s: %s: %s\n", index, day,
            pbsc_moment_name(moment), pbsc_strerror(rc), diag.field, diag.text);
    return -1;
}

static void
print_point(long day, double true_count, double seen, const pbsc_decision *d, double litres,
            double product)
{
    printf("    day %2ld %-7s true %7.2f  seen %7.2f  %-14s %-28s", day,
           pbsc_moment_name(d->moment), true_count, seen, pbsc_action_name(d->action), d->rule);
    if (d->action == PBSC_ACTION_COLLECT)
        printf(" %5.1f L -> %.2f", litres, product);
    if (d->tonight.drug != PBSC_DRUG_NONE)
        printf(" %s %.1f mg tonight", pbsc_drug_name(d->tonight.drug), d->tonight.mg);
    if (!isnan(d->p_goal_without))
        printf(" P(goal) no-px %.2f px %.2f", d->p_goal_without, d->p_goal_with);
    printf("\n");
}

/* A decision that ends the course (a stop, a missing value, outside the policy): 1, with
 * the outcome's end set. */
static int
ends(const pbsc_decision *d, struct outcome *o)
{
    switch (d->action) {
    case PBSC_ACTION_WAIT:
    case PBSC_ACTION_COLLECT:
    case PBSC_ACTION_PLERIXAFOR:
    case PBSC_ACTION_CONTINUE:
        return 0;
    case PBSC_ACTION_STOP_GOAL:
        o->end = END_GOAL;
        return 1;
    case PBSC_ACTION_STOP_MINIMUM:
        o->end = END_MINIMUM;
        return 1;
    case PBSC_ACTION_STOP_FAILED:
        o->end = END_FAILED;
        return 1;
    case PBSC_ACTION_NEED_COUNT:
        o->end = END_NEED;
        return 1;
    case PBSC_ACTION_OUTSIDE_POLICY:
    default:
        o->end = END_OUTSIDE;
        return 1;
    }
}

static pbsc_policy_info
pbsc_policy_info_of(const pbsc_policy *p)
{
    pbsc_policy_info info;

    pbsc_policy_info_init(&info);
    pbsc_policy_info_get(p, &info);
    return info;
}

/*
 * One course, day by day, as a unit would run it: this morning's row (the count from day 4,
 * with its WBC) is set into the course and the morning decided; an advised apheresis is
 * acted out on the truth and its litres and product recorded; the evening is decided with
 * the harvest known, and the dose it advises for tonight (`tonight`) is given and recorded.
 * Tomorrow's true count follows what was done today.
 */
static int
run_course(struct course_run *cr, unsigned long index, struct outcome *o)
{
    const struct truth *t = cr->t;
    double kg = weight_of(t->w, t->pt), count = (double)NAN;
    pbsc_person person;
    pbsc_policy_info info;
    pbsc_regimen regimen;
    pbsc_course *c;
    pbsc_diag diag;
    long day;
    int doses = 0, rc = 0;

    memset(o, 0, sizeof *o);
    o->end = END_CUT;
    snprintf(o->rule, sizeof o->rule, "cut at day %d", MAX_DAY);
    pbsc_person_init(&person);
    person.weight_kg = kg;
    /* the planned schedules' arms run an up-front course (myeloma: their scope) */
    info = pbsc_policy_info_of(cr->policy);
    regimen = info.regimens & (1u << PBSC_REGIMEN_GCSF) ? PBSC_REGIMEN_GCSF : PBSC_REGIMEN_UPFRONT;
    if (regimen == PBSC_REGIMEN_UPFRONT)
        person.diagnosis = PBSC_DX_MYELOMA;
    tonight_moti = 0;
    first_moti = 1;
    if (pbsc_course_new(&person, regimen, GOAL, MINIMUM, &c, &diag) != PBSC_OK) {
        fprintf(stderr, "cohort: patient %lu: course: %s\n", index, diag.text);
        return -1;
    }
    gsl_rng_set(cr->count_rng, SEED ^ (0x9E3779B9UL + 31UL * index));
    for (day = 1; day <= MAX_DAY; day++) {
        double seen = (double)NAN, litres = (double)NAN, product = (double)NAN, true_today;
        pbsc_decision m, e;
        enum act act;
        int harvest = 0, dose = 0;

        if (day == FIRST_COUNT_DAY)
            count = t->c4;
        true_today = count;
        /* this morning's row: an empty one (count NAN) before the first count day */
        if (day >= FIRST_COUNT_DAY)
            seen = measure(t->w, cr->count_rng, count);
        if (set(c, index, day, PBSC_Q_CD34_UL, seen) != 0 ||
            (day >= FIRST_COUNT_DAY && set(c, index, day, PBSC_Q_WBC, t->w->wbc) != 0) ||
            decide(cr, c, index, day, PBSC_MORNING, &m) != 0) {
            rc = -1;
            break;
        }
        o->last_day = day;
        snprintf(o->rule, sizeof o->rule, "%s", m.rule);
        if (m.action == PBSC_ACTION_COLLECT) {
            litres = m.volume_l;
            product = fmin(count * litres * t->ce / kg, 100.0);
            if (set(c, index, day, PBSC_Q_VOLUME_L, litres) != 0 ||
                set(c, index, day, PBSC_Q_COLLECTED, product) != 0) {
                rc = -1;
                break;
            }
            keep_pre_count(cr->st, seen);
            o->low_sessions += seen < LOW_COUNT;
            o->collected += product;
            o->aphereses++;
            harvest = 1;
        } else if (m.action == PBSC_ACTION_WAIT) {
            o->idle_after_start += o->aphereses > 0;
        }
        if (cr->verbose)
            print_point(day, true_today, seen, &m, litres, product);
        if (ends(&m, o))
            break;
        /* the evening: today's harvest known, tonight's dose advised */
        if (decide(cr, c, index, day, PBSC_EVENING, &e) != 0) {
            rc = -1;
            break;
        }
        snprintf(o->rule, sizeof o->rule, "%s", e.rule);
        if (cr->verbose)
            print_point(day, true_today, seen, &e, litres, product);
        if (ends(&e, o))
            break;
        if (e.tonight.drug != PBSC_DRUG_NONE) {
            if (set(c, index, day,
                    e.tonight.drug == PBSC_DRUG_MOTIXAFORTIDE ? PBSC_Q_MOTIXAFORTIDE_MG
                                                             : PBSC_Q_PLERIXAFOR_MG,
                    e.tonight.mg) != 0) {
                rc = -1;
                break;
            }
            /* false when NAN: only the forecast engine rates its dose */
            o->futile_doses += e.p_goal_with < FUTILE_P;
            o->doses++;
            dose = 1;
        }
        tonight_moti = dose && e.tonight.drug == PBSC_DRUG_MOTIXAFORTIDE;
        act = harvest && dose ? ACT_APHERESIS_PLERIXAFOR
              : harvest       ? ACT_APHERESIS
              : dose          ? ACT_PLERIXAFOR
                              : ACT_GCSF;
        count = next_count(t, day, act, doses, count);
        doses += dose;
        first_moti = first_moti && !tonight_moti;
    }
    pbsc_course_free(c);
    if (rc != 0)
        return rc;
    o->goal = o->collected >= GOAL;
    o->fail = o->end == END_OUTSIDE || o->end == END_NEED || o->collected < MINIMUM;
    return 0;
}

/* Runs the course again (the same draws), printing every decision point. */
static int
print_course(const struct course_run *cr, unsigned long index, double ref)
{
    struct course_run again = *cr;
    struct stats scratch;
    struct outcome o;
    pbsc_policy_info info;
    int rc;

    pbsc_policy_info_init(&info); /* size-tagged */
    if (pbsc_policy_info_get(cr->policy, &info) != PBSC_OK)
        return -1;
    memset(&scratch, 0, sizeof scratch);
    again.st = &scratch;
    again.verbose = 1;
    printf("  patient %lu, world %s, %s: day-4 true %.2f/uL, CE %.3f, %.1f kg, patient effect "
           "%+.3f; G-CSF alone would collect %.2f\n",
           index, cr->t->w->name, info.id, cr->t->c4, cr->t->ce, weight_of(cr->t->w, cr->t->pt),
           cr->t->u, ref);
    rc = run_course(&again, index, &o);
    free(scratch.pre_counts);
    if (rc == 0)
        printf("    -> %s: %.2f x10^6/kg, %d aphereses, %d doses%s\n", o.rule, o.collected,
               o.aphereses, o.doses, o.fail ? ", FAILED" : "");
    return rc;
}

static void
tally(struct stats *st, const struct outcome *o, double ref_dose, unsigned long index)
{
    st->n++;
    st->fail += o->fail;
    st->fails[index] = o->fail;
    st->goal += o->goal;
    st->plerixafor += o->doses > 0;
    st->outside += o->end == END_OUTSIDE;
    st->need += o->end == END_NEED;
    st->cut += o->end == END_CUT;
    st->aphereses += o->aphereses;
    st->doses += o->doses;
    st->days += o->last_day;
    st->collected += o->collected;
    st->idle_courses += o->idle_after_start > 0;
    st->idle_days += o->idle_after_start;
    st->futile_courses += o->futile_doses > 0;
    st->futile_doses += o->futile_doses;
    st->low_courses += o->low_sessions > 0;
    st->low_sessions += o->low_sessions;
    st->px_ref_goal += o->doses > 0 && ref_dose >= GOAL;
    st->px_ref_fail += o->doses > 0 && ref_dose < MINIMUM;
    st->ref_fail_saved += ref_dose < MINIMUM && !o->fail;
    count_rule(st, o->rule);
}

/* ---- printing ---------------------------------------------------------------------------- */

/* Names the truth's parameters that differ from the library's default model. */
static void
print_differences(const struct world *w, const pbsc_model_params *m)
{
    const struct {
        const char *name;
        double truth, model;
    } pairs[] = {
        {"ratio day 4->5", w->ratio45, m->gcsf_ratio[3]},
        {"ratio day 5->6", w->ratio_later, m->gcsf_ratio[4]},
        {"ratio day 7->8", w->ratio_later, m->gcsf_ratio[6]},
        {"ratio after day 8", w->ratio_later, m->gcsf_ratio[PBSC_GCSF_DAYS - 1]},
        {"G-CSF ratio sigma", hypot(w->re_sigma, w->day_sigma), m->gcsf_sigma},
        {"apheresis ratio", w->aph_ratio, m->apheresis_ratio},
        {"apheresis ratio sigma", hypot(w->re_sigma, w->day_sigma), m->apheresis_sigma},
        {"plerixafor fold", w->fold1, m->plerixafor_fold},
        {"plerixafor sigma", w->fold1_sigma, m->plerixafor_sigma},
        {"later fold", w->fold2, m->plerixafor2_fold},
        {"later fold sigma", w->fold2_sigma, m->plerixafor2_sigma},
        {"CE median", w->ce_median, m->ce.median},
        {"CE sigma", w->ce_sigma, m->ce.sigma},
    };
    size_t i;
    int n = 0;

    printf("  against the library's default model (pbsc_model_new): ");
    for (i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        if (fabs(pairs[i].truth - pairs[i].model) > 1e-6 * fabs(pairs[i].model)) {
            printf("%s%s %g (model %g)", n++ ? ", " : "", pairs[i].name, pairs[i].truth,
                   pairs[i].model);
        }
    printf("%s\n", n ? "" : "every parameter the same");
    printf("  (the model does not know: the patient effect on the ratios, the CE truncation; "
           "its WBC and Hct slopes are 0)\n");
}

static void
print_world(const struct world *w, const pbsc_model_params *m)
{
    double d4 = w->day5_median / w->ratio45;

    printf("World %s: %s\n", w->name, w->what);
    printf("  patients: autologous, weight U(%g, %g) kg, TBV 70 mL/kg, G-CSF alone, goal %g, "
           "minimum %g (auto5)\n",
           w->weight_lo, w->weight_hi, GOAL, MINIMUM);
    printf("  day-4 PB CD34: log-normal, median %.2f/uL (day-5 median %g/uL: Gidron 2005 19, "
           "Mehta 2001 21), SD of ln %g [ours]\n",
           d4, w->day5_median, w->day4_sigma);
    printf("  (true day-4 counts under 5/uL, chen2012's undefined zone, at SD of ln 0.7 / 1.0 / "
           "1.3: %.1f%% / %.1f%% / %.1f%%)\n",
           100.0 * gsl_cdf_ugaussian_P(log(5.0 / d4) / 0.7),
           100.0 * gsl_cdf_ugaussian_P(log(5.0 / d4) / 1.0),
           100.0 * gsl_cdf_ugaussian_P(log(5.0 / d4) / 1.3));
    printf("  G-CSF day ratio: %.4f (day 4->5), %.4f (later) (Transfus Med 1997, 60.7/128/107);"
           " model %.4f, %.4f\n",
           w->ratio45, w->ratio_later, m->gcsf_ratio[3], m->gcsf_ratio[4]);
    printf("  ratio noise: patient effect SD %g + daily SD %g = %.3f [ours]; model gcsf_sigma "
           "%g\n",
           w->re_sigma, w->day_sigma, hypot(w->re_sigma, w->day_sigma), m->gcsf_sigma);
    printf("  after an apheresis: x%g (PMID 12375664 [interp]); model x%g, sigma %g\n",
           w->aph_ratio, m->apheresis_ratio, m->apheresis_sigma);
    printf("  plerixafor fold: 1st median %g SD of ln %.4f, later %g SD %.4f (PMID 22080963); "
           "model %g/%.4f, %g/%.4f\n",
           w->fold1, w->fold1_sigma, w->fold2, w->fold2_sigma, m->plerixafor_fold,
           m->plerixafor_sigma, m->plerixafor2_fold, m->plerixafor2_sigma);
    printf("  CE2 (per patient, all sessions): median %g SD of ln %.4f in [%g, %g] (Gidron "
           "2005); model %g/%.4f\n",
           w->ce_median, w->ce_sigma, w->ce_min, w->ce_max, m->ce.median, m->ce.sigma);
    printf("  counting: Poisson in %.2f uL (75,000 CD45 events, ISHAGE) at WBC %g [ours], "
           "WBC recorded\n",
           counted_ul(w), w->wbc);
    print_differences(w, m);
}

static double
share(int k, int n)
{
    return n > 0 ? 100.0 * k / n : 0.0;
}

/* Half-width of a 95% Wald interval of a share, in percentage points. */
static double
half_width(int k, int n)
{
    double p = n > 0 ? (double)k / n : 0.0;

    return n > 0 ? 196.0 * sqrt(p * (1.0 - p) / n) : 0.0;
}

static void
print_table(struct stats *st, int npol)
{
    int i, j;

    printf("\n  %-12s| %-13s| %-6s| %-10s| %-7s| %-8s| %-7s| %s\n", "policy", "failure", "goal",
           "plerixafor", "aph/pt", "doses/pt", "outside", "ms/decision");
    printf("  ------------+--------------+-------+-----------+--------+---------+--------+-------"
           "-----\n");
    for (i = 0; i < npol; i++) {
        struct stats *s = &st[i];
        printf("  %-12s| %5.1f%% +-%3.1f | %4.1f%% | %8.1f%% | %6.2f | %7.2f | %5.1f%% | %.3f\n",
               s->policy, share(s->fail, s->n), half_width(s->fail, s->n), share(s->goal, s->n),
               share(s->plerixafor, s->n), (double)s->aphereses / s->n, (double)s->doses / s->n,
               share(s->outside, s->n), s->decide_ns / (double)s->decisions / 1e6);
    }
    printf("  (ms/decision: the mean CPU time of pbsc_decide over every decision point, both "
           "moments of every day, days 1-3 included; each walks the course from day 1)\n");
    printf("\n  more: mean dose, days on course, median pre-apheresis count seen, need-count, "
           "cut; CPU ms per decision that ran the Monte Carlo\n");
    for (i = 0; i < npol; i++) {
        struct stats *s = &st[i];
        double med = (double)NAN;
        if (s->npre > 0) {
            gsl_sort(s->pre_counts, 1, s->npre);
            med = gsl_stats_median_from_sorted_data(s->pre_counts, 1, s->npre);
        }
        printf("  %-12s  %.2f x10^6/kg, %.2f days, %.1f/uL, %d, %d", s->policy, s->collected / s->n,
               (double)s->days / s->n, med, s->need, s->cut);
        if (s->forecasts > 0)
            printf("; %.2f ms (%ld decisions)", s->forecast_ns / (double)s->forecasts / 1e6,
                   s->forecasts);
        printf("\n");
    }
    printf("\n  oddities: courses (events) with G-CSF days idle after collection began; with "
           "plerixafor at P(goal with it) < %.2f; with aphereses at a count < %g/uL\n",
           FUTILE_P, LOW_COUNT);
    for (i = 0; i < npol; i++) {
        struct stats *s = &st[i];
        printf("  %-12s  %d (%d days); %d (%d doses); %d (%d sessions)\n", s->policy,
               s->idle_courses, s->idle_days, s->futile_courses, s->futile_doses, s->low_courses,
               s->low_sessions);
    }
    printf("\n  against G-CSF alone (reference arm, same patients):\n");
    for (i = 0; i < npol; i++) {
        struct stats *s = &st[i];
        printf("  %-12s  plerixafor given to %d who reach the goal without it, to %d who fail "
               "without it; rescues %d\n",
               s->policy, s->px_ref_goal, s->px_ref_fail, s->ref_fail_saved);
    }
    printf("\n  paired failures (same patients): only under row / only under column\n");
    for (i = 0; i < npol; i++)
        for (j = i + 1; j < npol; j++) {
            int a = 0, b = 0, k;
            for (k = 0; k < st[i].n; k++) {
                a += st[i].fails[k] && !st[j].fails[k];
                b += !st[i].fails[k] && st[j].fails[k];
            }
            printf("  %-12s vs %-12s  %d / %d\n", st[i].policy, st[j].policy, a, b);
        }
    printf("\n  how courses ended (the last rule that fired):\n");
    for (i = 0; i < npol; i++) {
        printf("  %-12s ", st[i].policy);
        for (j = 0; j < st[i].nrules; j++)
            printf(" %s %.1f%%", st[i].rules[j].rule, share(st[i].rules[j].n, st[i].n));
        printf("\n");
    }
}

/* ---- main --------------------------------------------------------------------------------- */

static int
run_world(const struct world *w, const struct patient *pts, unsigned long n,
          const pbsc_policy *const *policies, int npol, const struct show *show, gsl_rng *count_rng)
{
    struct stats st[NPOLICIES];
    unsigned long i;
    int p, ref_fail = 0, ref_goal = 0, d4_low = 0, d4_mid = 0, rc = 0, shown[NPOLICIES] = {0};

    memset(st, 0, sizeof st);
    for (p = 0; p < npol; p++) {
        st[p].policy = policy_ids[p];
        st[p].fails = calloc(n, sizeof *st[p].fails);
        if (st[p].fails == NULL)
            return -1;
    }
    for (i = 0; i < n && rc == 0; i++) {
        struct truth t;
        double ref;
        int s;

        truth_of(w, &pts[i], &t);
        ref = reference_arm(&t, weight_of(w, &pts[i]));
        ref_fail += ref < MINIMUM;
        ref_goal += ref >= GOAL;
        for (p = 0; p < npol && rc == 0; p++) {
            struct course_run cr = {&t, policies[p], count_rng, &st[p], 0};
            struct outcome o;
            int want = 0;
            rc = run_course(&cr, i, &o);
            if (rc != 0)
                break;
            tally(&st[p], &o, ref, i);
            for (s = 0; s < show->npatients; s++)
                want |= show->patients[s] == (long)i;
            if (!want && show->rule != NULL && shown[p] < 3 && strcmp(o.rule, show->rule) == 0)
                want = ++shown[p];
            if (want)
                rc = print_course(&cr, i, ref);
        }
        /* the day-4 count each policy saw (the first counting draw, the same for all) */
        gsl_rng_set(count_rng, SEED ^ (0x9E3779B9UL + 31UL * i));
        {
            double seen = measure(w, count_rng, t.c4);
            d4_low += seen < 5.0;
            d4_mid += seen >= 5.0 && seen <= 15.0;
        }
    }
    if (rc == 0) {
        printf(
            "\n  %lu patients. Day-4 count seen: <5/uL %.1f%%, 5-15 %.1f%%, >15 %.1f%% (chen2012's "
            "bands)\n",
            n, share(d4_low, (int)n), share(d4_mid, (int)n),
            share((int)n - d4_low - d4_mid, (int)n));
        printf("  reference arm (simulator's, not a library policy; G-CSF alone, 3 x TBV days 5-8 "
               "until the goal): failure %.1f%%, goal %.1f%% (seed review: 10-40%% of "
               "mobilizations fail)\n",
               share(ref_fail, (int)n), share(ref_goal, (int)n));
        print_table(st, npol);
    }
    for (p = 0; p < npol; p++) {
        free(st[p].fails);
        free(st[p].pre_counts);
    }
    return rc;
}

/* What every world's run shares. */
struct job {
    const struct patient *pts;
    unsigned long n;
    const pbsc_policy *const *policies;
    int npol;
    const struct show *show;
    gsl_rng *count_rng;
    const pbsc_model_params *mp;
};

/* A child process runs one world, its output into a pipe the parent copies out in order. */
static pid_t
start_world(const struct job *job, size_t w, int *fd)
{
    int ends[2], rc;
    pid_t pid;

    if (pipe(ends) != 0)
        return -1;
    fflush(stdout); /* or the child would write the parent's buffered output again */
    pid = fork();
    if (pid != 0) {
        close(ends[1]);
        *fd = ends[0];
        if (pid < 0)
            close(ends[0]);
        return pid;
    }
    close(ends[0]);
    if (dup2(ends[1], STDOUT_FILENO) < 0)
        _exit(1);
    close(ends[1]);
    printf("\n");
    print_world(&worlds[w], job->mp);
    rc = run_world(&worlds[w], job->pts, job->n, job->policies, job->npol, job->show,
                   job->count_rng);
    fflush(stdout);
    _exit(rc == 0 ? 0 : 1);
}

static int
finish_world(pid_t pid, int fd)
{
    char buf[4096];
    ssize_t got;
    int status = 1;

    while ((got = read(fd, buf, sizeof buf)) > 0)
        fwrite(buf, 1, (size_t)got, stdout);
    close(fd);
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* The worlds, at most `jobs` at a time (one per core: the timings stay honest). */
static int
run_worlds(const struct job *job, int jobs)
{
    pid_t pid[NWORLDS];
    int fd[NWORLDS], rc = 0;
    size_t next = 0, w;

    for (w = 0; w < NWORLDS; w++) {
        for (; next < NWORLDS && next < w + (size_t)jobs; next++)
            if ((pid[next] = start_world(job, next, &fd[next])) < 0) {
                perror("cohort: fork");
                return -1;
            }
        fflush(stdout);
        if (finish_world(pid[w], fd[w]) != 0)
            rc = -1;
    }
    return rc;
}

int
main(int argc, char **argv)
{
    const pbsc_policy *policies[NPOLICIES];
    pbsc_policy *site[NPOLICIES - NPRESETS] = {NULL};
    pbsc_diag diag;
    pbsc_model *model;
    pbsc_model_params mp;
    struct patient *pts;
    unsigned long n = DEFAULT_PATIENTS, i;
    long patients[16];
    struct show show = {patients, 0, NULL};
    int a, rc, jobs = 2, sensitivity = 0;
    gsl_rng *r, *count_rng;
    double t0 = now_ns(CLOCK_MONOTONIC);

    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-n") == 0 && a + 1 < argc)
            n = strtoul(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "-p") == 0 && a + 1 < argc && show.npatients < 16)
            patients[show.npatients++] = strtol(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "-r") == 0 && a + 1 < argc)
            show.rule = argv[++a];
        else if (strcmp(argv[a], "-j") == 0 && a + 1 < argc)
            jobs = (int)strtol(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "-s") == 0)
            sensitivity = 1;
        else {
            fprintf(stderr,
                    "usage: cohort [-n PATIENTS] [-j JOBS] [-s] [-p PATIENT]... [-r RULE]\n");
            return 2;
        }
    }
    gsl_set_error_handler_off();
    for (a = 0; a < NPRESETS; a++)
        if (pbsc_policy_find(policy_ids[a], &policies[a], NULL) != PBSC_OK) {
            fprintf(stderr, "cohort: no policy %s\n", policy_ids[a]);
            return 1;
        }
    for (a = NPRESETS; a < NPOLICIES; a++) {
        const char *text = site_files[a - NPRESETS];
        if (pbsc_policy_parse(text, strlen(text), &site[a - NPRESETS], &diag) != PBSC_OK) {
            fprintf(stderr, "cohort: %s: line %ld: %s\n", policy_ids[a], diag.line, diag.text);
            return 1;
        }
        policies[a] = site[a - NPRESETS];
    }
    pbsc_model_params_init(&mp); /* size-tagged: pbsc_model_get() refuses it unset */
    if (n == 0 || pbsc_model_new(&model, NULL) != PBSC_OK)
        return 1;
    if (pbsc_model_get(model, &mp) != PBSC_OK) {
        pbsc_model_free(model);
        return 1;
    }
    pbsc_model_free(model);
    pts = malloc(n * sizeof *pts);
    r = gsl_rng_alloc(gsl_rng_taus2);
    count_rng = gsl_rng_alloc(gsl_rng_taus2);
    if (pts == NULL || r == NULL || count_rng == NULL)
        return 1;
    for (i = 0; i < n; i++)
        draw_patient(r, i, &pts[i]);
    printf("libpbsc %s: simulated cohort, %lu patients, seed %lu; policies forecast (pbsc_decide "
           "with model NULL: the default model), mayo2013-p2, chen2012, dipersio2009-mm, genesis2023 "
           "(up-front courses); sensitivity "
           "row%s forecast-d4 (the forecast preset with assess_day 4)%s\n",
           pbsc_version_string(), n, SEED, sensitivity ? "s" : "",
           sensitivity ? " and forecast-p50 (with forecast_p_below 0.50)" : "");
    printf("A patient fails when the course ends under the minimum (stop-failed, a stop under "
           "%g, or outside policy / need-count).\n",
           MINIMUM);
    fflush(stdout);
    {
        struct job job = {pts,   n,         policies, sensitivity ? NPOLICIES : NPOLICIES - 1,
                          &show, count_rng, &mp};
        rc = run_worlds(&job, jobs < 1 ? 1 : jobs);
    }
    printf("\n%.1f s in all (%d jobs)\n", (now_ns(CLOCK_MONOTONIC) - t0) / 1e9,
           jobs < 1 ? 1 : jobs);
    gsl_rng_free(r);
    gsl_rng_free(count_rng);
    for (a = 0; a < NPOLICIES - NPRESETS; a++)
        pbsc_policy_free(site[a]);
    free(pts);
    return rc == 0 ? 0 : 1;
}

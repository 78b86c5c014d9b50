/* SPDX-License-Identifier: MIT */
/* pbsc-decide's text output: the table of decision points and the recommendation block. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <pbsc.h>

#include "cli.h"
#include "decide.h"

static int
any_motixafortide(const result *r)
{
    size_t i;

    for (i = 0; i < r->shown; i++)
        if (!isnan(r->rows[i].v[COL_MOTIXAFORTIDE]))
            return 1;
    return 0;
}

/* How the dose was worked out, in words (the numbers are the label's, pbsc.h). */
static const char *
basis_text(pbsc_drug drug, pbsc_dose_basis b)
{
    switch (b) {
    case PBSC_DOSE_PER_KG:
        return drug == PBSC_DRUG_MOTIXAFORTIDE ? "1.25 mg/kg (the label states no maximum)"
                                               : "0.24 mg/kg";
    case PBSC_DOSE_FIXED:
        return "20 mg fixed dose (<= 83 kg)";
    case PBSC_DOSE_RENAL_PER_KG:
        return "0.16 mg/kg (CrCl <= 50 mL/min)";
    case PBSC_DOSE_RENAL_FIXED:
        return "13 mg fixed dose (CrCl <= 50 mL/min, <= 83 kg)";
    case PBSC_DOSE_CAPPED:
        return "the label's daily maximum";
    case PBSC_DOSE_NONE:
    default:
        return "none";
    }
}

static const char *
band_text(pbsc_band b)
{
    switch (b) {
    case PBSC_BAND_ADULT:
        return "70 mL/kg, adult";
    case PBSC_BAND_CHILD:
        return "85 mL/kg, child";
    case PBSC_BAND_NEONATE:
        return "100 mL/kg, neonate";
    case PBSC_BAND_NADLER:
        return "Nadler, from the height and sex";
    case PBSC_BAND_AUTO:
    default:
        return "unknown";
    }
}

/* Why tonight's dose: after a poor harvest, planned whatever the count (the rules
 * planned.*), the first, or a later one. */
static const char *
dose_kind(const pbsc_decision *f)
{
    if (f->tonight.salvage)
        return "salvage";
    if (strncmp(f->rule, "planned.", 8) == 0)
        return "planned";
    return f->tonight.number <= 1 ? "pre-emptive" : "continuing";
}

/* ---- text -------------------------------------------------------------------------- */

#define F(buf, dec, v) cli_fmt(buf, sizeof buf, dec, v)

/* A recorded value as given ("%g" and a unit), or "-" when not measured or not shown. */
static void
cell_g(cli_table *t, double v, const char *unit)
{
    if (isnan(v))
        cli_table_cell(t, "-");
    else
        cli_table_cell(t, "%g%s", v, unit);
}

/* "plerixafor 17.3 mg (dose 2, for apheresis day 6)" */
static const char *
tonight_text(const pbsc_dose *t, char *buf, size_t size)
{
    char mg[32];

    if (t->drug == PBSC_DRUG_NONE)
        snprintf(buf, size, "no dose tonight");
    else
        snprintf(buf, size, "%s %s mg (dose %d, for apheresis day %ld)", pbsc_drug_name(t->drug),
                 F(mg, 1, t->mg), t->number, t->apheresis_day);
    return buf;
}

/* The table of points: day, moment, the recorded facts, the advice (the header line above
 * it, print_groups(), says which columns are which). */
static void
text_points(cli_table *t, const result *r, int motixafortide)
{
    size_t i;

    cli_table_cell(t, "day");
    cli_table_cell(t, "moment");
    cli_table_cell(t, "cd34");
    cli_table_cell(t, "plerixafor");
    if (motixafortide)
        cli_table_cell(t, "motixafortide");
    cli_table_cell(t, "processed");
    cli_table_cell(t, "collected");
    cli_table_cell(t, "action");
    cli_table_cell(t, "tonight");
    cli_table_cell(t, "rule");
    for (i = 0; i < r->npoints; i++) {
        const pbsc_decision *p = &r->points[i];
        char a[32];

        cli_table_cell(t, "%ld", p->day);
        cli_table_cell(t, "%s", pbsc_moment_name(p->moment));
        cell_g(t, fact(r, i, COL_CD34), "");
        cell_g(t, fact(r, i, COL_PLERIXAFOR), " mg");
        if (motixafortide)
            cell_g(t, fact(r, i, COL_MOTIXAFORTIDE), " mg");
        cell_g(t, fact(r, i, COL_PROCESSED), " L");
        cell_g(t, fact(r, i, COL_COLLECTED), "");
        cli_table_cell(t, "%s", pbsc_action_name(p->action));
        if (p->tonight.drug == PBSC_DRUG_NONE)
            cli_table_cell(t, "-");
        else if (p->tonight.drug == PBSC_DRUG_PLERIXAFOR)
            cli_table_cell(t, "%s mg", F(a, 1, p->tonight.mg));
        else
            cli_table_cell(t, "%s %s mg", pbsc_drug_name(p->tonight.drug), F(a, 1, p->tonight.mg));
        cli_table_cell(t, "%s", p->rule);
    }
}

/* "label ------" over columns first..last of the table as cli_table_print() lays it out
 * (two spaces between columns); *pos is the characters printed so far on the line. */
static void
print_span(const cli_table *t, size_t first, size_t last, const char *label, size_t *pos)
{
    size_t col, start = 0, end;

    for (col = 0; col < first; col++)
        start += cli_table_width(t, col) + 2;
    end = start;
    for (col = first; col <= last; col++)
        end += cli_table_width(t, col) + (col < last ? 2 : 0);
    for (; *pos < start; ++*pos)
        fputc(' ', stdout);
    fputs(label, stdout);
    *pos += strlen(label);
    if (*pos + 1 < end) {
        fputc(' ', stdout);
        for (++*pos; *pos < end; ++*pos)
            fputc('-', stdout);
    }
}

/* The line above the table of points: which columns are recorded, which are advice. */
static void
print_groups(const cli_table *t, size_t ncols)
{
    size_t pos = 0;

    print_span(t, 2, ncols - 4, "recorded", &pos);
    print_span(t, ncols - 3, ncols - 1, "advice", &pos);
    fputc('\n', stdout);
}

/* The warning names, comma-separated, or "none". */
static void
warning_list(unsigned w, char *buf, size_t size)
{
    unsigned bit;
    size_t used = 0;

    buf[0] = '\0';
    for (bit = 1; bit != 0 && used < size; bit <<= 1) {
        int n;

        if (!(w & bit))
            continue;
        n = snprintf(buf + used, size - used, "%s%s", used > 0 ? ", " : "", pbsc_warning_name(bit));
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (buf[0] == '\0')
        snprintf(buf, size, "none");
}

/* Today's session, when the recommendation is to collect. */
static void
text_projection(cli_table *t, const pbsc_decision *f)
{
    const pbsc_projection *p = &f->projection;
    char a[64], b[64], c[64];

    if (f->action != PBSC_ACTION_COLLECT)
        return;
    cli_table_cell(t, "process");
    cli_table_cell(t, "%s L (%s x TBV of %s L)", F(a, 1, f->volume_l),
                   F(b, 2, f->volume_l / p->tbv_l), F(c, 2, p->tbv_l));
    cli_table_cell(t, "projected yield");
    cli_table_cell(t, "%s x10^6/kg (median), %s - %s (%g%% interval)", F(a, 2, p->median),
                   F(b, 2, p->lower), F(c, 2, p->upper), 100.0 * p->level);
    cli_table_cell(t, "P(yield >= remaining)");
    if (p->dose < f->remaining) /* a policy that splits the dose over planned sessions */
        cli_table_cell(t, "%s of today's share, %s x10^6/kg", F(a, 3, p->p_dose),
                       F(b, 2, p->dose));
    else
        cli_table_cell(t, "%s", F(a, 3, p->p_dose));
}

static void
text_tonight(cli_table *t, const result *r, const pbsc_decision *f)
{
    char a[128];

    cli_table_cell(t, "tonight");
    cli_table_cell(t, "%s", tonight_text(&f->tonight, a, sizeof a));
    if (f->tonight.drug == PBSC_DRUG_NONE)
        return;
    cli_table_cell(t, "dose basis");
    cli_table_cell(t, "%s, %s kg; %s", basis_text(f->tonight.drug, f->tonight.basis), F(a, 1, r->weight_kg),
                   dose_kind(f));
}

static void
text_collected(cli_table *t, const pbsc_decision *f)
{
    char a[64], b[64], when[64];

    /* a repeated stop counts what its own point knows, like any other */
    snprintf(when, sizeof when, "%s", f->moment == PBSC_MORNING ? "before today" : "with today's");
    cli_table_cell(t, "goal");
    cli_table_cell(t, "%s x10^6/kg (minimum %s)", F(a, 2, f->goal), F(b, 2, f->minimum));
    cli_table_cell(t, "collected");
    cli_table_cell(t, "%s x10^6/kg %s (%lu apheresis day%s, %lu plerixafor dose%s)",
                   F(a, 2, f->collected), when, (unsigned long)f->aphereses,
                   f->aphereses == 1 ? "" : "s", (unsigned long)f->plerixafor_doses,
                   f->plerixafor_doses == 1 ? "" : "s");
    cli_table_cell(t, "remaining");
    cli_table_cell(t, "%s x10^6/kg", F(a, 2, f->remaining));
}

/* " at day D's WBC w and Hct h" when the model's CE depends on them (a site model), from
 * the row of the point that decided; else "". */
static const char *
ce_where(const result *r, const pbsc_decision *f, char *buf, size_t size)
{
    pbsc_model_params p;
    const row *w = NULL;
    char wbc[64], hct[64];
    size_t i;

    buf[0] = '\0';
    pbsc_model_params_init(&p);
    if (r->model == NULL || pbsc_model_get(r->model, &p) != PBSC_OK ||
        (p.ce_wbc_slope == 0.0 && p.ce_hct_slope == 0.0))
        return buf;
    for (i = 0; i < r->nrows; i++)
        if (r->rows[i].day == f->decided_day)
            w = &r->rows[i];
    if (w == NULL)
        return buf;
    if (isnan(w->v[COL_WBC]))
        snprintf(wbc, sizeof wbc, "not recorded (the model's reference)");
    else
        snprintf(wbc, sizeof wbc, "%g x10^9/L", w->v[COL_WBC]);
    if (isnan(w->v[COL_HCT]))
        snprintf(hct, sizeof hct, "not recorded (the model's reference)");
    else
        snprintf(hct, sizeof hct, "%g%%", w->v[COL_HCT]);
    snprintf(buf, size, ", at day %ld's WBC %s and Hct %s", w->day, wbc, hct);
    return buf;
}

/* The model the points used, and its CE at this point. */
static void
text_model(cli_table *t, const result *r, const pbsc_decision *f)
{
    char a[64], b[64], w[192];

    cli_table_cell(t, "model");
    if (r->o->model != NULL)
        cli_table_cell(t, "%s version %s, %s, hash %s (site model %s)", f->model_id,
                       f->model_version[0] != '\0' ? f->model_version : "-",
                       f->model_fitted ? "fitted" : "not fitted", f->model_hash, r->o->model);
    else if (r->model != NULL)
        cli_table_cell(t, "%s version %s, hash %s (the literature model with the CE of %s)",
                       f->model_id, f->model_version, f->model_hash,
                       r->o->device != NULL ? "--device" : "--ce");
    else
        cli_table_cell(t, "%s version %s, hash %s (the literature model, pbsc_model_new(3))",
                       f->model_id, f->model_version, f->model_hash);
    cli_table_cell(t, "CE");
    cli_table_cell(t, "%s: median %s, sigma %s%s", f->ce_id, F(a, 3, f->ce_median),
                   F(b, 3, f->ce_sigma), ce_where(r, f, w, sizeof w));
    if (isnan(f->p_goal_without))
        return;
    cli_table_cell(t, "P(goal)");
    if (isnan(f->p_goal_with))
        cli_table_cell(t, "%s without plerixafor tonight (no dose left)",
                       F(a, 3, f->p_goal_without));
    else
        cli_table_cell(t, "%s without plerixafor tonight, %s with it", F(a, 3, f->p_goal_without),
                       F(b, 3, f->p_goal_with));
}

/* The person as given: weight (and pounds), age, diagnosis, planned transplants, the
 * recipient of a donor's course. */
static void
text_person(cli_table *t, const result *r)
{
    const opts *o = r->o;
    char buf[256], a[32];
    size_t used;

    if (!isnan(o->weight_lb))
        snprintf(buf, sizeof buf, "%s kg (%g lb)", F(a, 1, r->weight_kg), o->weight_lb);
    else
        snprintf(buf, sizeof buf, "%g kg", r->weight_kg);
    used = strlen(buf);
    if (!isnan(o->age))
        used += (size_t)snprintf(buf + used, sizeof buf - used, ", age %g", o->age);
    if (used < sizeof buf && o->diagnosis != PBSC_DX_UNKNOWN)
        used += (size_t)snprintf(buf + used, sizeof buf - used, ", diagnosis %s",
                                 pbsc_diagnosis_name(o->diagnosis));
    if (used < sizeof buf && o->transplants > 0)
        used += (size_t)snprintf(buf + used, sizeof buf - used, ", %ld transplant%s planned",
                                 o->transplants, o->transplants > 1 ? "s" : "");
    if (used < sizeof buf && !isnan(o->recipient))
        snprintf(buf + used, sizeof buf - used, ", healthy donor for a %g kg recipient",
                 o->recipient);
    cli_table_cell(t, "person");
    cli_table_cell(t, "%s", buf);
}

static void
text_decision(cli_table *t, const result *r)
{
    const pbsc_decision *f = r->final;
    char a[64], w[512];

    cli_table_cell(t, "day");
    cli_table_cell(t, "%ld", f->day);
    cli_table_cell(t, "moment");
    cli_table_cell(t, "%s", pbsc_moment_name(f->moment));
    cli_table_cell(t, "action");
    cli_table_cell(t, "%s", pbsc_action_name(f->action));
    cli_table_cell(t, "rule");
    cli_table_cell(t, "%s", f->rule);
    cli_table_cell(t, "reason");
    cli_table_cell(t, "%s", f->reason);
    if (f->decided_day != f->day || f->decided_moment != f->moment) {
        cli_table_cell(t, "decided");
        cli_table_cell(t, "day %ld, %s", f->decided_day, pbsc_moment_name(f->decided_moment));
    }
    text_tonight(t, r, f);
    text_projection(t, f);
    text_collected(t, f);
    text_person(t, r);
    cli_table_cell(t, "blood volume");
    cli_table_cell(t, "%s L (%s)", F(a, 2, f->tbv_l), band_text(f->blood_volume));
    warning_list(f->warnings, w, sizeof w);
    cli_table_cell(t, "warnings");
    cli_table_cell(t, "%s", w);
    cli_table_cell(t, "policy");
    cli_table_cell(t, "%s version %s (hash %s): %s", f->policy_id, f->policy_version,
                   f->policy_hash, r->info.source);
    text_model(t, r, f);
    cli_table_cell(t, "library");
    cli_table_cell(t, "libpbsc %s", f->library_version);
}

int
print_text(const result *r)
{
    int motixafortide = any_motixafortide(r);
    size_t ncols = motixafortide ? 10 : 9;
    cli_table *points = cli_table_new(ncols), *dec = cli_table_new(2);
    int rc = -1;

    if (points != NULL && dec != NULL) {
        text_points(points, r, motixafortide);
        text_decision(dec, r);
    }
    if (cli_table_ok(points) && cli_table_ok(dec)) {
        print_groups(points, ncols);
        cli_table_print(points, stdout);
        if (r->o->day > 0)
            printf("\nrecommendation: the latest point of day %ld (policy %s)\n", r->o->day,
                   r->info.id);
        else
            printf("\nrecommendation: the latest point of the course (policy %s)\n", r->info.id);
        cli_table_print(dec, stdout);
        rc = 0;
    }
    cli_table_free(points);
    cli_table_free(dec);
    return rc;
}

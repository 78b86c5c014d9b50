/* SPDX-License-Identifier: MIT */
/* pbsc-yield's output: text, JSON and TSV (split from examples/pbsc-yield.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <pbsc.h>

#include "cli.h"
#include "yield.h"

/* NAN is a float constant; DNAN keeps the arithmetic double (-Wdouble-promotion). */
#define DNAN ((double)NAN)

/* How each --cd34-unit word reads in the report (pbsc-yield.c's cd34_units order). */
static const char *const cd34_unit_text[] = {"/uL", "x10^6/L",  "x10^3/mL",
                                             "/mL", "x10^6/mL", "% of WBC"};

static double
recipient_kg(const result *r)
{
    return isnan(r->s.recipient_kg) ? r->s.weight_kg : r->s.recipient_kg;
}

/* ---- text -------------------------------------------------------------------------- */

#define F(buf, dec, v) cli_fmt(buf, sizeof buf, dec, v)

/* Where the CE came from: the model file, and the WBC its median is taken at. */
static void
text_model(cli_table *t, const result *r)
{
    pbsc_model_params p;
    char a[64], b[64];

    pbsc_model_params_init(&p); /* size-tagged: the size first */
    pbsc_model_get(r->model, &p);
    cli_table_cell(t, "site model");
    if (p.ce_wbc_slope == 0.0)
        cli_table_cell(t, "%s (its CE does not depend on the WBC)", r->o->model);
    else if (!isnan(r->o->wbc))
        cli_table_cell(t, "%s: CE median %s at WBC %s x10^9/L, here at WBC %g", r->o->model,
                       F(a, 3, p.ce.median), F(b, 1, p.ce_wbc_ref), r->o->wbc);
    else
        cli_table_cell(t, "%s: CE median at its reference WBC %s x10^9/L (--wbc to adjust)",
                       r->o->model, F(a, 1, p.ce_wbc_ref));
}

/* An adult's blood volume from weight alone above the weight the rule is trusted for. */
static int
weight_only_untrusted(const result *r)
{
    int nadler = !isnan(r->s.height_cm) && r->s.sex != PBSC_SEX_UNKNOWN;

    return !nadler && r->s.band == PBSC_BAND_ADULT &&
           r->s.weight_kg > PBSC_TBV_WEIGHT_ONLY_MAX_KG;
}

static void
text_inputs(cli_table *t, const result *r)
{
    const opts *o = r->o;
    char a[64], b[64];

    cli_table_cell(t, "PB CD34");
    if (o->cd34_unit == 0)
        cli_table_cell(t, "%s /uL", F(a, 1, r->s.cd34));
    else
        cli_table_cell(t, "%s /uL (%g %s)", F(a, 1, r->s.cd34), o->cd34,
                       cd34_unit_text[o->cd34_unit]);
    cli_table_cell(t, "weight");
    if (!isnan(o->weight_lb))
        cli_table_cell(t, "%s kg (%g lb)", F(a, 1, r->s.weight_kg), o->weight_lb);
    else
        cli_table_cell(t, "%s kg", F(a, 1, r->s.weight_kg));
    cli_table_cell(t, "recipient weight");
    cli_table_cell(t, "%s kg%s", F(a, 1, recipient_kg(r)),
                   isnan(r->s.recipient_kg) ? " (autologous)" : "");
    cli_table_cell(t, "blood volume");
    if (weight_only_untrusted(r))
        cli_table_cell(t, "%s L: 70 mL/kg from weight alone, not trusted above %g kg; give "
                          "--height and --sex",
                       F(a, 1, r->tbv_l), PBSC_TBV_WEIGHT_ONLY_MAX_KG);
    else
        cli_table_cell(t, "%s L", F(a, 1, r->tbv_l));
    if (r->projected) {
        cli_table_cell(t, "volume processed");
        cli_table_cell(t, "%s L (%s x TBV)", F(a, 1, r->volume_l), F(b, 2, r->tbv_multiple));
    }
    cli_table_cell(t, "CE model");
    cli_table_cell(t, "%s: median %s, sigma %s", r->ce->id, F(a, 3, r->ce->median),
                   F(b, 3, r->ce->sigma));
    if (r->model != NULL)
        text_model(t, r);
}

static void
text_projection(cli_table *t, const result *r)
{
    char a[64], b[64];

    if (!r->projected)
        return;
    cli_table_cell(t, "projected yield");
    cli_table_cell(t, "%s x10^6/kg (median)", F(a, 2, r->proj.median));
    cli_table_cell(t, "interval");
    cli_table_cell(t, "%s - %s (%g%%)", F(a, 2, r->proj.lower), F(b, 2, r->proj.upper),
                   100.0 * r->proj.level);
}

static void
text_goal(cli_table *t, const result *r)
{
    const opts *o = r->o;
    char a[64], b[64], c[64];

    if (r->target != NULL) {
        cli_table_cell(t, "target");
        cli_table_cell(t, "%s: minimum %s, goal %s", r->target->id, F(a, 2, r->target->minimum),
                       F(b, 2, r->target->goal));
    }
    if (isnan(r->goal))
        return;
    cli_table_cell(t, "goal");
    cli_table_cell(t, "%s x10^6/kg", F(a, 2, r->goal));
    if (r->projected) {
        cli_table_cell(t, "P(yield >= goal)");
        cli_table_cell(t, "%s", F(a, 3, r->proj.p_dose));
    }
    cli_table_cell(t, "volume for goal");
    if (isnan(r->vol_goal_median))
        cli_table_cell(t, "beyond one session at the median");
    else
        cli_table_cell(t, "%s L (%s x TBV) at the median", F(a, 1, r->vol_goal_median),
                       F(b, 2, r->vol_goal_median / r->tbv_l));
    cli_table_cell(t, "%s", "");
    if (isnan(r->vol_goal_p))
        cli_table_cell(t, "beyond one session at P %s", F(c, 3, o->probability));
    else
        cli_table_cell(t, "%s L (%s x TBV) at P %s", F(a, 1, r->vol_goal_p),
                       F(b, 2, r->vol_goal_p / r->tbv_l), F(c, 3, o->probability));
    if (r->have_sessions) {
        cli_table_cell(t, "sessions for goal");
        cli_table_cell(t, "%lu (at most %s L each) at P %s", (unsigned long)r->sessions,
                       F(a, 1, r->litres_per_session), F(b, 3, o->probability));
    }
    if (!r->feasible) {
        cli_table_cell(t, "goal unreachable");
        cli_table_cell(t, "%s", r->unreachable);
    }
}

int
yield_print_text(const result *r)
{
    cli_table *t = cli_table_new(2);

    if (t == NULL)
        return -1;
    text_inputs(t, r);
    text_projection(t, r);
    text_goal(t, r);
    return cli_table_emit(t, stdout);
}

/* ---- JSON -------------------------------------------------------------------------- */

static void
json_ce(cli_json *j, const pbsc_ce_model *ce)
{
    cli_json_begin_object(j, "ce_model");
    cli_json_string_member(j, "id", ce->id);
    cli_json_number_member(j, "median", ce->median);
    cli_json_number_member(j, "sigma", ce->sigma);
    cli_json_string_member(j, "source", ce->source);
    cli_json_end_object(j);
}

void
yield_print_json(const result *r)
{
    cli_json j;

    cli_json_init(&j, stdout);
    cli_json_begin_object(&j, NULL);
    cli_json_string_member(&j, "library_version", pbsc_version_string());
    json_ce(&j, r->ce);
    cli_json_string_member(&j, "model_file", r->model != NULL ? r->o->model : NULL);
    cli_json_number_member(&j, "cd34_per_ul", r->s.cd34);
    cli_json_number_member(&j, "weight_kg", r->s.weight_kg);
    cli_json_number_member(&j, "recipient_weight_kg", recipient_kg(r));
    cli_json_number_member(&j, "blood_volume_l", r->tbv_l);
    cli_json_bool_member(&j, "blood_volume_weight_only_untrusted", weight_only_untrusted(r));
    cli_json_number_member(&j, "volume_l", r->volume_l);
    cli_json_number_member(&j, "tbv_multiple", r->tbv_multiple);
    if (r->projected) {
        cli_json_begin_object(&j, "yield");
        cli_json_number_member(&j, "median", r->proj.median);
        cli_json_number_member(&j, "lower", r->proj.lower);
        cli_json_number_member(&j, "upper", r->proj.upper);
        cli_json_number_member(&j, "level", r->proj.level);
        cli_json_end_object(&j);
    } else {
        cli_json_null_member(&j, "yield");
    }
    cli_json_string_member(&j, "target", r->target != NULL ? r->target->id : NULL);
    cli_json_number_member(&j, "goal", r->goal);
    cli_json_number_member(&j, "probability_of_goal",
                           r->projected && !isnan(r->goal) ? r->proj.p_dose : DNAN);
    cli_json_number_member(&j, "volume_for_goal_median_l", r->vol_goal_median);
    cli_json_number_member(&j, "volume_for_goal_l", r->vol_goal_p);
    cli_json_number_member(&j, "volume_for_goal_probability",
                           isnan(r->goal) ? DNAN : r->o->probability);
    if (r->have_sessions)
        cli_json_size_member(&j, "sessions_for_goal", r->sessions);
    else
        cli_json_null_member(&j, "sessions_for_goal");
    if (isnan(r->goal))
        cli_json_null_member(&j, "feasible");
    else
        cli_json_bool_member(&j, "feasible", r->feasible);
    cli_json_number_member(&j, "litres_per_session", r->litres_per_session);
    cli_json_string_member(&j, "goal_unreachable_reason",
                           r->unreachable[0] != '\0' ? r->unreachable : NULL);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

/* ---- TSV --------------------------------------------------------------------------- */

static const char tsv_header[] =
    "library_version\tce_model_id\tce_model_median\tce_model_sigma\tce_model_source\t"
    "cd34_per_ul\tweight_kg\trecipient_weight_kg\tblood_volume_l\tvolume_l\ttbv_multiple\t"
    "yield_median\tyield_lower\tyield_upper\tyield_level\ttarget\tgoal\tprobability_of_goal\t"
    "volume_for_goal_median_l\tvolume_for_goal_l\tvolume_for_goal_probability\t"
    "sessions_for_goal\tlitres_per_session\tfeasible\tgoal_unreachable_reason\n";


void
yield_print_tsv(const result *r)
{
    int p = r->projected;

    fputs(tsv_header, stdout);
    cli_tsv_string(stdout, pbsc_version_string());
    fputc('\t', stdout);
    cli_tsv_string(stdout, r->ce->id);
    fputc('\t', stdout);
    cli_tsv_field(stdout, 3, r->ce->median, 0);
    cli_tsv_field(stdout, 3, r->ce->sigma, 0);
    cli_tsv_string(stdout, r->ce->source);
    fputc('\t', stdout);
    cli_tsv_field(stdout, 1, r->s.cd34, 0);
    cli_tsv_field(stdout, 1, r->s.weight_kg, 0);
    cli_tsv_field(stdout, 1, recipient_kg(r), 0);
    cli_tsv_field(stdout, 1, r->tbv_l, 0);
    cli_tsv_field(stdout, 1, r->volume_l, 0);
    cli_tsv_field(stdout, 2, r->tbv_multiple, 0);
    cli_tsv_field(stdout, 2, p ? r->proj.median : DNAN, 0);
    cli_tsv_field(stdout, 2, p ? r->proj.lower : DNAN, 0);
    cli_tsv_field(stdout, 2, p ? r->proj.upper : DNAN, 0);
    cli_tsv_field(stdout, 3, p ? r->proj.level : DNAN, 0);
    cli_tsv_string(stdout, r->target != NULL ? r->target->id : NULL);
    fputc('\t', stdout);
    cli_tsv_field(stdout, 2, r->goal, 0);
    cli_tsv_field(stdout, 3, p && !isnan(r->goal) ? r->proj.p_dose : DNAN, 0);
    cli_tsv_field(stdout, 1, r->vol_goal_median, 0);
    cli_tsv_field(stdout, 1, r->vol_goal_p, 0);
    cli_tsv_field(stdout, 3, isnan(r->goal) ? DNAN : r->o->probability, 0);
    if (r->have_sessions)
        printf("%lu", (unsigned long)r->sessions);
    fputc('\t', stdout);
    cli_tsv_field(stdout, 1, r->litres_per_session, 0);
    if (!isnan(r->goal))
        fputs(r->feasible ? "yes" : "no", stdout);
    fputc('\t', stdout);
    cli_tsv_string(stdout, r->unreachable[0] != '\0' ? r->unreachable : NULL);
    fputc('\n', stdout);
}


/* SPDX-License-Identifier: MIT */
/* pbsc-decide's JSON and TSV output, and --list-policies. */
#include <math.h>
#include <stdio.h>

#include <pbsc.h>

#include "cli.h"
#include "decide.h"

static const char *
basis_name(pbsc_dose_basis b)
{
    switch (b) {
    case PBSC_DOSE_PER_KG:
        return "per-kg";
    case PBSC_DOSE_FIXED:
        return "fixed";
    case PBSC_DOSE_RENAL_PER_KG:
        return "renal-per-kg";
    case PBSC_DOSE_RENAL_FIXED:
        return "renal-fixed";
    case PBSC_DOSE_CAPPED:
        return "capped";
    case PBSC_DOSE_NONE:
    default:
        return "none";
    }
}

static const char *
band_name(pbsc_band b)
{
    switch (b) {
    case PBSC_BAND_ADULT:
        return "adult";
    case PBSC_BAND_CHILD:
        return "child";
    case PBSC_BAND_NEONATE:
        return "neonate";
    case PBSC_BAND_NADLER:
        return "nadler";
    case PBSC_BAND_AUTO:
    default:
        return "unknown";
    }
}

/* ---- JSON -------------------------------------------------------------------------- */

static void
json_tonight(cli_json *j, const pbsc_dose *t)
{
    if (t->drug == PBSC_DRUG_NONE) {
        cli_json_null_member(j, "tonight");
        return;
    }
    cli_json_begin_object(j, "tonight");
    cli_json_string_member(j, "drug", pbsc_drug_name(t->drug));
    cli_json_number_member(j, "mg", t->mg);
    cli_json_number_member(j, "dose_number", (double)t->number);
    cli_json_number_member(j, "apheresis_day", (double)t->apheresis_day);
    cli_json_bool_member(j, "salvage", t->salvage);
    cli_json_string_member(j, "basis", basis_name(t->basis));
    cli_json_end_object(j);
}

static void
json_projection(cli_json *j, const pbsc_decision *f)
{
    const pbsc_projection *p = &f->projection;

    if (f->action != PBSC_ACTION_COLLECT || isnan(p->median)) {
        cli_json_null_member(j, "projection");
        return;
    }
    cli_json_begin_object(j, "projection");
    cli_json_number_member(j, "median", p->median);
    cli_json_number_member(j, "lower", p->lower);
    cli_json_number_member(j, "upper", p->upper);
    cli_json_number_member(j, "level", p->level);
    cli_json_number_member(j, "dose", p->dose);
    cli_json_number_member(j, "probability_of_dose", p->p_dose);
    cli_json_number_member(j, "volume_l", p->volume_l);
    cli_json_number_member(j, "tbv_l", p->tbv_l);
    cli_json_number_member(j, "sigma", p->sigma);
    cli_json_end_object(j);
}

/* One decision point: "decision", and each day's "morning" and "evening". */
static void
json_point(cli_json *j, const char *key, const pbsc_decision *f)
{
    unsigned bit;

    cli_json_begin_object(j, key);
    cli_json_number_member(j, "day", (double)f->day);
    cli_json_string_member(j, "moment", pbsc_moment_name(f->moment));
    cli_json_string_member(j, "action", pbsc_action_name(f->action));
    cli_json_string_member(j, "rule", f->rule);
    cli_json_string_member(j, "reason", f->reason);
    cli_json_number_member(j, "decided_day", (double)f->decided_day);
    cli_json_string_member(j, "decided_moment", pbsc_moment_name(f->decided_moment));
    json_tonight(j, &f->tonight);
    cli_json_number_member(j, "cd34", f->cd34);
    cli_json_number_member(j, "wbc", f->wbc);
    cli_json_number_member(j, "threshold", f->threshold);
    cli_json_number_member(j, "goal", f->goal);
    cli_json_number_member(j, "minimum", f->minimum);
    cli_json_number_member(j, "collected", f->collected);
    cli_json_number_member(j, "remaining", f->remaining);
    cli_json_size_member(j, "aphereses", f->aphereses);
    cli_json_size_member(j, "plerixafor_doses", f->plerixafor_doses);
    cli_json_number_member(j, "volume_l", f->action == PBSC_ACTION_COLLECT ? f->volume_l : DNAN);
    json_projection(j, f);
    cli_json_number_member(j, "p_goal_without", f->p_goal_without);
    cli_json_number_member(j, "p_goal_with", f->p_goal_with);
    cli_json_begin_array(j, "warnings");
    for (bit = 1; bit != 0; bit <<= 1)
        if (f->warnings & bit)
            cli_json_string_member(j, NULL, pbsc_warning_name(bit));
    cli_json_end_array(j);
    cli_json_string_member(j, "blood_volume", band_name(f->blood_volume));
    cli_json_number_member(j, "tbv_l", f->tbv_l);
    cli_json_string_member(j, "policy_id", f->policy_id);
    cli_json_string_member(j, "policy_version", f->policy_version);
    cli_json_string_member(j, "policy_hash", f->policy_hash);
    cli_json_string_member(j, "library_version", f->library_version);
    cli_json_string_member(j, "model_id", f->model_id);
    cli_json_string_member(j, "model_version", f->model_version);
    cli_json_string_member(j, "model_hash", f->model_hash);
    cli_json_bool_member(j, "model_fitted", f->model_fitted);
    cli_json_string_member(j, "ce_id", f->ce_id);
    cli_json_number_member(j, "ce_median", f->ce_median);
    cli_json_number_member(j, "ce_sigma", f->ce_sigma);
    cli_json_end_object(j);
}

static void
json_recorded(cli_json *j, const row *w)
{
    size_t k;

    cli_json_begin_object(j, "recorded");
    for (k = COL_CD34; k < NCOLS; k++)
        cli_json_number_member(j, columns[k], w->v[k]);
    cli_json_end_object(j);
}

static void
json_days(cli_json *j, const result *r)
{
    size_t i, k = 0;

    cli_json_begin_array(j, "days");
    for (i = 0; i < r->shown; i++) {
        const row *w = &r->rows[i];

        cli_json_begin_object(j, NULL);
        cli_json_number_member(j, "day", (double)w->day);
        json_recorded(j, w);
        if (k < r->npoints && r->points[k].day == w->day && r->points[k].moment == PBSC_MORNING)
            json_point(j, "morning", &r->points[k++]);
        else
            cli_json_null_member(j, "morning");
        if (k < r->npoints && r->points[k].day == w->day && r->points[k].moment == PBSC_EVENING)
            json_point(j, "evening", &r->points[k++]);
        else
            cli_json_null_member(j, "evening");
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void
json_scope(cli_json *j, unsigned scope)
{
    cli_json_begin_array(j, "scope");
    if (scope & PBSC_SCOPE_AUTOLOGOUS)
        cli_json_string_member(j, NULL, "autologous");
    if (scope & PBSC_SCOPE_DONOR)
        cli_json_string_member(j, NULL, "donor");
    cli_json_end_array(j);
}

/* The diagnoses a policy covers: null for any, else their pbsc_diagnosis_name()s. */
static void
json_diagnoses(cli_json *j, unsigned bits)
{
    int d;

    if (bits == 0) {
        cli_json_null_member(j, "diagnoses");
        return;
    }
    cli_json_begin_array(j, "diagnoses");
    for (d = 1; d < PBSC_DX_COUNT; d++)
        if (bits & (1u << d))
            cli_json_string_member(j, NULL, pbsc_diagnosis_name((pbsc_diagnosis)d));
    cli_json_end_array(j);
}

static void
json_regimens(cli_json *j, unsigned bits)
{
    size_t i;

    cli_json_begin_array(j, "regimens");
    for (i = 0; pbsc_regimen_name((pbsc_regimen)i) != NULL; i++)
        if (bits & (1u << i))
            cli_json_string_member(j, NULL, pbsc_regimen_name((pbsc_regimen)i));
    cli_json_end_array(j);
}

static void
json_policy(cli_json *j, const pbsc_policy_info *info)
{
    cli_json_string_member(j, "id", info->id);
    cli_json_string_member(j, "version", info->version);
    cli_json_string_member(j, "name", info->name);
    cli_json_string_member(j, "source", info->source);
    cli_json_string_member(j, "provenance", info->provenance);
    json_scope(j, info->scope);
    json_diagnoses(j, info->diagnoses);
    json_regimens(j, info->regimens);
    cli_json_bool_member(j, "model_based", info->model_based);
}

static void
json_person(cli_json *j, const result *r)
{
    const opts *o = r->o;

    cli_json_begin_object(j, "person");
    cli_json_number_member(j, "weight_kg", r->weight_kg);
    cli_json_number_member(j, "weight_lb", o->weight_lb);
    cli_json_number_member(j, "height_cm", o->height);
    if (o->sex == PBSC_SEX_UNKNOWN)
        cli_json_null_member(j, "sex");
    else
        cli_json_string_member(j, "sex", o->sex == PBSC_SEX_MALE ? "m" : "f");
    cli_json_number_member(j, "age_years", o->age);
    cli_json_number_member(j, "crcl_ml_min", o->crcl);
    cli_json_number_member(j, "recipient_kg", o->recipient);
    cli_json_bool_member(j, "donor", pbsc_course_donor(r->course));
    if (o->diagnosis == PBSC_DX_UNKNOWN)
        cli_json_null_member(j, "diagnosis");
    else
        cli_json_string_member(j, "diagnosis", pbsc_diagnosis_name(o->diagnosis));
    cli_json_number_member(j, "transplants", o->transplants > 0 ? (double)o->transplants : DNAN);
    cli_json_end_object(j);
}

void
print_json(const result *r)
{
    cli_json j;

    cli_json_init(&j, stdout);
    cli_json_begin_object(&j, NULL);
    cli_json_string_member(&j, "library_version", pbsc_version_string());
    cli_json_begin_object(&j, "policy");
    json_policy(&j, &r->info);
    cli_json_end_object(&j);
    cli_json_string_member(&j, "model_file", r->o->model);
    cli_json_string_member(&j, "regimen", pbsc_regimen_name(r->o->regimen));
    json_person(&j, r);
    cli_json_number_member(&j, "goal", r->final->goal);
    cli_json_number_member(&j, "minimum", r->final->minimum);
    json_point(&j, "decision", r->final);
    json_days(&j, r);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

/* ---- TSV --------------------------------------------------------------------------- */

/* A measurement as given, or an empty field when not measured. */
static void
tsv_g(double v)
{
    if (!isnan(v))
        printf("%g", v);
    fputc('\t', stdout);
}

void
print_tsv(const result *r)
{
    static const size_t shown[] = {COL_CD34,       COL_WBC,           COL_PLT,       COL_HCT,
                                   COL_PLERIXAFOR, COL_MOTIXAFORTIDE, COL_PROCESSED, COL_COLLECTED};
    size_t i, k;

    fputs("day\tmoment", stdout);
    for (k = 0; k < sizeof shown / sizeof shown[0]; k++)
        printf("\trecorded_%s", columns[shown[k]]);
    fputs("\tadvice_action\tadvice_rule\tadvice_tonight_drug\tadvice_tonight_mg"
          "\tadvice_tonight_dose_number\tadvice_tonight_apheresis_day\n",
          stdout);
    for (i = 0; i < r->npoints; i++) {
        const pbsc_decision *p = &r->points[i];
        const pbsc_dose *t = &p->tonight;

        printf("%ld\t%s\t", p->day, pbsc_moment_name(p->moment));
        for (k = 0; k < sizeof shown / sizeof shown[0]; k++)
            tsv_g(fact(r, i, shown[k]));
        printf("%s\t", pbsc_action_name(p->action));
        cli_tsv_string(stdout, p->rule);
        if (t->drug == PBSC_DRUG_NONE) {
            fputs("\t\t\t\t\n", stdout);
        } else {
            printf("\t%s\t", pbsc_drug_name(t->drug));
            cli_tsv_number(stdout, 2, t->mg);
            printf("\t%d\t%ld\n", t->number, t->apheresis_day);
        }
    }
}

/* ---- --list-policies --------------------------------------------------------------- */

static void
scope_text(unsigned scope, char *buf, size_t size)
{
    snprintf(buf, size, "%s%s%s", scope & PBSC_SCOPE_AUTOLOGOUS ? "autologous" : "",
             (scope & PBSC_SCOPE_AUTOLOGOUS) && (scope & PBSC_SCOPE_DONOR) ? ", " : "",
             scope & PBSC_SCOPE_DONOR ? "donor" : "");
}

/* "any", or the diagnoses covered: "MM, AL". */
static void
diagnoses_text(unsigned bits, char *buf, size_t size)
{
    size_t used = 0;
    int d, n;

    snprintf(buf, size, "any");
    for (d = 1; d < PBSC_DX_COUNT && bits != 0 && used < size; d++) {
        if (!(bits & (1u << d)))
            continue;
        n = snprintf(buf + used, size - used, "%s%s", used > 0 ? ", " : "",
                     pbsc_diagnosis_name((pbsc_diagnosis)d));
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static void
regimens_text(unsigned bits, char *buf, size_t size)
{
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; pbsc_regimen_name((pbsc_regimen)i) != NULL && used < size; i++) {
        int n;

        if (!(bits & (1u << i)))
            continue;
        n = snprintf(buf + used, size - used, "%s%s", used > 0 ? ", " : "",
                     pbsc_regimen_name((pbsc_regimen)i));
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

static void
list_text(void)
{
    size_t i;

    for (i = 0; i < pbsc_policy_count(); i++) {
        pbsc_policy_info info;
        char scope[64], dxs[64], regs[64];

        pbsc_policy_info_init(&info);
        pbsc_policy_info_get(pbsc_policy_get(i), &info);
        scope_text(info.scope, scope, sizeof scope);
        diagnoses_text(info.diagnoses, dxs, sizeof dxs);
        regimens_text(info.regimens, regs, sizeof regs);
        printf("%s%s (version %s)\n", i > 0 ? "\n" : "", info.id, info.version);
        printf("  name        %s\n", info.name);
        printf("  scope       %s; diagnoses %s; regimens %s; %s\n", scope, dxs, regs,
               info.model_based ? "model-based" : "published rules");
        printf("  source      %s\n", info.source);
        printf("  provenance  %s\n", info.provenance);
    }
}

static void
list_json(void)
{
    cli_json j;
    size_t i;

    cli_json_init(&j, stdout);
    cli_json_begin_object(&j, NULL);
    cli_json_string_member(&j, "library_version", pbsc_version_string());
    cli_json_begin_array(&j, "policies");
    for (i = 0; i < pbsc_policy_count(); i++) {
        pbsc_policy_info info;

        pbsc_policy_info_init(&info);
        pbsc_policy_info_get(pbsc_policy_get(i), &info);
        cli_json_begin_object(&j, NULL);
        json_policy(&j, &info);
        cli_json_end_object(&j);
    }
    cli_json_end_array(&j);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

static void
list_tsv(void)
{
    size_t i;

    fputs("id\tversion\tname\tsource\tprovenance\tscope\tdiagnoses\tregimens\tmodel_based\n",
          stdout);
    for (i = 0; i < pbsc_policy_count(); i++) {
        pbsc_policy_info info;
        char scope[64], dxs[64], regs[64];
        const char *f[8];
        size_t k;

        pbsc_policy_info_init(&info);
        pbsc_policy_info_get(pbsc_policy_get(i), &info);
        scope_text(info.scope, scope, sizeof scope);
        diagnoses_text(info.diagnoses, dxs, sizeof dxs);
        regimens_text(info.regimens, regs, sizeof regs);
        f[0] = info.id;
        f[1] = info.version;
        f[2] = info.name;
        f[3] = info.source;
        f[4] = info.provenance;
        f[5] = scope;
        f[6] = dxs;
        f[7] = regs;
        for (k = 0; k < 8; k++) {
            cli_tsv_string(stdout, f[k]);
            fputc('\t', stdout);
        }
        printf("%s\n", info.model_based ? "yes" : "no");
    }
}

int
list_policies(const opts *o)
{
    if (o->format == CLI_FORMAT_JSON)
        list_json();
    else if (o->format == CLI_FORMAT_TSV)
        list_tsv();
    else
        list_text();
    return cli_finish(prog, CLI_EXIT_OK);
}

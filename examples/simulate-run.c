/* SPDX-License-Identifier: MIT */
/* pbsc-simulate: the policies run on the virtual population, and their outcome table. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "simulate.h"

/* What a run holds: the policies (presets borrowed, files owned), the model, the results. */
typedef struct run {
    const pbsc_policy *policies[SIM_MAX_POLICIES + 16];
    pbsc_policy *owned[SIM_MAX_POLICIES + 16];
    size_t n;
    pbsc_model *model;
    pbsc_sim_params params;
    pbsc_sim_result results[SIM_MAX_POLICIES + 16];
} run;

/* Why `all` leaves a preset out: 0 it applies, else the first reason of LEFT_*. */
enum { LEFT_SCOPE = 1, LEFT_REGIMEN, LEFT_DIAGNOSIS, LEFT_N };

static int
left_out(const pbsc_policy *p, const sim_opts *o)
{
    pbsc_policy_info info;

    pbsc_policy_info_init(&info);
    if (pbsc_policy_info_get(p, &info) != PBSC_OK || !(info.scope & PBSC_SCOPE_AUTOLOGOUS))
        return LEFT_SCOPE; /* the virtual patients are autologous */
    if (!(info.regimens & (1u << o->regimen)))
        return LEFT_REGIMEN;
    /* a diagnosis not given: a scoped preset runs, and warns */
    if (info.diagnoses != 0 && o->diagnosis != PBSC_DX_UNKNOWN &&
        !(info.diagnoses & (1u << o->diagnosis)))
        return LEFT_DIAGNOSIS;
    return 0;
}

/* One line on standard error per reason: the presets `all` left out. */
static void
say_left_out(const char *prog, const sim_opts *o, const int *why, size_t n)
{
    pbsc_policy_info info;
    size_t i;
    int k;

    for (k = LEFT_SCOPE; k < LEFT_N; k++) {
        const char *sep = "";
        for (i = 0; i < n; i++) {
            if (why[i] != k)
                continue;
            if (*sep == '\0' && k == LEFT_SCOPE)
                fprintf(stderr, "%s: left out (scope): ", prog);
            else if (*sep == '\0' && k == LEFT_REGIMEN)
                fprintf(stderr, "%s: left out (regimen %s): ", prog,
                        pbsc_regimen_name(o->regimen));
            else if (*sep == '\0')
                fprintf(stderr, "%s: left out (diagnosis %s): ", prog,
                        pbsc_diagnosis_name(o->diagnosis));
            pbsc_policy_info_init(&info);
            pbsc_policy_info_get(pbsc_policy_get(i), &info);
            fprintf(stderr, "%s%s", sep, info.id);
            sep = ", ";
        }
        if (*sep != '\0')
            fputc('\n', stderr);
    }
}

/* `all`: the presets that apply to the virtual patients, the regimen and the diagnosis. */
static int
add_all(const char *prog, const sim_opts *o, run *r)
{
    int why[SIM_MAX_POLICIES + 16];
    size_t i, n = pbsc_policy_count();

    if (n > sizeof why / sizeof why[0])
        return cli_usage_error(prog, "--policy: too many policies");
    for (i = 0; i < n; i++) {
        if ((why[i] = left_out(pbsc_policy_get(i), o)) != 0)
            continue;
        if (r->n == sizeof r->policies / sizeof r->policies[0])
            return cli_usage_error(prog, "--policy: too many policies");
        r->policies[r->n++] = pbsc_policy_get(i);
    }
    say_left_out(prog, o, why, n);
    return CLI_EXIT_OK;
}

static int
add_policy(const char *prog, const sim_opts *o, run *r, const char *name)
{
    pbsc_diag d;
    int rc;

    if (strcmp(name, "all") == 0)
        return add_all(prog, o, r);
    if (r->n == sizeof r->policies / sizeof r->policies[0])
        return cli_usage_error(prog, "--policy: too many policies");
    if (pbsc_policy_find(name, &r->policies[r->n], NULL) == PBSC_OK) {
        r->n++;
        return CLI_EXIT_OK;
    }
    pbsc_diag_clear(&d);
    rc = pbsc_policy_read(name, &r->owned[r->n], &d);
    if (rc == PBSC_E_IO || (rc != PBSC_OK && strcmp(d.field, "path") == 0))
        return cli_input_error(prog, "--policy: '%s' is neither a preset nor a file (%s)", name,
                               d.text);
    if (rc != PBSC_OK) {
        fprintf(stderr, "%s: %s:%ld: ", prog, name, d.line);
        cli_field_text(stderr, NULL, d.field, d.text[0] != '\0' ? d.text : pbsc_strerror(rc));
        fputc('\n', stderr);
        return CLI_EXIT_INPUT;
    }
    r->policies[r->n] = r->owned[r->n];
    r->n++;
    return CLI_EXIT_OK;
}

static int
load_policies(const char *prog, const sim_opts *o, run *r)
{
    size_t i;
    int rc;

    if (o->npolicies == 0 && (rc = add_policy(prog, o, r, "all")) != CLI_EXIT_OK)
        return rc;
    for (i = 0; i < o->npolicies; i++)
        if ((rc = add_policy(prog, o, r, o->policies[i])) != CLI_EXIT_OK)
            return rc;
    return CLI_EXIT_OK;
}

/* The goal and the minimum: --target's (auto5 unless given), then --goal / --minimum. */
static int
goal_and_minimum(const char *prog, const sim_opts *o, pbsc_sim_params *p)
{
    const pbsc_target *t;
    pbsc_diag d;

    pbsc_diag_clear(&d);
    if (pbsc_target_find(o->target != NULL ? o->target : "auto5", &t, &d) != PBSC_OK)
        return cli_input_error(prog, "--target: %s", d.text);
    p->goal = isnan(o->goal) ? t->goal : o->goal;
    p->minimum = isnan(o->minimum) ? t->minimum : o->minimum;
    return CLI_EXIT_OK;
}

/* ---- output ---------------------------------------------------------------------------- */

static double
pct(double share)
{
    return 100.0 * share;
}

static void
print_header(const run *r, const pbsc_population *pop)
{
    pbsc_model_info mi;

    pbsc_model_info_init(&mi);
    pbsc_model_info_get(r->model, &mi);
    printf("libpbsc %s: %zu virtual patients, seed %lu, regimen %s, goal %g, minimum %g\n",
           pbsc_version_string(), r->params.patients, r->params.seed,
           pbsc_regimen_name(r->params.regimen), r->params.goal, r->params.minimum);
    if (r->params.diagnosis != PBSC_DX_UNKNOWN || r->params.transplants > 0)
        printf("every patient: diagnosis %s; transplants planned %s; creatinine clearance "
               "not given\n",
               r->params.diagnosis == PBSC_DX_UNKNOWN ? "not given"
                                                      : pbsc_diagnosis_name(r->params.diagnosis),
               r->params.transplants == 0 ? "not given" : r->params.transplants == 1 ? "1" : "2");
    printf("population %s; decision model %s (%s)\nThe same patients under every policy.\n\n",
           pbsc_population_hash(pop), mi.id, mi.hash);
}

static int
print_text(const run *r, const pbsc_population *pop)
{
    cli_table *t = cli_table_new(10), *e = cli_table_new(1 + PBSC_END_COUNT_);
    size_t i, k;
    int ok;

    if (t == NULL || e == NULL) {
        cli_table_free(t);
        cli_table_free(e);
        return -1;
    }
    cli_table_cell(t, "policy");
    cli_table_cell(t, "goal %%");
    cli_table_cell(t, "minimum %%");
    cli_table_cell(t, "failure %%");
    cli_table_cell(t, "outside %%");
    cli_table_cell(t, "plerixafor %%");
    cli_table_cell(t, "doses/pt");
    cli_table_cell(t, "aphereses/pt");
    cli_table_cell(t, "days");
    cli_table_cell(t, "collected");
    cli_table_cell(e, "policy");
    for (k = 0; k < PBSC_END_COUNT_; k++)
        cli_table_cell(e, "%s", pbsc_end_name((pbsc_end)k));
    for (i = 0; i < r->n; i++) {
        const pbsc_sim_result *s = &r->results[i];
        cli_table_cell(t, "%s", s->policy_id);
        cli_table_cell(t, "%.1f (%.1f)", pct(s->goal_reached), pct(s->goal_reached_se));
        cli_table_cell(t, "%.1f (%.1f)", pct(s->minimum_reached), pct(s->minimum_reached_se));
        cli_table_cell(t, "%.1f (%.1f)", pct(s->failure), pct(s->failure_se));
        cli_table_cell(t, "%.1f (%.1f)", pct(s->outside_policy), pct(s->outside_policy_se));
        cli_table_cell(t, "%.1f (%.1f)", pct(s->plerixafor_share), pct(s->plerixafor_share_se));
        cli_table_cell(t, "%.2f (%.2f)", s->doses_per_patient, s->doses_per_patient_se);
        cli_table_cell(t, "%.2f (%.2f)", s->aphereses_per_patient, s->aphereses_per_patient_se);
        cli_table_cell(t, "%.1f (%.1f)", s->days, s->days_se);
        cli_table_cell(t, "%.2f (%.2f)", s->collected, s->collected_se);
        cli_table_cell(e, "%s", s->policy_id);
        for (k = 0; k < PBSC_END_COUNT_; k++)
            cli_table_cell(e, "%zu", s->ends[k]);
    }
    ok = cli_table_ok(t) && cli_table_ok(e);
    if (ok) {
        print_header(r, pop);
        printf("Outcomes, share of patients or mean per patient (standard error):\n");
        cli_table_print(t, stdout);
        printf("\nHow the courses ended (patients):\n");
        cli_table_print(e, stdout);
    }
    cli_table_free(t);
    cli_table_free(e);
    return ok ? 0 : -1;
}

/* The outcome fields in the order every format writes them. */
#define NFIELDS 9
static void
fields(const pbsc_sim_result *s, const char *names[NFIELDS], double v[NFIELDS],
       double se[NFIELDS])
{
    static const char *const n[NFIELDS] = {
        "goal_reached",       "minimum_reached",   "failure",
        "outside_policy",     "plerixafor_share",  "doses_per_patient",
        "aphereses_per_patient", "days",           "collected"};
    const double a[NFIELDS] = {s->goal_reached,     s->minimum_reached,  s->failure,
                               s->outside_policy,   s->plerixafor_share, s->doses_per_patient,
                               s->aphereses_per_patient, s->days,        s->collected};
    const double b[NFIELDS] = {s->goal_reached_se,     s->minimum_reached_se,
                               s->failure_se,          s->outside_policy_se,
                               s->plerixafor_share_se, s->doses_per_patient_se,
                               s->aphereses_per_patient_se, s->days_se, s->collected_se};
    int i;

    for (i = 0; i < NFIELDS; i++)
        names[i] = n[i], v[i] = a[i], se[i] = b[i];
}

static void
print_json(const run *r, const pbsc_population *pop)
{
    pbsc_model_info mi;
    cli_json j;
    size_t i, k;
    int f;

    pbsc_model_info_init(&mi);
    pbsc_model_info_get(r->model, &mi);
    cli_json_init(&j, stdout);
    cli_json_begin_object(&j, NULL);
    cli_json_string_member(&j, "library_version", pbsc_version_string());
    cli_json_size_member(&j, "patients", r->params.patients);
    cli_json_number_member(&j, "seed", (double)r->params.seed);
    cli_json_string_member(&j, "regimen", pbsc_regimen_name(r->params.regimen));
    cli_json_number_member(&j, "goal", r->params.goal);
    cli_json_number_member(&j, "minimum", r->params.minimum);
    if (r->params.diagnosis == PBSC_DX_UNKNOWN)
        cli_json_null_member(&j, "diagnosis");
    else
        cli_json_string_member(&j, "diagnosis", pbsc_diagnosis_name(r->params.diagnosis));
    if (r->params.transplants == 0)
        cli_json_null_member(&j, "transplants");
    else
        cli_json_number_member(&j, "transplants", (double)r->params.transplants);
    cli_json_string_member(&j, "population_hash", pbsc_population_hash(pop));
    cli_json_string_member(&j, "model_id", mi.id);
    cli_json_string_member(&j, "model_hash", mi.hash);
    cli_json_begin_array(&j, "policies");
    for (i = 0; i < r->n; i++) {
        const pbsc_sim_result *s = &r->results[i];
        const char *names[NFIELDS];
        double v[NFIELDS], se[NFIELDS];
        char key[64];
        fields(s, names, v, se);
        cli_json_begin_object(&j, NULL);
        cli_json_string_member(&j, "policy", s->policy_id);
        cli_json_string_member(&j, "policy_hash", s->policy_hash);
        cli_json_size_member(&j, "patients", s->patients);
        for (f = 0; f < NFIELDS; f++) {
            snprintf(key, sizeof key, "%s_se", names[f]);
            cli_json_number_member(&j, names[f], v[f]);
            cli_json_number_member(&j, key, se[f]);
        }
        cli_json_begin_object(&j, "ends");
        for (k = 0; k < PBSC_END_COUNT_; k++)
            cli_json_size_member(&j, pbsc_end_name((pbsc_end)k), s->ends[k]);
        cli_json_end_object(&j);
        cli_json_size_member(&j, "decisions", s->decisions);
        cli_json_end_object(&j);
    }
    cli_json_end_array(&j);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

static void
print_tsv(const run *r)
{
    const char *names[NFIELDS];
    double v[NFIELDS], se[NFIELDS];
    size_t i, k;
    int f;

    fields(&r->results[0], names, v, se);
    printf("policy\tpatients");
    for (f = 0; f < NFIELDS; f++)
        printf("\t%s\t%s_se", names[f], names[f]);
    for (k = 0; k < PBSC_END_COUNT_; k++)
        printf("\t%s", pbsc_end_name((pbsc_end)k));
    printf("\n");
    for (i = 0; i < r->n; i++) {
        fields(&r->results[i], names, v, se);
        cli_tsv_string(stdout, r->results[i].policy_id);
        printf("\t%zu", r->results[i].patients);
        for (f = 0; f < NFIELDS; f++) {
            printf("\t");
            cli_tsv_number(stdout, 6, v[f]);
            printf("\t");
            cli_tsv_number(stdout, 6, se[f]);
        }
        for (k = 0; k < PBSC_END_COUNT_; k++)
            printf("\t%zu", r->results[i].ends[k]);
        printf("\n");
    }
}

static int
simulate(const char *prog, const sim_opts *o, run *r, const pbsc_population *pop)
{
    pbsc_diag d;
    size_t i;
    int rc;

    if ((rc = load_policies(prog, o, r)) != CLI_EXIT_OK)
        return rc;
    if (o->model != NULL && (rc = cli_model_read(prog, o->model, &r->model)) != CLI_EXIT_OK)
        return rc;
    if (o->model == NULL && pbsc_model_new(&r->model, NULL) != PBSC_OK)
        return cli_input_error(prog, "out of memory");
    pbsc_sim_params_init(&r->params);
    if ((rc = goal_and_minimum(prog, o, &r->params)) != CLI_EXIT_OK)
        return rc;
    r->params.patients = o->patients > 0 ? o->patients : 1000;
    r->params.seed = o->seed;
    r->params.threads = o->threads;
    r->params.regimen = o->regimen;
    r->params.verify = o->verify;
    r->params.diagnosis = o->diagnosis;
    r->params.transplants = o->transplants;
    for (i = 0; i < r->n; i++)
        pbsc_sim_result_init(&r->results[i]);
    pbsc_diag_clear(&d);
    rc = pbsc_simulate(r->policies, r->n, r->model, pop, &r->params, r->results, &d);
    if (rc != PBSC_OK)
        return cli_diag_error(prog, rc, &d);
    if (o->format == CLI_FORMAT_JSON)
        print_json(r, pop);
    else if (o->format == CLI_FORMAT_TSV)
        print_tsv(r);
    else if (print_text(r, pop) != 0)
        return cli_input_error(prog, "out of memory");
    return CLI_EXIT_OK;
}

int
sim_run(const char *prog, const sim_opts *o, const pbsc_population *pop)
{
    run *r = calloc(1, sizeof *r);
    size_t i;
    int rc;

    if (r == NULL)
        return cli_input_error(prog, "out of memory");
    rc = simulate(prog, o, r, pop);
    for (i = 0; i < sizeof r->owned / sizeof r->owned[0]; i++)
        pbsc_policy_free(r->owned[i]);
    pbsc_model_free(r->model);
    free(r);
    return rc;
}

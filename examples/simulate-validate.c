/* SPDX-License-Identifier: MIT */
/* pbsc-simulate --validate: the default decision model and the population against every
 * published figure of the natural history and of yield prediction they can be compared
 * with, each with its source and the gap. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "simulate.h"

/* One published figure: a value (lo == hi) or a range, and what the simulation gives. */
typedef struct figure {
    const char *what;
    double predicted;
    double lo, hi;
    const char *role; /* fitted, input (a parameter set from it), out of sample */
    const char *source;
} figure;

#define GERTZ "Gertz MA et al., BMT 2010;45:1396 (1,775 mobilizations)"
#define GIDRON "Gidron A et al., BMT 2005;35:243 (415 collections)"
#define MEHTA "Mehta J et al., BMT 2001;28:597 (177 large-volume collections)"
#define HUMPE "Humpe A et al., Transfusion 2000;40:1363 (105 autologous)"

/* The gap: predicted - published, or the distance outside a published range (0 inside). */
static double
gap(const figure *f)
{
    if (f->predicted < f->lo)
        return f->predicted - f->lo;
    if (f->predicted > f->hi)
        return f->predicted - f->hi;
    return 0.0;
}

/* The decision model's log-log slope of the projected yield on the count, 10 to 40/uL. */
static double
model_slope(void)
{
    pbsc_model *m = NULL;
    pbsc_ce_model ce;
    pbsc_session s;
    pbsc_projection p10, p40;
    double slope = (double)NAN;

    if (pbsc_model_new(&m, NULL) != PBSC_OK)
        return slope;
    pbsc_session_init(&s);
    s.weight_kg = 70.0;
    s.volume_l = 15.0;
    s.cd34 = 10.0;
    if (pbsc_model_ce(m, (double)NAN, (double)NAN, &ce, NULL) == PBSC_OK &&
        pbsc_yield_project(&s, &ce, 0.9, (double)NAN, &p10, NULL) == PBSC_OK) {
        s.cd34 = 40.0;
        if (pbsc_yield_project(&s, &ce, 0.9, (double)NAN, &p40, NULL) == PBSC_OK)
            slope = log(p40.median / p10.median) / log(4.0);
    }
    pbsc_model_free(m);
    return slope;
}

static size_t
figures(const pbsc_natural *n, figure *f)
{
    const figure all[] = {
        {"G-CSF alone: >= 5 x10^6/kg, %", 100 * n->optimal, 53, 53, "fitted", GERTZ},
        {"G-CSF alone: 2-5 x10^6/kg, %", 100 * n->low, 25, 25, "fitted", GERTZ},
        {"G-CSF alone: < 2 x10^6/kg, %", 100 * n->poor, 10, 10, "fitted", GERTZ},
        {"G-CSF alone: never 10/uL, no harvest, %", 100 * n->failed, 12, 12, "fitted", GERTZ},
        {"poor or failed to mobilize, %", 100 * (n->poor + n->failed), 22, 22, "fitted", GERTZ},
        {"mobilization failure, G-CSF +/- chemo, %", 100 * (n->poor + n->failed), 10, 40,
         "fitted", "Han & Xu, Chin J Tissue Eng Res 2025;29(36):7863 (review)"},
        {"median pre-apheresis count, /uL", n->precount_median, 19, 19, "structure",
         GIDRON},
        {"median pre-apheresis count, /uL", n->precount_median, 21, 21, "structure",
         MEHTA},
        {"... first sessions only, /uL", n->first_precount_median, 19, 19, "structure",
         GIDRON},
        {"... first sessions only, /uL", n->first_precount_median, 21, 21, "structure",
         MEHTA},
        {"median CE2, %", 100 * n->ce2_median, 46, 46, "input", GIDRON},
        {"log-log slope, product on pre-count", n->loglog_slope, 0.8595, 0.8595, "input",
         HUMPE},
        {"decision model: log-log slope, 10-40/uL", model_slope(), 0.8595, 0.8595,
         "out of sample", HUMPE},
        {"r, product with pre-count x volume", n->r_linear, 0.76, 0.95, "out of sample",
         "Pierelli, Vox Sang 2006 (0.85); 5-centre validation (0.76); Humpe 2000 "
         "(0.90/0.83); PMID 33694175 (0.95)"},
        {"day-5 / day-4 count, median", n->day45_ratio, 128.0 / 60.7, 128.0 / 60.7, "input",
         "Transfus Med 1997;7:19 (healthy donors, 60.7 and 128/uL)"},
    };
    memcpy(f, all, sizeof all);
    return sizeof all / sizeof all[0];
}

static void
print_text(const pbsc_natural *n, const figure *f, size_t count, const pbsc_population *pop,
           unsigned long seed)
{
    size_t i;

    printf("libpbsc %s: validation of the default decision model and population %s\n"
           "%zu virtual patients, seed %lu, %zu aphereses under the natural-history protocol\n"
           "(G-CSF alone; 3 x TBV daily from day 5 once the count reached 10/uL, until 5\n"
           "x10^6/kg or day 8). fitted: the fit's target; input: a parameter set from it;\n"
           "structure: chose which unsourced parameter the fit moves (pbsc-population(5)),\n"
           "fitted by nothing; out of sample: used by nothing. Gap: predicted - published\n"
           "(0 inside a range).\n\n",
           pbsc_version_string(), pbsc_population_hash(pop), n->patients, seed, n->sessions);
    printf("%-42s %9s %13s %8s  %-13s %s\n", "figure", "predicted", "published", "gap",
           "role", "source");
    for (i = 0; i < count; i++) {
        char pub[32];
        if (f[i].lo == f[i].hi)
            snprintf(pub, sizeof pub, "%.4g", f[i].lo);
        else
            snprintf(pub, sizeof pub, "%.4g-%.4g", f[i].lo, f[i].hi);
        printf("%-42s %9.3g %13s %+8.3g  %-13s %s\n", f[i].what, f[i].predicted, pub,
               gap(&f[i]), f[i].role, f[i].source);
    }
    printf("\nNot compared: the 5-h Optia fit y = 0.0709 x + 0.3415 (R^2 0.875, AABB 2024)\n"
           "depends on that centre's volumes and units; no published interval coverage.\n");
}

static void
print_json(const pbsc_natural *n, const figure *f, size_t count, const pbsc_population *pop,
           unsigned long seed)
{
    cli_json j;
    size_t i;

    cli_json_init(&j, stdout);
    cli_json_begin_object(&j, NULL);
    cli_json_string_member(&j, "library_version", pbsc_version_string());
    cli_json_string_member(&j, "population_hash", pbsc_population_hash(pop));
    cli_json_size_member(&j, "patients", n->patients);
    cli_json_number_member(&j, "seed", (double)seed);
    cli_json_size_member(&j, "sessions", n->sessions);
    cli_json_begin_array(&j, "figures");
    for (i = 0; i < count; i++) {
        cli_json_begin_object(&j, NULL);
        cli_json_string_member(&j, "figure", f[i].what);
        cli_json_number_member(&j, "predicted", f[i].predicted);
        cli_json_number_member(&j, "published_low", f[i].lo);
        cli_json_number_member(&j, "published_high", f[i].hi);
        cli_json_number_member(&j, "gap", gap(&f[i]));
        cli_json_string_member(&j, "role", f[i].role);
        cli_json_string_member(&j, "source", f[i].source);
        cli_json_end_object(&j);
    }
    cli_json_end_array(&j);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

static void
print_tsv(const figure *f, size_t count)
{
    size_t i;

    printf("figure\tpredicted\tpublished_low\tpublished_high\tgap\trole\tsource\n");
    for (i = 0; i < count; i++) {
        cli_tsv_string(stdout, f[i].what);
        printf("\t");
        cli_tsv_number(stdout, 6, f[i].predicted);
        printf("\t");
        cli_tsv_number(stdout, 6, f[i].lo);
        printf("\t");
        cli_tsv_number(stdout, 6, f[i].hi);
        printf("\t");
        cli_tsv_number(stdout, 6, gap(&f[i]));
        printf("\t");
        cli_tsv_string(stdout, f[i].role);
        printf("\t");
        cli_tsv_string(stdout, f[i].source);
        printf("\n");
    }
}

int
sim_validate(const char *prog, const sim_opts *o, const pbsc_population *pop)
{
    pbsc_natural n;
    figure f[16];
    size_t count;
    pbsc_diag d;
    int rc;

    pbsc_natural_init(&n);
    pbsc_diag_clear(&d);
    rc = pbsc_population_natural(pop, o->patients > 0 ? o->patients : 100000, o->seed, &n, &d);
    if (rc != PBSC_OK)
        return cli_diag_error(prog, rc, &d);
    count = figures(&n, f);
    if (o->format == CLI_FORMAT_JSON)
        print_json(&n, f, count, pop, o->seed);
    else if (o->format == CLI_FORMAT_TSV)
        print_tsv(f, count);
    else
        print_text(&n, f, count, pop, o->seed);
    return CLI_EXIT_OK;
}

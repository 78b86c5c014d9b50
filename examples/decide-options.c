/* SPDX-License-Identifier: MIT */
/* The options pbsc-decide and pbsc-hl7 share: the policy, the goal, the person apheresed and
 * the model; their parsing, their checks and their part of --help. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <pbsc.h>

#include "cli.h"
#include "decide.h"

static const char *const sexes[] = {"m", "f", NULL};

/* The course CSV's columns, in the order of the COL_ indices, and the quantity each sets
 * with pbsc_course_set(). */
const char *const columns[] = {"day",
                               "cd34",
                               "wbc",
                               "plt",
                               "hct",
                               "plerixafor_mg",
                               "motixafortide_mg",
                               "processed_l",
                               "collected_e6_per_kg",
                               NULL};
const char *const required_columns[] = {"day", NULL};
const pbsc_quantity column_quantity[NCOLS] = {
    PBSC_Q_DAY,           PBSC_Q_CD34_UL,          PBSC_Q_WBC,      PBSC_Q_PLT,      PBSC_Q_HCT,
    PBSC_Q_PLERIXAFOR_MG, PBSC_Q_MOTIXAFORTIDE_MG, PBSC_Q_VOLUME_L, PBSC_Q_COLLECTED};

void
opts_init(opts *o)
{
    memset(o, 0, sizeof *o);
    o->goal = o->minimum = DNAN;
    o->weight = o->weight_lb = o->height = o->age = o->crcl = o->recipient = DNAN;
    o->ce = o->ce_sigma = DNAN;
    o->sex = PBSC_SEX_UNKNOWN;
    o->regimen = PBSC_REGIMEN_GCSF;
    o->format = CLI_FORMAT_TEXT;
}

static double *
number_slot(opts *o, int c)
{
    switch (c) {
    case OPT_GOAL:
        return &o->goal;
    case OPT_MINIMUM:
        return &o->minimum;
    case OPT_WEIGHT:
        return &o->weight;
    case OPT_WEIGHT_LB:
        return &o->weight_lb;
    case OPT_HEIGHT:
        return &o->height;
    case OPT_AGE:
        return &o->age;
    case OPT_CRCL:
        return &o->crcl;
    case OPT_RECIPIENT_WEIGHT:
        return &o->recipient;
    case OPT_CE:
        return &o->ce;
    case OPT_CE_SIGMA:
        return &o->ce_sigma;
    default:
        return NULL;
    }
}

/* The shared options' rows, for their names in messages. */
static const struct option shared[] = {DECIDE_OPTIONS, {NULL, 0, NULL, 0}};

int
decide_option(opts *o, int c, const char *arg)
{
    double *slot = number_slot(o, c);
    int i = 0, rc = CLI_EXIT_OK;

    if (slot != NULL) {
        const struct option *p;
        char name[40];

        for (p = shared; p->name != NULL && p->val != c; p++)
            ;
        snprintf(name, sizeof name, "--%s", p->name != NULL ? p->name : "?");
        return cli_parse_double(prog, name, arg, slot);
    }
    switch (c) {
    case OPT_POLICY:
        o->policy = arg;
        break;
    case OPT_TARGET:
        o->target = arg;
        break;
    case OPT_SEX:
        if ((rc = cli_parse_choice(prog, "--sex", arg, sexes, &i)) == CLI_EXIT_OK)
            o->sex = i == 0 ? PBSC_SEX_MALE : PBSC_SEX_FEMALE;
        break;
    case OPT_REGIMEN:
        rc = cli_parse_regimen(prog, arg, &o->regimen);
        break;
    case OPT_DEVICE:
        o->device = arg;
        break;
    case OPT_MODEL:
        o->model = arg;
        break;
    case OPT_DIAGNOSIS:
        rc = cli_parse_diagnosis(prog, arg, &o->diagnosis);
        break;
    case OPT_TRANSPLANTS:
        rc = cli_parse_long(prog, "--transplants", arg, 1, 2, &o->transplants);
        break;
    default:
        rc = CLI_EXIT_USAGE;
        break;
    }
    return rc;
}

int
decide_check(const opts *o, int weight_required)
{
    if (o->policy == NULL)
        return cli_usage_error(prog, "--policy is required: a preset (see --list-policies) "
                                     "or a policy file");
    if (!isnan(o->weight) && !isnan(o->weight_lb))
        return cli_usage_error(prog, "--weight and --weight-lb: give one");
    if (weight_required && isnan(o->weight) && isnan(o->weight_lb))
        return cli_usage_error(prog, "--weight (or --weight-lb) is required");
    if (o->device != NULL && !isnan(o->ce))
        return cli_usage_error(prog, "--device and --ce: give one");
    if (o->model != NULL && (o->device != NULL || !isnan(o->ce)))
        return cli_usage_error(prog, "--model and %s: give one",
                               o->device != NULL ? "--device" : "--ce");
    if (!isnan(o->ce_sigma) && isnan(o->ce))
        return cli_usage_error(prog, "--ce-sigma: needs --ce");
    return CLI_EXIT_OK;
}

void
decide_usage(const char *weight)
{
    puts("Policy and goal:\n"
         "  --policy NAME|FILE     a preset (see --list-policies) or a pbsc-policy(5) file\n"
         "                         (required)\n"
         "  --target ID            a target preset: auto5, tandem10, allo, ... (pbsc-yield\n"
         "                         --list-targets); sets the goal and the minimum\n"
         "  --goal D, --minimum D  x10^6 CD34+/kg recipient; override --target (default:\n"
         "                         the policy's own, if it has one)\n"
         "  --regimen R            gcsf (default), chemo, upfront (a mobilizer planned\n"
         "                         up front) or pegfilgrastim (a single dose, no chemo)\n"
         "Person apheresed:");
    fputs(weight, stdout);
    puts("  --recipient-weight KG  a healthy donor's course: the recipient's weight\n"
         "                         (default: autologous)\n"
         "  --age Y                age, years: under 18 a child (paediatric blood volume,\n"
         "                         plerixafor per kg); unknown: adult, per kg\n"
         "  --height CM, --sex m|f for Nadler's blood volume (adults; else 70 mL/kg)\n"
         "  --crcl ML_MIN          creatinine clearance (the plerixafor dose; unknown is\n"
         "                         dosed as normal and warned)\n"
         "  --diagnosis D          MM, NHL, HL, AL, ST or other (a preset whose source\n"
         "                         states a scope reads it; default unknown)\n"
         "  --transplants N        transplants the collection is planned for, 1 or 2\n"
         "                         (default: not given; see pbsc-rules(7))\n"
         "Model (CE and count forecasts; default the literature model, pbsc_model_new(3)):\n"
         "  --model FILE           a site model (pbsc-model(5), from pbsc-calibrate), or\n"
         "  --device ID            a CE preset (pbsc-yield --list-devices), or\n"
         "  --ce F [--ce-sigma S]  your own CE2 median (fraction) and SD of ln CE");
    printf("                         (--ce-sigma default %.3f)\n", pbsc_ce_default()->sigma);
}

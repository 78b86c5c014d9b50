/* SPDX-License-Identifier: MIT */
/* pbsc-decide: replay a mobilization course under a policy, decision point by decision point
 * (each day's morning, and the evening of each apheresis), and print the latest
 * recommendation with the rule that fired. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pbsc.h>

#include "cli.h"
#include "decide.h"

const char prog[] = "pbsc-decide";

enum {
    OPT_POLICY = 256,
    OPT_GOAL,
    OPT_MINIMUM,
    OPT_TARGET,
    OPT_WEIGHT,
    OPT_WEIGHT_LB,
    OPT_HEIGHT,
    OPT_SEX,
    OPT_AGE,
    OPT_CRCL,
    OPT_RECIPIENT_WEIGHT,
    OPT_DIAGNOSIS,
    OPT_TRANSPLANTS,
    OPT_REGIMEN,
    OPT_DEVICE,
    OPT_CE,
    OPT_CE_SIGMA,
    OPT_MODEL,
    OPT_DAY,
    OPT_LIST_POLICIES,
    OPT_FORMAT,
    OPT_CHART,
    OPT_HELP,
    OPT_VERSION
};

static const struct option options[] = {
    {"policy", required_argument, NULL, OPT_POLICY},
    {"goal", required_argument, NULL, OPT_GOAL},
    {"minimum", required_argument, NULL, OPT_MINIMUM},
    {"target", required_argument, NULL, OPT_TARGET},
    {"weight", required_argument, NULL, OPT_WEIGHT},
    {"weight-lb", required_argument, NULL, OPT_WEIGHT_LB},
    {"height", required_argument, NULL, OPT_HEIGHT},
    {"sex", required_argument, NULL, OPT_SEX},
    {"age", required_argument, NULL, OPT_AGE},
    {"crcl", required_argument, NULL, OPT_CRCL},
    {"recipient-weight", required_argument, NULL, OPT_RECIPIENT_WEIGHT},
    {"diagnosis", required_argument, NULL, OPT_DIAGNOSIS},
    {"transplants", required_argument, NULL, OPT_TRANSPLANTS},
    {"regimen", required_argument, NULL, OPT_REGIMEN},
    {"device", required_argument, NULL, OPT_DEVICE},
    {"ce", required_argument, NULL, OPT_CE},
    {"ce-sigma", required_argument, NULL, OPT_CE_SIGMA},
    {"model", required_argument, NULL, OPT_MODEL},
    {"day", required_argument, NULL, OPT_DAY},
    {"list-policies", no_argument, NULL, OPT_LIST_POLICIES},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"chart", required_argument, NULL, OPT_CHART},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}};

static const char *const sexes[] = {"m", "f", NULL};
/* --format words: cli_format's, and html. */
static const char *const formats[] = {"text", "json", "tsv", "html", NULL};
/* --regimen words, in pbsc_regimen order. */
const char *const regimens[] = {"gcsf", "chemo", "upfront", "pegfilgrastim", NULL};

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

static void
usage(void)
{
    printf("Usage: %s --policy NAME|FILE --weight KG|--weight-lb LB [OPTION]... COURSE.csv\n"
           "       %s --list-policies [--format=F]\n"
           "Replay a mobilization course under a decision policy, point by point (each\n"
           "day's morning, and the evening of each apheresis), and print the latest\n"
           "recommendation (or day N's latest, --day N) with the rule that fired.\n\n",
           prog, prog);
    puts("Course (COURSE.csv, or - for standard input): a header row, then one row per\n"
         "day, days increasing; columns in any order, only day required; an empty cell is\n"
         "not measured:\n"
         "  day                  day 1 = first G-CSF dose (chemo: first chemotherapy day;\n"
         "                       pegfilgrastim: the dose)\n"
         "  cd34                 PB CD34 that morning, cells/uL\n"
         "  wbc, plt             x10^9/L\n"
         "  hct                  haematocrit, %\n"
         "  plerixafor_mg        plerixafor given that evening, mg\n"
         "  motixafortide_mg     motixafortide given that evening, mg\n"
         "  processed_l          blood volume processed by that day's apheresis, L\n"
         "  collected_e6_per_kg  that day's product, x10^6 CD34+/kg recipient\n"
         "Lines starting with # are comments.\n\n"
         "Policy and goal:\n"
         "  --policy NAME|FILE     a preset (see --list-policies) or a pbsc-policy(5) file\n"
         "                         (required)\n"
         "  --target ID            a target preset: auto5, tandem10, allo, ... (pbsc-yield\n"
         "                         --list-targets); sets the goal and the minimum\n"
         "  --goal D, --minimum D  x10^6 CD34+/kg recipient; override --target (default:\n"
         "                         the policy's own, if it has one)\n"
         "  --regimen R            gcsf (default), chemo, upfront (a mobilizer planned\n"
         "                         up front) or pegfilgrastim (a single dose, no chemo)\n"
         "Person apheresed:\n"
         "  --weight KG            weight (required; or --weight-lb LB)\n"
         "  --recipient-weight KG  a healthy donor's course: the recipient's weight\n"
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
    puts("Output:\n"
         "  --day N                stop at day N: the recommendation is day N's latest\n"
         "                         point (its evening if it has an apheresis, else its\n"
         "                         morning)\n"
         "  --format=F             text (default): the table of decision points, then the\n"
         "                         recommendation; json: both; tsv: the table only;\n"
         "                         html: a printable report (A4), with the chart\n"
         "  --chart FILE           also write the course as an SVG chart to FILE (- for\n"
         "                         standard output, instead of the table)\n"
         "  --list-policies        print the policy presets and their sources\n"
         "  --help, --version\n\n"
         "Exit status: 0 success, 1 bad input, 2 usage error.");
}

static void
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

/* "--name" of an option, for messages. */
static const char *
option_name(int c, char *buf, size_t size)
{
    const struct option *p;

    for (p = options; p->name != NULL && p->val != c; p++)
        ;
    snprintf(buf, size, "--%s", p->name != NULL ? p->name : "?");
    return buf;
}

/* One option that is not a plain number. */
static int
word_option(opts *o, int c, const char *arg)
{
    int i = 0, rc = CLI_EXIT_OK;

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
        rc = cli_parse_choice(prog, "--regimen", arg, regimens, &o->regimen);
        break;
    case OPT_DEVICE:
        o->device = arg;
        break;
    case OPT_MODEL:
        o->model = arg;
        break;
    case OPT_DAY:
        rc = cli_parse_long(prog, "--day", arg, 1, 366, &o->day);
        break;
    case OPT_DIAGNOSIS:
        rc = cli_parse_diagnosis(prog, arg, &o->diagnosis);
        break;
    case OPT_TRANSPLANTS:
        rc = cli_parse_long(prog, "--transplants", arg, 1, 2, &o->transplants);
        break;
    case OPT_LIST_POLICIES:
        o->list_policies = 1;
        break;
    case OPT_FORMAT:
        if ((rc = cli_parse_choice(prog, "--format", arg, formats, &i)) == CLI_EXIT_OK) {
            o->format_given = 1;
            o->html = i == 3;
            o->format = o->html ? CLI_FORMAT_TEXT : (cli_format)i;
        }
        break;
    case OPT_CHART:
        o->chart = arg;
        break;
    default:
        rc = CLI_EXIT_USAGE;
        break;
    }
    return rc;
}

/* Combinations that cannot mean anything; checked in a fixed order for stable messages. */
static int
check_combinations(const opts *o, int nargs)
{
    if (o->list_policies && o->chart != NULL)
        return cli_usage_error(prog, "--list-policies: draws no chart");
    if (o->list_policies && o->html)
        return cli_usage_error(prog, "--list-policies: text, json or tsv");
    if (o->list_policies)
        return nargs == 0 ? CLI_EXIT_OK
                          : cli_usage_error(prog, "--list-policies: reads no course file");
    if (o->policy == NULL)
        return cli_usage_error(prog, "--policy is required: a preset (see --list-policies) "
                                     "or a policy file");
    if (!isnan(o->weight) && !isnan(o->weight_lb))
        return cli_usage_error(prog, "--weight and --weight-lb: give one");
    if (isnan(o->weight) && isnan(o->weight_lb))
        return cli_usage_error(prog, "--weight (or --weight-lb) is required");
    if (o->device != NULL && !isnan(o->ce))
        return cli_usage_error(prog, "--device and --ce: give one");
    if (o->model != NULL && (o->device != NULL || !isnan(o->ce)))
        return cli_usage_error(prog, "--model and %s: give one",
                               o->device != NULL ? "--device" : "--ce");
    if (!isnan(o->ce_sigma) && isnan(o->ce))
        return cli_usage_error(prog, "--ce-sigma: needs --ce");
    if (o->chart != NULL && o->chart[0] == '\0')
        return cli_usage_error(prog, "--chart: a file name (or - for standard output)");
    if (o->chart != NULL && strcmp(o->chart, "-") == 0 && o->format_given)
        return cli_usage_error(prog, "--chart -: the chart is the output; leave --format out");
    if (nargs == 0)
        return cli_usage_error(prog, "a course CSV file (or - for standard input) is required");
    if (nargs > 1)
        return cli_usage_error(prog, "one course file at a time");
    return CLI_EXIT_OK;
}

static int
parse_args(int argc, char *argv[], opts *o)
{
    int c, rc;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        double *slot;
        char name[40];

        if (c == '?' || c == ':')
            return cli_getopt_error(prog, c, argv, options);
        if (c == OPT_HELP) {
            usage();
            return -1;
        }
        if (c == OPT_VERSION) {
            cli_print_version(prog);
            return -1;
        }
        slot = number_slot(o, c);
        rc = slot != NULL ? cli_parse_double(prog, option_name(c, name, sizeof name), optarg, slot)
                          : word_option(o, c, optarg);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    if (optind < argc)
        o->path = argv[optind];
    return check_combinations(o, argc - optind);
}

int
main(int argc, char *argv[])
{
    opts o;
    result r;
    int rc;

    opts_init(&o);
    rc = parse_args(argc, argv, &o);
    if (rc < 0)
        return cli_finish(prog, CLI_EXIT_OK); /* --help or --version */
    if (rc != CLI_EXIT_OK)
        return rc;
    if (o.list_policies)
        return list_policies(&o);

    memset(&r, 0, sizeof r);
    r.o = &o;
    rc = compute(&o, &r);
    if (rc == CLI_EXIT_OK && o.chart != NULL)
        rc = write_chart(&r); /* first: a chart that cannot be written prints nothing */
    if (rc == CLI_EXIT_OK && (o.chart == NULL || strcmp(o.chart, "-") != 0)) {
        if (o.html) {
            if (print_html(&r) != 0)
                rc = cli_input_error(prog, "out of memory");
        } else if (o.format == CLI_FORMAT_JSON) {
            print_json(&r);
        } else if (o.format == CLI_FORMAT_TSV) {
            print_tsv(&r);
        } else if (print_text(&r) != 0) {
            rc = cli_input_error(prog, "out of memory");
        }
    }
    result_free(&r);
    return rc == CLI_EXIT_OK ? cli_finish(prog, CLI_EXIT_OK) : rc;
}

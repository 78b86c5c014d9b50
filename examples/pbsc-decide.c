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
    OPT_DAY = OPT_SHARED_END,
    OPT_LIST_POLICIES,
    OPT_FORMAT,
    OPT_CHART,
    OPT_RECORD,
    OPT_REPLAY,
    OPT_FORCE,
    OPT_HELP,
    OPT_VERSION
};

static const struct option options[] = {
    DECIDE_OPTIONS,
    {"day", required_argument, NULL, OPT_DAY},
    {"list-policies", no_argument, NULL, OPT_LIST_POLICIES},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"chart", required_argument, NULL, OPT_CHART},
    {"record", required_argument, NULL, OPT_RECORD},
    {"replay", required_argument, NULL, OPT_REPLAY},
    {"force", no_argument, NULL, OPT_FORCE},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}};

/* --format words: cli_format's, and html. */
static const char *const formats[] = {"text", "json", "tsv", "html", NULL};

static void
usage(void)
{
    printf("Usage: %s --policy NAME|FILE --weight KG|--weight-lb LB [OPTION]... COURSE.csv\n"
           "       %s --list-policies [--format=F]\n"
           "       %s --replay RECORD.json\n"
           "Replay a mobilization course under a decision policy, point by point (each\n"
           "day's morning, and the evening of each apheresis), and print the latest\n"
           "recommendation (or day N's latest, --day N) with the rule that fired.\n\n",
           prog, prog, prog);
    puts("Course (COURSE.csv, or - for standard input): a header row, then one row per\n"
         "day, days increasing; columns in any order, only day required; an empty cell is\n"
         "not measured:\n"
         "  day                  day 1 = first G-CSF dose (chemo: first chemotherapy day)\n"
         "  cd34                 PB CD34 that morning, cells/uL\n"
         "  wbc, plt             x10^9/L\n"
         "  hct                  haematocrit, %\n"
         "  plerixafor_mg        plerixafor given that evening, mg\n"
         "  motixafortide_mg     motixafortide given that evening, mg\n"
         "  processed_l          blood volume processed by that day's apheresis, L\n"
         "  collected_e6_per_kg  that day's product, x10^6 CD34+/kg recipient\n"
         "Lines starting with # are comments.\n");
    decide_usage("  --weight KG            weight (required; or --weight-lb LB)\n");
    puts("Output:\n"
         "  --day N                stop at day N: the recommendation is day N's latest\n"
         "                         point (its evening if it has an apheresis, else its\n"
         "                         morning)\n"
         "  --format=F             text (default): the table of decision points, then the\n"
         "                         recommendation; json: both; tsv: the table only;\n"
         "                         html: a printable report (A4), with the chart\n"
         "  --chart FILE           also write the course as an SVG chart to FILE (- for\n"
         "                         standard output, instead of the table)\n"
         "  --record FILE          also write the recommendation with every input it read\n"
         "                         as a decision record (pbsc-record(5), JSON) to FILE\n"
         "  --force                with --record: replace FILE if it exists\n"
         "  --replay FILE          decide a decision record again and compare: exit 0\n"
         "                         the same decision, 1 a different one (says what\n"
         "                         differs), 2 a record that cannot be replayed\n"
         "  --list-policies        print the policy presets and their sources\n"
         "  --help, --version\n\n"
         "Exit status: 0 success, 1 bad input, 2 usage error.");
}

/* One option of pbsc-decide's own (not one of DECIDE_OPTIONS). */
static int
word_option(opts *o, int c, const char *arg)
{
    int i = 0, rc = CLI_EXIT_OK;

    switch (c) {
    case OPT_DAY:
        rc = cli_parse_long(prog, "--day", arg, 1, 366, &o->day);
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
    case OPT_RECORD:
        o->record = arg;
        break;
    case OPT_REPLAY:
        o->replay = arg;
        break;
    case OPT_FORCE:
        o->force = 1;
        break;
    default:
        rc = CLI_EXIT_USAGE;
        break;
    }
    return rc;
}

/* --replay FILE reads everything from the record: nothing else may be given. */
static int
argc_only_replay(const opts *o, int nargs)
{
    opts none;

    opts_init(&none);
    none.replay = o->replay;
    if (nargs > 0 || memcmp(&none, o, sizeof none) != 0)
        return cli_usage_error(prog, "--replay: the record holds every input; give no other "
                                     "option and no course file");
    if (o->replay[0] == '\0')
        return cli_usage_error(prog, "--replay: a file name (or - for standard input)");
    return CLI_EXIT_OK;
}

/* Combinations that cannot mean anything; checked in a fixed order for stable messages. */
static int
check_combinations(const opts *o, int nargs)
{
    int rc;

    if (o->replay != NULL)
        return argc_only_replay(o, nargs);
    if (o->list_policies && o->chart != NULL)
        return cli_usage_error(prog, "--list-policies: draws no chart");
    if (o->list_policies && o->html)
        return cli_usage_error(prog, "--list-policies: text, json or tsv");
    if (o->list_policies)
        return nargs == 0 ? CLI_EXIT_OK
                          : cli_usage_error(prog, "--list-policies: reads no course file");
    if ((rc = decide_check(o, 1)) != CLI_EXIT_OK)
        return rc;
    if (o->chart != NULL && o->chart[0] == '\0')
        return cli_usage_error(prog, "--chart: a file name (or - for standard output)");
    if (o->record != NULL && (o->record[0] == '\0' || strcmp(o->record, "-") == 0))
        return cli_usage_error(prog, "--record: a file name (the output goes to standard "
                                     "output)");
    if (o->force && o->record == NULL)
        return cli_usage_error(prog, "--force: only with --record FILE (a file to replace)");
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
        rc = c < OPT_SHARED_END ? decide_option(o, c, optarg)
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
    if (o.replay != NULL)
        return replay_record(o.replay);

    memset(&r, 0, sizeof r);
    r.o = &o;
    rc = compute(&o, &r);
    if (rc == CLI_EXIT_OK && o.record != NULL)
        rc = write_record(&r); /* first: a record that cannot be written prints nothing */
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

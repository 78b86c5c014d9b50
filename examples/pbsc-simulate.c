/* SPDX-License-Identifier: MIT */
/* pbsc-simulate: decision policies compared on the same virtual patients (pbsc_simulate(3)),
 * and the validation of the population against the published natural history. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pbsc.h>

#include "cli.h"
#include "simulate.h"

static const char prog[] = "pbsc-simulate";

enum {
    OPT_POLICY = 256,
    OPT_PATIENTS,
    OPT_SEED,
    OPT_MODEL,
    OPT_POPULATION,
    OPT_GOAL,
    OPT_MINIMUM,
    OPT_TARGET,
    OPT_REGIMEN,
    OPT_DIAGNOSIS,
    OPT_TRANSPLANTS,
    OPT_THREADS,
    OPT_FORMAT,
    OPT_VALIDATE,
    OPT_VERIFY,
    OPT_WRITE_POPULATION,
    OPT_HELP,
    OPT_VERSION
};

static const struct option options[] = {
    {"policy", required_argument, NULL, OPT_POLICY},
    {"patients", required_argument, NULL, OPT_PATIENTS},
    {"seed", required_argument, NULL, OPT_SEED},
    {"model", required_argument, NULL, OPT_MODEL},
    {"population", required_argument, NULL, OPT_POPULATION},
    {"goal", required_argument, NULL, OPT_GOAL},
    {"minimum", required_argument, NULL, OPT_MINIMUM},
    {"target", required_argument, NULL, OPT_TARGET},
    {"regimen", required_argument, NULL, OPT_REGIMEN},
    {"diagnosis", required_argument, NULL, OPT_DIAGNOSIS},
    {"transplants", required_argument, NULL, OPT_TRANSPLANTS},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"validate", no_argument, NULL, OPT_VALIDATE},
    {"verify", no_argument, NULL, OPT_VERIFY},
    {"write-population", no_argument, NULL, OPT_WRITE_POPULATION},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}};

static void
usage(void)
{
    printf("Usage: %s [--policy NAME|FILE]... [OPTIONS]\n"
           "       %s --validate [--population FILE] [--patients N] [--seed S]\n"
           "       %s --write-population [--population FILE]\n"
           "Run decision policies on the same virtual patients (every morning and evening\n"
           "decided by the library and acted out) and print each policy's outcomes with\n"
           "their standard errors; or compare the population with published figures.\n\n",
           prog, prog, prog);
    puts("Options:\n"
         "  --policy NAME|FILE     a preset (pbsc-decide --list-policies), a pbsc-policy(5)\n"
         "                         file, or all (the default: the presets whose scope,\n"
         "                         regimens and diagnoses admit the patients); repeatable\n"
         "  --patients N           virtual patients (default 1000; --validate 100000)\n"
         "  --seed S               patient i's draws come from (S, i) alone (default 1)\n"
         "  --model FILE           the decision model (pbsc-model(5)); default the\n"
         "                         literature model\n"
         "  --population FILE      the virtual population (pbsc-population(5))\n"
         "  --target ID            goal and minimum from a target preset (default auto5)\n"
         "  --goal D, --minimum D  x10^6 CD34+/kg; override --target\n"
         "  --regimen R            gcsf (default), chemo, upfront or pegfilgrastim (one\n"
         "                         dose on day 1, no daily G-CSF)\n"
         "  --diagnosis D          every patient's: MM, NHL, HL, AL, ST or other (a preset\n"
         "                         whose source states a scope reads it; default unknown)\n"
         "  --transplants N        every patient's planned transplants, 1 or 2 (default:\n"
         "                         not given; see pbsc-rules(7))\n"
         "  --threads N            threads (default 1); the output does not depend on it\n"
         "  --format=F             text (default), json or tsv\n"
         "  --validate             the validation report instead of a simulation\n"
         "  --verify               also decide every point with pbsc_decide(3) (slow)\n"
         "  --write-population     print the population as a pbsc-population(5) file\n"
         "  --help, --version\n\n"
         "Exit status: 0 success, 1 bad input, 2 usage error.");
}

static int
add_policy(sim_opts *o, const char *arg)
{
    if (o->npolicies == SIM_MAX_POLICIES)
        return cli_usage_error(prog, "--policy: at most %d policies", SIM_MAX_POLICIES);
    o->policies[o->npolicies++] = arg;
    return CLI_EXIT_OK;
}

static int
parse_number(int c, const char *arg, sim_opts *o)
{
    long v;
    int rc;

    switch (c) {
    case OPT_PATIENTS:
        rc = cli_parse_long(prog, "--patients", arg, 1, 10000000, &v);
        o->patients = (size_t)v;
        return rc;
    case OPT_SEED:
        rc = cli_parse_long(prog, "--seed", arg, 0, 2147483647L, &v);
        o->seed = (unsigned long)v;
        return rc;
    case OPT_THREADS:
        rc = cli_parse_long(prog, "--threads", arg, 1, 64, &v);
        o->threads = (unsigned)v;
        return rc;
    case OPT_TRANSPLANTS:
        rc = cli_parse_long(prog, "--transplants", arg, 1, 2, &v);
        o->transplants = (int)v;
        return rc;
    case OPT_GOAL:
        return cli_parse_double(prog, "--goal", arg, &o->goal);
    default:
        return cli_parse_double(prog, "--minimum", arg, &o->minimum);
    }
}

static int
parse_option(int c, const char *arg, sim_opts *o)
{
    int rc;
    cli_format f;

    switch (c) {
    case OPT_POLICY:
        return add_policy(o, arg);
    case OPT_MODEL:
        o->model = arg;
        return CLI_EXIT_OK;
    case OPT_POPULATION:
        o->population = arg;
        return CLI_EXIT_OK;
    case OPT_TARGET:
        o->target = arg;
        return CLI_EXIT_OK;
    case OPT_REGIMEN:
        return cli_parse_regimen(prog, arg, &o->regimen);
    case OPT_DIAGNOSIS:
        return cli_parse_diagnosis(prog, arg, &o->diagnosis);
    case OPT_FORMAT:
        rc = cli_parse_format(prog, "--format", arg, &f);
        o->format = f;
        return rc;
    case OPT_VALIDATE:
        o->validate = 1;
        return CLI_EXIT_OK;
    case OPT_VERIFY:
        o->verify = 1;
        return CLI_EXIT_OK;
    case OPT_WRITE_POPULATION:
        o->write_population = 1;
        return CLI_EXIT_OK;
    default:
        return parse_number(c, arg, o);
    }
}

static int
parse_args(int argc, char *argv[], sim_opts *o)
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
        if ((rc = parse_option(c, optarg, o)) != CLI_EXIT_OK)
            return rc;
    }
    if (optind < argc)
        return cli_usage_error(prog, "unexpected argument '%s'", argv[optind]);
    if (o->validate && o->write_population)
        return cli_usage_error(prog, "--validate and --write-population: one at a time");
    if ((o->validate || o->write_population) && o->npolicies > 0)
        return cli_usage_error(prog, "--policy: not with --validate or --write-population");
    if (o->target != NULL && !isnan(o->goal) && !isnan(o->minimum))
        return cli_usage_error(prog, "--target with both --goal and --minimum: give one");
    return CLI_EXIT_OK;
}

static int
write_population(const pbsc_population *pop)
{
    size_t n = 0;
    char *text;

    if (pbsc_population_format(pop, NULL, 0, &n) != PBSC_OK || (text = malloc(n)) == NULL)
        return cli_input_error(prog, "out of memory");
    pbsc_population_format(pop, text, n, NULL);
    fputs(text, stdout);
    free(text);
    return CLI_EXIT_OK;
}

int
main(int argc, char *argv[])
{
    pbsc_population *pop = NULL;
    sim_opts o;
    int rc;

    memset(&o, 0, sizeof o);
    o.seed = 1;
    o.threads = 1;
    o.goal = o.minimum = (double)NAN;
    rc = parse_args(argc, argv, &o);
    if (rc < 0)
        return cli_finish(prog, CLI_EXIT_OK); /* --help or --version */
    if (rc != CLI_EXIT_OK)
        return rc;
    if ((rc = cli_population_read(prog, o.population, &pop)) != CLI_EXIT_OK)
        return rc;
    if (o.write_population)
        rc = write_population(pop);
    else if (o.validate)
        rc = sim_validate(prog, &o, pop);
    else
        rc = sim_run(prog, &o, pop);
    pbsc_population_free(pop);
    return rc == CLI_EXIT_OK ? cli_finish(prog, CLI_EXIT_OK) : rc;
}

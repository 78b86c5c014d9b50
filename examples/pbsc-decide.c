/* SPDX-License-Identifier: MIT */
/* pbsc-decide: replay a mobilization course under a policy, morning by morning, and print
 * today's recommendation with the rule that fired. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pbsc.h>

#include "cli.h"

static const char prog[] = "pbsc-decide";

/* NAN is a float constant; DNAN keeps the arithmetic double (-Wdouble-promotion). */
#define DNAN ((double)NAN)

enum {
    OPT_POLICY = 256,
    OPT_GOAL,
    OPT_MINIMUM,
    OPT_TARGET,
    OPT_WEIGHT,
    OPT_HEIGHT,
    OPT_SEX,
    OPT_AGE,
    OPT_CRCL,
    OPT_RECIPIENT_WEIGHT,
    OPT_REGIMEN,
    OPT_DEVICE,
    OPT_CE,
    OPT_CE_SIGMA,
    OPT_MODEL,
    OPT_DAY,
    OPT_LIST_POLICIES,
    OPT_FORMAT,
    OPT_HELP,
    OPT_VERSION
};

static const struct option options[] = {
    {"policy", required_argument, NULL, OPT_POLICY},
    {"goal", required_argument, NULL, OPT_GOAL},
    {"minimum", required_argument, NULL, OPT_MINIMUM},
    {"target", required_argument, NULL, OPT_TARGET},
    {"weight", required_argument, NULL, OPT_WEIGHT},
    {"height", required_argument, NULL, OPT_HEIGHT},
    {"sex", required_argument, NULL, OPT_SEX},
    {"age", required_argument, NULL, OPT_AGE},
    {"crcl", required_argument, NULL, OPT_CRCL},
    {"recipient-weight", required_argument, NULL, OPT_RECIPIENT_WEIGHT},
    {"regimen", required_argument, NULL, OPT_REGIMEN},
    {"device", required_argument, NULL, OPT_DEVICE},
    {"ce", required_argument, NULL, OPT_CE},
    {"ce-sigma", required_argument, NULL, OPT_CE_SIGMA},
    {"model", required_argument, NULL, OPT_MODEL},
    {"day", required_argument, NULL, OPT_DAY},
    {"list-policies", no_argument, NULL, OPT_LIST_POLICIES},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}};

static const char *const sexes[] = {"m", "f", NULL};
/* --regimen words, in pbsc_regimen order. */
static const char *const regimens[] = {"gcsf", "chemo", "upfront", NULL};

/* The course CSV's columns (DESIGN.md section 5), in this order in the COL_ indices. */
static const char *const columns[] = {"day",         "cd34",
                                      "wbc",         "plt",
                                      "plerixafor_mg", "processed_l",
                                      "collected_e6_per_kg", NULL};
static const char *const required_columns[] = {"day", NULL};
enum { COL_DAY, COL_CD34, COL_WBC, COL_PLT, COL_PLERIXAFOR, COL_PROCESSED, COL_COLLECTED };

/* What the user asked for; NAN / NULL / 0 = not given. */
typedef struct opts {
    const char *policy;
    double goal, minimum;
    const char *target;
    double weight, height, age, crcl, recipient;
    pbsc_sex sex;
    int regimen;
    const char *device;
    double ce, ce_sigma;
    const char *model; /* a pbsc-model(5) file */
    long day; /* 0: the last day of the course */
    int list_policies;
    cli_format format;
    const char *path;
} opts;

/* Everything printed, computed before anything is printed. */
typedef struct result {
    const opts *o;
    const pbsc_policy *policy;
    pbsc_policy *owned; /* a policy read from a file */
    pbsc_policy_info info;
    const pbsc_ce_model *ce; /* with a model: the last morning's CE */
    pbsc_ce_model user_ce;
    int forecast;      /* the policy is model-based (`forecast = yes`) */
    pbsc_model *model; /* --model, or the literature defaults; NULL: pbsc_replay() */
    const pbsc_target *target;
    pbsc_course *course;
    char path[256];   /* the course file as messages name it */
    long *lines;      /* the CSV line of each course row */
    pbsc_decision *days;
    size_t ndays;     /* rows shown: the whole course, or up to --day */
    pbsc_decision final;
} result;

static void
usage(void)
{
    printf("Usage: %s --policy NAME|FILE --weight KG [OPTION]... COURSE.csv\n"
           "       %s --list-policies [--format=F]\n"
           "Replay a mobilization course under a decision policy, morning by morning, and\n"
           "print the recommendation for the last morning (or --day) with the rule that "
           "fired.\n\n",
           prog, prog);
    puts("Course (COURSE.csv, or - for standard input): a header row, then one row per day;\n"
         "columns in any order, only day required; an empty cell is not measured:\n"
         "  day                  day 1 = first G-CSF dose (chemo: first chemotherapy day)\n"
         "  cd34                 PB CD34 that morning, cells/uL\n"
         "  wbc, plt             x10^9/L\n"
         "  plerixafor_mg        plerixafor given that evening, mg\n"
         "  processed_l          blood volume processed by that day's apheresis, L\n"
         "  collected_e6_per_kg  that day's product, x10^6 CD34+/kg recipient\n"
         "Lines starting with # are comments.\n\n"
         "Policy and goal:\n"
         "  --policy NAME|FILE     a preset (see --list-policies) or a pbsc-policy(5) file\n"
         "                         (required)\n"
         "  --target ID            a target preset: auto5, tandem10, ... (pbsc-yield\n"
         "                         --list-targets); sets the goal and the minimum\n"
         "  --goal D, --minimum D  x10^6 CD34+/kg recipient; override --target (default:\n"
         "                         the policy's own, if it has one)\n"
         "  --regimen R            gcsf (default), chemo or upfront\n"
         "Patient:\n"
         "  --weight KG            weight of the person apheresed (required)\n"
         "  --recipient-weight KG  weight of the recipient (default: autologous)\n"
         "  --height CM, --sex m|f for Nadler's blood volume (else 70 mL/kg)\n"
         "  --age Y                age, years\n"
         "  --crcl ML_MIN          creatinine clearance (the plerixafor dose; unknown is\n"
         "                         dosed as normal and warned)\n"
         "Projection:\n"
         "  --device ID            a CE preset (pbsc-yield --list-devices), or\n"
         "  --ce F [--ce-sigma S]  your own CE2 median (fraction) and SD of ln CE");
    printf("                         (default: --device %s; --ce-sigma %.3f)\n",
           pbsc_ce_default()->id, pbsc_ce_default()->sigma);
    puts("  --model FILE           or a site model (pbsc-model(5), from pbsc-calibrate): its\n"
         "                         CE at each morning's WBC, and for --policy forecast its\n"
         "                         count forecasts (default for forecast: the literature\n"
         "                         defaults of pbsc_model_new(3))");
    puts("Output:\n"
         "  --day N                decide as of the morning of day N: later rows are\n"
         "                         still checked for errors, but neither shown nor used\n"
         "  --format=F             text (default): the table of mornings, then the decision;\n"
         "                         json: both; tsv: the table of mornings only, no\n"
         "                         decision block\n"
         "  --list-policies        print the policy presets and their sources\n"
         "  --help, --version\n\n"
         "Exit status: 0 success, 1 bad input, 2 usage error.");
}

static void
opts_init(opts *o)
{
    memset(o, 0, sizeof *o);
    o->goal = o->minimum = DNAN;
    o->weight = o->height = o->age = o->crcl = o->recipient = DNAN;
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
    case OPT_LIST_POLICIES:
        o->list_policies = 1;
        break;
    case OPT_FORMAT:
        rc = cli_parse_format(prog, "--format", arg, &o->format);
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
    if (o->list_policies)
        return nargs == 0 ? CLI_EXIT_OK
                          : cli_usage_error(prog, "--list-policies: reads no course file");
    if (o->policy == NULL)
        return cli_usage_error(prog, "--policy is required: a preset (see --list-policies) "
                                     "or a policy file");
    if (isnan(o->weight))
        return cli_usage_error(prog, "--weight is required");
    if (o->device != NULL && !isnan(o->ce))
        return cli_usage_error(prog, "--device and --ce: give one");
    if (o->model != NULL && (o->device != NULL || !isnan(o->ce)))
        return cli_usage_error(prog, "--model and %s: give one",
                               o->device != NULL ? "--device" : "--ce");
    if (!isnan(o->ce_sigma) && isnan(o->ce))
        return cli_usage_error(prog, "--ce-sigma: needs --ce");
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
        rc = slot != NULL ? cli_parse_double(prog, option_name(c, name, sizeof name), optarg,
                                             slot)
                          : word_option(o, c, optarg);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    if (optind < argc)
        o->path = argv[optind];
    return check_combinations(o, argc - optind);
}

/* ---- errors ------------------------------------------------------------------------ */

/* The course CSV's column for a field the library names ("collected" is a product). */
static const char *
column_of(const char *field)
{
    return strcmp(field, "collected") == 0 ? "collected_e6_per_kg" : field;
}

/* "prog: FILE:LINE: field: text" for a library error about one line of a file. */
static int
file_error(const char *file, long line, int status, const pbsc_diag *d)
{
    const char *text = d->text[0] != '\0' ? d->text : pbsc_strerror(status);

    if (line > 0)
        fprintf(stderr, "%s: %s:%ld: ", prog, file, line);
    else
        fprintf(stderr, "%s: %s: ", prog, file);
    if (d->field[0] != '\0')
        fprintf(stderr, "%s: ", column_of(d->field));
    fprintf(stderr, "%s\n", text);
    return CLI_EXIT_INPUT;
}

/* A library error while deciding: on the CSV line of the day it names, if it names one. */
static int
decide_error(const result *r, int status, const pbsc_diag *d)
{
    size_t i, n = pbsc_course_length(r->course);

    for (i = 0; d->day > 0 && i < n; i++)
        if (pbsc_course_day(r->course, i)->day == d->day)
            return file_error(r->path, r->lines[i], status, d);
    cli_diag_error(prog, status, d);
    if (status == PBSC_E_MISSING &&
        (strcmp(d->field, "goal") == 0 || strcmp(d->field, "minimum") == 0))
        fprintf(stderr, "%s: give --target, or --goal and --minimum\n", prog);
    return CLI_EXIT_INPUT;
}

/* ---- computing --------------------------------------------------------------------- */

/* Whether the policy is model-based: its pbsc-policy(5) text says `forecast = yes` (the
 * library has no getter for it). */
static int
is_forecast(const pbsc_policy *policy)
{
    size_t needed = 0;
    char *text;
    int yes = 0;

    if (pbsc_policy_format(policy, NULL, 0, &needed) != PBSC_OK || needed == 0)
        return 0;
    text = malloc(needed + 1);
    if (text != NULL && pbsc_policy_format(policy, text + 1, needed, NULL) == PBSC_OK) {
        text[0] = '\n';
        yes = strstr(text, "\nforecast = yes\n") != NULL;
    }
    free(text);
    return yes;
}

/* A preset by id, else a policy file. */
static int
load_policy(const opts *o, result *r, pbsc_diag *d)
{
    int rc;

    if (pbsc_policy_find(o->policy, &r->policy, d) == PBSC_OK)
        return pbsc_policy_info_get(r->policy, &r->info) == PBSC_OK
                   ? CLI_EXIT_OK
                   : cli_input_error(prog, "--policy: no policy information");
    pbsc_diag_clear(d);
    rc = pbsc_policy_read(o->policy, &r->owned, d);
    if (rc == PBSC_E_IO)
        return cli_input_error(prog, "--policy: '%s' is not a policy preset (see "
                                     "--list-policies) nor a readable policy file (%s)",
                               o->policy, d->text);
    if (rc != PBSC_OK)
        return file_error(o->policy, d->line, rc, d);
    r->policy = r->owned;
    pbsc_policy_info_get(r->policy, &r->info);
    return CLI_EXIT_OK;
}

/* --model, or for a model-based policy without one (and without --device or --ce, which
 * pbsc_replay() combines with the literature defaults itself) pbsc_model_new(). */
static int
load_model(const opts *o, result *r, pbsc_diag *d)
{
    int rc;

    r->forecast = is_forecast(r->policy);
    if (o->model != NULL)
        return cli_model_read(prog, o->model, &r->model);
    if (r->forecast && o->device == NULL && isnan(o->ce) &&
        (rc = pbsc_model_new(&r->model, d)) != PBSC_OK)
        return cli_diag_error(prog, rc, d);
    return CLI_EXIT_OK;
}

/* The CE model and the target preset; CLI_EXIT_* */
static int
load_presets(const opts *o, result *r, pbsc_diag *d)
{
    int rc;

    r->ce = pbsc_ce_default();
    if (o->device != NULL && (rc = pbsc_ce_find(o->device, &r->ce, d)) != PBSC_OK)
        return cli_diag_error(prog, rc, d);
    if (!isnan(o->ce)) {
        double sigma = isnan(o->ce_sigma) ? pbsc_ce_default()->sigma : o->ce_sigma;

        if ((rc = pbsc_ce_user(o->ce, sigma, &r->user_ce, d)) != PBSC_OK)
            return cli_diag_error(prog, rc, d);
        r->ce = &r->user_ce;
    }
    if (o->target != NULL && (rc = pbsc_target_find(o->target, &r->target, d)) != PBSC_OK)
        return cli_diag_error(prog, rc, d);
    return load_model(o, r, d);
}

static int
new_course(const opts *o, result *r, pbsc_diag *d)
{
    pbsc_person person;
    double goal = o->goal, minimum = o->minimum;
    int rc;

    pbsc_person_init(&person);
    person.weight_kg = o->weight;
    person.height_cm = o->height;
    person.sex = o->sex;
    person.age_years = o->age;
    person.crcl_ml_min = o->crcl;
    person.recipient_kg = o->recipient;
    if (r->target != NULL) {
        if (isnan(goal))
            goal = r->target->goal;
        if (isnan(minimum))
            minimum = r->target->minimum;
    }
    rc = pbsc_course_new(&person, (pbsc_regimen)o->regimen, goal, minimum, &r->course, d);
    return rc == PBSC_OK ? CLI_EXIT_OK : cli_diag_error(prog, rc, d);
}

/* One CSV record into a day; CLI_EXIT_* (printed). */
static int
read_day(const cli_csv *csv, pbsc_day *day)
{
    double *slots[] = {NULL, &day->cd34, &day->wbc, &day->plt, &day->plerixafor_mg,
                       &day->processed_l, &day->collected};
    size_t k;
    int rc;

    pbsc_day_init(day);
    if ((rc = cli_csv_long(csv, COL_DAY, 1, &day->day, NULL)) != CLI_EXIT_OK)
        return rc;
    for (k = COL_CD34; k <= COL_COLLECTED; k++)
        if ((rc = cli_csv_double(csv, k, slots[k])) != CLI_EXIT_OK)
            return rc;
    return CLI_EXIT_OK;
}

/* Adds the day, remembering the CSV line it came from. */
static int
add_day(result *r, const cli_csv *csv, const pbsc_day *day, size_t *cap, pbsc_diag *d)
{
    size_t n = pbsc_course_length(r->course);
    int rc;

    if (n == *cap) {
        size_t grown = *cap ? 2 * *cap : 16;
        long *lines = realloc(r->lines, grown * sizeof *lines);

        if (lines == NULL)
            return cli_input_error(prog, "out of memory");
        r->lines = lines;
        *cap = grown;
    }
    if ((rc = pbsc_course_add(r->course, day, d)) != PBSC_OK)
        return file_error(r->path, cli_csv_line(csv), rc, d);
    r->lines[n] = cli_csv_line(csv);
    return CLI_EXIT_OK;
}

static int
read_course(const opts *o, result *r, pbsc_diag *d)
{
    cli_csv *csv;
    pbsc_day day;
    size_t cap = 0;
    int rc, more;

    if ((rc = cli_csv_open(prog, o->path, columns, required_columns, &csv)) != CLI_EXIT_OK)
        return rc;
    snprintf(r->path, sizeof r->path, "%s", cli_csv_path(csv));
    while ((more = cli_csv_next(csv)) == 1) {
        if ((rc = read_day(csv, &day)) != CLI_EXIT_OK ||
            (rc = add_day(r, csv, &day, &cap, d)) != CLI_EXIT_OK)
            break;
    }
    if (more < 0)
        rc = CLI_EXIT_INPUT;
    else if (rc == CLI_EXIT_OK && pbsc_course_length(r->course) == 0)
        rc = cli_csv_error(csv, 0, "no days: the header is not followed by any row");
    cli_csv_free(csv);
    return rc;
}

/* pbsc_replay() with the site model: every morning through pbsc_decide_model(). */
static int
decide_model(result *r, pbsc_diag *d, size_t *count)
{
    size_t i, n = pbsc_course_length(r->course);
    int rc;

    for (i = 0; i < n; i++) {
        rc = pbsc_decide_model(r->course, r->policy, r->model, pbsc_course_day(r->course, i)->day,
                               &r->days[i], d);
        if (rc != PBSC_OK)
            return rc;
    }
    *count = n;
    return PBSC_OK;
}

/* The replay, cut at --day, and the final decision. */
static int
decide(const opts *o, result *r, pbsc_diag *d)
{
    size_t i, n = pbsc_course_length(r->course), count = 0;
    int rc;

    r->days = calloc(n, sizeof *r->days);
    if (r->days == NULL)
        return cli_input_error(prog, "out of memory");
    if (o->day > 0) {
        for (i = 0; i < n && pbsc_course_day(r->course, i)->day != o->day; i++)
            ;
        if (i == n)
            return cli_input_error(prog, "--day %ld: %s has no row for that day", o->day,
                                   r->path);
    }
    if (r->model != NULL)
        rc = decide_model(r, d, &count);
    else
        rc = pbsc_replay(r->course, r->policy, r->ce, r->days, n, &count, d);
    if (rc != PBSC_OK)
        return decide_error(r, rc, d);
    r->ndays = count;
    while (o->day > 0 && r->ndays > 0 && r->days[r->ndays - 1].day > o->day)
        r->ndays--;
    r->final = r->days[r->ndays - 1];
    if (r->model != NULL) { /* the CE the last morning used, at its WBC */
        rc = pbsc_model_ce(r->model, pbsc_course_day(r->course, r->ndays - 1)->wbc, DNAN,
                           &r->user_ce, d);
        if (rc != PBSC_OK)
            return decide_error(r, rc, d);
        r->ce = &r->user_ce;
    }
    return CLI_EXIT_OK;
}

static int
compute(const opts *o, result *r)
{
    pbsc_diag d;
    int rc;

    pbsc_diag_clear(&d);
    if ((rc = load_policy(o, r, &d)) != CLI_EXIT_OK ||
        (rc = load_presets(o, r, &d)) != CLI_EXIT_OK ||
        (rc = new_course(o, r, &d)) != CLI_EXIT_OK ||
        (rc = read_course(o, r, &d)) != CLI_EXIT_OK)
        return rc;
    return decide(o, r, &d);
}

static void
result_free(result *r)
{
    pbsc_model_free(r->model);
    pbsc_policy_free(r->owned);
    pbsc_course_free(r->course);
    free(r->lines);
    free(r->days);
}

/* ---- text -------------------------------------------------------------------------- */

#define F(buf, dec, v) cli_fmt(buf, sizeof buf, dec, v)

/* A measurement as given ("%g"), or "-" when not measured. */
static void
cell_g(cli_table *t, double v)
{
    if (isnan(v))
        cli_table_cell(t, "-");
    else
        cli_table_cell(t, "%g", v);
}

static void
text_days(cli_table *t, const result *r)
{
    size_t i;

    cli_table_cell(t, "day");
    cli_table_cell(t, "cd34");
    cli_table_cell(t, "wbc");
    cli_table_cell(t, "plerixafor_mg");
    cli_table_cell(t, "processed_l");
    cli_table_cell(t, "collected");
    cli_table_cell(t, "action");
    cli_table_cell(t, "rule");
    for (i = 0; i < r->ndays; i++) {
        const pbsc_day *day = pbsc_course_day(r->course, i);

        cli_table_cell(t, "%ld", day->day);
        cell_g(t, day->cd34);
        cell_g(t, day->wbc);
        cell_g(t, day->plerixafor_mg);
        cell_g(t, day->processed_l);
        cell_g(t, day->collected);
        cli_table_cell(t, "%s", pbsc_action_name(r->days[i].action));
        cli_table_cell(t, "%s", r->days[i].rule);
    }
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
        n = snprintf(buf + used, size - used, "%s%s", used > 0 ? ", " : "",
                     pbsc_warning_name(bit));
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (buf[0] == '\0')
        snprintf(buf, size, "none");
}

static void
text_action(cli_table *t, const pbsc_decision *f)
{
    const pbsc_projection *p = &f->projection;
    char a[64], b[64], c[64];

    if (f->action == PBSC_ACTION_COLLECT) {
        cli_table_cell(t, "process");
        cli_table_cell(t, "%s L (%s x TBV of %s L)", F(a, 1, f->volume_l),
                       F(b, 2, f->volume_l / p->tbv_l), F(c, 2, p->tbv_l));
        cli_table_cell(t, "projected yield");
        cli_table_cell(t, "%s x10^6/kg (median), %s - %s (%g%% interval)", F(a, 2, p->median),
                       F(b, 2, p->lower), F(c, 2, p->upper), 100.0 * p->level);
        cli_table_cell(t, "P(yield >= remaining)");
        cli_table_cell(t, "%s", F(a, 3, p->p_dose));
    }
    /* a plerixafor decision, or collect today and plerixafor tonight */
    if (!isnan(f->plerixafor_mg)) {
        cli_table_cell(t, "plerixafor");
        cli_table_cell(t, "%s mg tonight (%s), apheresis day %ld", F(a, 1, f->plerixafor_mg),
                       f->salvage ? "salvage" : "pre-emptive", f->apheresis_day);
    }
}

/* The model the decisions used, if any, and the forecast's probabilities. */
static void
text_model(cli_table *t, const result *r)
{
    const pbsc_decision *f = &r->final;
    char a[64], b[64];

    if (r->model != NULL && r->o->model != NULL) {
        cli_table_cell(t, "model");
        cli_table_cell(t, "%s (site model)", r->o->model);
    } else if (r->model != NULL) {
        cli_table_cell(t, "model");
        cli_table_cell(t, "literature defaults (pbsc_model_new(3)): no --model given");
    } else if (r->forecast) {
        cli_table_cell(t, "model");
        cli_table_cell(t, "literature defaults (pbsc_model_new(3)) with the CE model above");
    }
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

static void
text_decision(cli_table *t, const result *r)
{
    const pbsc_decision *f = &r->final;
    double wbc = pbsc_course_day(r->course, r->ndays - 1)->wbc;
    pbsc_model_params p;
    char a[64], b[64], w[256];

    memset(&p, 0, sizeof p);
    if (r->model != NULL)
        pbsc_model_get(r->model, &p);

    cli_table_cell(t, "day");
    cli_table_cell(t, "%ld", f->day);
    cli_table_cell(t, "action");
    cli_table_cell(t, "%s", pbsc_action_name(f->action));
    cli_table_cell(t, "rule");
    cli_table_cell(t, "%s", f->rule);
    cli_table_cell(t, "reason");
    cli_table_cell(t, "%s", f->reason);
    text_action(t, f);
    cli_table_cell(t, "goal");
    cli_table_cell(t, "%s x10^6/kg (minimum %s)", F(a, 2, f->goal), F(b, 2, f->minimum));
    cli_table_cell(t, "collected");
    cli_table_cell(t, "%s x10^6/kg before today (%lu apheresis day%s, %lu plerixafor dose%s)",
                   F(a, 2, f->collected), (unsigned long)f->aphereses,
                   f->aphereses == 1 ? "" : "s", (unsigned long)f->plerixafor_doses,
                   f->plerixafor_doses == 1 ? "" : "s");
    cli_table_cell(t, "remaining");
    cli_table_cell(t, "%s x10^6/kg", F(a, 2, f->remaining));
    warning_list(f->warnings, w, sizeof w);
    cli_table_cell(t, "warnings");
    cli_table_cell(t, "%s", w);
    cli_table_cell(t, "policy");
    cli_table_cell(t, "%s version %s: %s", f->policy_id, f->policy_version, r->info.source);
    cli_table_cell(t, "CE model");
    if (r->model != NULL && !isnan(wbc) && p.ce_wbc_slope != 0.0)
        cli_table_cell(t, "%s: median %s at day %ld's WBC %g, sigma %s", r->ce->id,
                       F(a, 3, r->ce->median), f->day, wbc, F(b, 3, r->ce->sigma));
    else
        cli_table_cell(t, "%s: median %s, sigma %s", r->ce->id, F(a, 3, r->ce->median),
                       F(b, 3, r->ce->sigma));
    text_model(t, r);
    cli_table_cell(t, "library");
    cli_table_cell(t, "libpbsc %s", f->library_version);
}

static int
print_text(const result *r)
{
    cli_table *days = cli_table_new(8), *dec = cli_table_new(2);
    int rc = -1;

    if (days != NULL && dec != NULL) {
        text_days(days, r);
        text_decision(dec, r);
    }
    if (cli_table_ok(days) && cli_table_ok(dec)) {
        cli_table_print(days, stdout);
        printf("\ndecision for the morning of day %ld (policy %s)\n", r->final.day,
               r->info.id);
        cli_table_print(dec, stdout);
        rc = 0;
    }
    cli_table_free(days);
    cli_table_free(dec);
    return rc;
}

/* ---- JSON -------------------------------------------------------------------------- */

static void
json_days(cli_json *j, const result *r)
{
    size_t i;

    cli_json_begin_array(j, "days");
    for (i = 0; i < r->ndays; i++) {
        const pbsc_day *day = pbsc_course_day(r->course, i);

        cli_json_begin_object(j, NULL);
        cli_json_number_member(j, "day", (double)day->day);
        cli_json_number_member(j, "cd34", day->cd34);
        cli_json_number_member(j, "wbc", day->wbc);
        cli_json_number_member(j, "plt", day->plt);
        cli_json_number_member(j, "plerixafor_mg", day->plerixafor_mg);
        cli_json_number_member(j, "processed_l", day->processed_l);
        cli_json_number_member(j, "collected_e6_per_kg", day->collected);
        cli_json_string_member(j, "action", pbsc_action_name(r->days[i].action));
        cli_json_string_member(j, "rule", r->days[i].rule);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
}

static void
json_decision(cli_json *j, const pbsc_decision *f)
{
    const pbsc_projection *p = &f->projection;
    int collect = f->action == PBSC_ACTION_COLLECT;
    int plerixafor = !isnan(f->plerixafor_mg); /* tonight, with or without a session today */
    unsigned bit;

    cli_json_begin_object(j, "decision");
    cli_json_number_member(j, "day", (double)f->day);
    cli_json_string_member(j, "action", pbsc_action_name(f->action));
    cli_json_string_member(j, "rule", f->rule);
    cli_json_string_member(j, "reason", f->reason);
    cli_json_number_member(j, "cd34", f->cd34);
    cli_json_number_member(j, "wbc", f->wbc);
    cli_json_number_member(j, "threshold", f->threshold);
    cli_json_number_member(j, "collected", f->collected);
    cli_json_number_member(j, "remaining", f->remaining);
    cli_json_size_member(j, "aphereses", f->aphereses);
    cli_json_size_member(j, "plerixafor_doses", f->plerixafor_doses);
    cli_json_number_member(j, "volume_l", collect ? f->volume_l : DNAN);
    if (collect) {
        cli_json_begin_object(j, "yield");
        cli_json_number_member(j, "median", p->median);
        cli_json_number_member(j, "lower", p->lower);
        cli_json_number_member(j, "upper", p->upper);
        cli_json_number_member(j, "level", p->level);
        cli_json_number_member(j, "probability_of_remaining", p->p_dose);
        cli_json_end_object(j);
    } else {
        cli_json_null_member(j, "yield");
    }
    cli_json_number_member(j, "plerixafor_mg", plerixafor ? f->plerixafor_mg : DNAN);
    if (plerixafor) {
        cli_json_number_member(j, "apheresis_day", (double)f->apheresis_day);
        cli_json_bool_member(j, "salvage", f->salvage);
    } else {
        cli_json_null_member(j, "apheresis_day");
        cli_json_null_member(j, "salvage");
    }
    cli_json_number_member(j, "p_goal_without", f->p_goal_without);
    cli_json_number_member(j, "p_goal_with", f->p_goal_with);
    cli_json_begin_array(j, "warnings");
    for (bit = 1; bit != 0; bit <<= 1)
        if (f->warnings & bit)
            cli_json_string_member(j, NULL, pbsc_warning_name(bit));
    cli_json_end_array(j);
    cli_json_end_object(j);
}

/* null: no model (pbsc_replay() with the CE model); else the file, or null for the
 * literature defaults. */
static void
json_model(cli_json *j, const result *r)
{
    if (r->model == NULL && !r->forecast) {
        cli_json_null_member(j, "model");
        return;
    }
    cli_json_begin_object(j, "model");
    cli_json_string_member(j, "file", r->model != NULL ? r->o->model : NULL);
    cli_json_bool_member(j, "literature_defaults", r->o->model == NULL);
    cli_json_end_object(j);
}

static void
print_json(const result *r)
{
    cli_json j;

    cli_json_init(&j, stdout);
    cli_json_begin_object(&j, NULL);
    cli_json_string_member(&j, "library_version", pbsc_version_string());
    cli_json_begin_object(&j, "policy");
    cli_json_string_member(&j, "id", r->info.id);
    cli_json_string_member(&j, "version", r->info.version);
    cli_json_string_member(&j, "name", r->info.name);
    cli_json_string_member(&j, "source", r->info.source);
    cli_json_string_member(&j, "provenance", r->info.provenance);
    cli_json_end_object(&j);
    cli_json_begin_object(&j, "ce_model");
    cli_json_string_member(&j, "id", r->ce->id);
    cli_json_number_member(&j, "median", r->ce->median);
    cli_json_number_member(&j, "sigma", r->ce->sigma);
    cli_json_end_object(&j);
    json_model(&j, r);
    cli_json_string_member(&j, "regimen", regimens[r->o->regimen]);
    cli_json_number_member(&j, "goal", r->final.goal);
    cli_json_number_member(&j, "minimum", r->final.minimum);
    json_days(&j, r);
    json_decision(&j, &r->final);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

/* ---- TSV --------------------------------------------------------------------------- */

/* A measurement as given, or an empty field when not measured. */
static void
tsv_g(double v, char sep)
{
    if (!isnan(v))
        printf("%g", v);
    fputc(sep, stdout);
}

static void
print_tsv(const result *r)
{
    size_t i;

    fputs("day\tcd34\twbc\tplerixafor_mg\tprocessed_l\tcollected_e6_per_kg\taction\trule\n",
          stdout);
    for (i = 0; i < r->ndays; i++) {
        const pbsc_day *day = pbsc_course_day(r->course, i);

        printf("%ld\t", day->day);
        tsv_g(day->cd34, '\t');
        tsv_g(day->wbc, '\t');
        tsv_g(day->plerixafor_mg, '\t');
        tsv_g(day->processed_l, '\t');
        tsv_g(day->collected, '\t');
        fputs(pbsc_action_name(r->days[i].action), stdout);
        fputc('\t', stdout);
        cli_tsv_string(stdout, r->days[i].rule);
        fputc('\n', stdout);
    }
}

/* ---- --list-policies --------------------------------------------------------------- */

static void
list_text(void)
{
    size_t i;

    for (i = 0; i < pbsc_policy_count(); i++) {
        pbsc_policy_info info;

        pbsc_policy_info_get(pbsc_policy_get(i), &info);
        printf("%s%s (version %s)\n", i > 0 ? "\n" : "", info.id, info.version);
        printf("  name        %s\n", info.name);
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

        pbsc_policy_info_get(pbsc_policy_get(i), &info);
        cli_json_begin_object(&j, NULL);
        cli_json_string_member(&j, "id", info.id);
        cli_json_string_member(&j, "version", info.version);
        cli_json_string_member(&j, "name", info.name);
        cli_json_string_member(&j, "source", info.source);
        cli_json_string_member(&j, "provenance", info.provenance);
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

    fputs("id\tversion\tname\tsource\tprovenance\n", stdout);
    for (i = 0; i < pbsc_policy_count(); i++) {
        pbsc_policy_info info;
        const char *f[5];
        size_t k;

        pbsc_policy_info_get(pbsc_policy_get(i), &info);
        f[0] = info.id;
        f[1] = info.version;
        f[2] = info.name;
        f[3] = info.source;
        f[4] = info.provenance;
        for (k = 0; k < 5; k++) {
            cli_tsv_string(stdout, f[k]);
            fputc(k < 4 ? '\t' : '\n', stdout);
        }
    }
}

static int
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
    if (rc == CLI_EXIT_OK) {
        if (o.format == CLI_FORMAT_JSON)
            print_json(&r);
        else if (o.format == CLI_FORMAT_TSV)
            print_tsv(&r);
        else if (print_text(&r) != 0)
            rc = cli_input_error(prog, "out of memory");
    }
    result_free(&r);
    return rc == CLI_EXIT_OK ? cli_finish(prog, CLI_EXIT_OK) : rc;
}

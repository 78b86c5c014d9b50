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

static const char prog[] = "pbsc-decide";

/* NAN is a float constant; DNAN keeps the arithmetic double (-Wdouble-promotion). */
#define DNAN ((double)NAN)

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
    {"weight-lb", required_argument, NULL, OPT_WEIGHT_LB},
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

/* The course CSV's columns, in the order of the COL_ indices, and the quantity each sets
 * with pbsc_course_set(). */
static const char *const columns[] = {"day",
                                      "cd34",
                                      "wbc",
                                      "plt",
                                      "hct",
                                      "plerixafor_mg",
                                      "motixafortide_mg",
                                      "processed_l",
                                      "collected_e6_per_kg",
                                      NULL};
static const char *const required_columns[] = {"day", NULL};
enum {
    COL_DAY,
    COL_CD34,
    COL_WBC,
    COL_PLT,
    COL_HCT,
    COL_PLERIXAFOR,
    COL_MOTIXAFORTIDE,
    COL_PROCESSED,
    COL_COLLECTED,
    NCOLS
};
static const pbsc_quantity column_quantity[NCOLS] = {
    PBSC_Q_DAY, PBSC_Q_CD34_UL, PBSC_Q_WBC, PBSC_Q_PLT, PBSC_Q_HCT, PBSC_Q_PLERIXAFOR_MG,
    PBSC_Q_MOTIXAFORTIDE_MG, PBSC_Q_VOLUME_L, PBSC_Q_COLLECTED};

/* What the user asked for; NAN / NULL / 0 = not given. */
typedef struct opts {
    const char *policy;
    double goal, minimum;
    const char *target;
    double weight, weight_lb, height, age, crcl, recipient;
    pbsc_sex sex;
    int regimen;
    const char *device;
    double ce, ce_sigma;
    const char *model; /* a pbsc-model(5) file */
    long day;          /* 0: the whole course */
    int list_policies;
    cli_format format;
    const char *path;
} opts;

/* One course row as the file gives it (v[COL_DAY] unused), and its line. */
typedef struct row {
    long day;
    long line;
    double v[NCOLS];
} row;

/* Everything printed, computed before anything is printed. */
typedef struct result {
    const opts *o;
    const pbsc_policy *policy;
    pbsc_policy *owned; /* a policy read from a file */
    pbsc_policy_info info;
    pbsc_model *model; /* --model, or --device/--ce as a model; NULL: the literature model */
    const pbsc_target *target;
    double weight_kg; /* --weight, or --weight-lb converted */
    pbsc_course *course;
    char path[256]; /* the course file as messages name it */
    row *rows;
    size_t nrows, cap;   /* rows read */
    size_t shown;        /* rows shown: the whole course, or up to --day */
    pbsc_decision *points;
    size_t npoints; /* decision points shown */
    const pbsc_decision *final;
} result;

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
         "  day                  day 1 = first G-CSF dose (chemo: first chemotherapy day)\n"
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
         "  --regimen R            gcsf (default), chemo or upfront\n"
         "Person apheresed:\n"
         "  --weight KG            weight (required; or --weight-lb LB)\n"
         "  --recipient-weight KG  a healthy donor's course: the recipient's weight\n"
         "                         (default: autologous)\n"
         "  --age Y                age, years: under 18 a child (paediatric blood volume,\n"
         "                         plerixafor per kg); unknown: adult, per kg\n"
         "  --height CM, --sex m|f for Nadler's blood volume (adults; else 70 mL/kg)\n"
         "  --crcl ML_MIN          creatinine clearance (the plerixafor dose; unknown is\n"
         "                         dosed as normal and warned)\n"
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
         "                         recommendation; json: both; tsv: the table only\n"
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

/* The course CSV's column for a field the library names. */
static const char *
column_of(const char *field)
{
    if (strcmp(field, "collected") == 0)
        return "collected_e6_per_kg";
    if (strcmp(field, "volume_l") == 0)
        return "processed_l";
    return field;
}

/* "prog: FILE:LINE: column: text" for a library error about one line of a file. The column
 * is `column`, else the diagnostic's field as a column; a text that starts with the
 * library's name for the field ("volume_l 70 L is outside ...") names the column instead. */
static int
file_error(const char *file, long line, const char *column, int status, const pbsc_diag *d)
{
    const char *text = d->text[0] != '\0' ? d->text : pbsc_strerror(status);
    size_t n = strlen(d->field);

    if (column == NULL && n > 0)
        column = column_of(d->field);
    if (line > 0)
        fprintf(stderr, "%s: %s:%ld: ", prog, file, line);
    else
        fprintf(stderr, "%s: %s: ", prog, file);
    if (column != NULL)
        fprintf(stderr, "%s: ", column);
    if (column != NULL && n > 0 && strcmp(column, d->field) != 0 &&
        strncmp(text, d->field, n) == 0 && text[n] == ' ')
        fprintf(stderr, "%s%s\n", column, text + n);
    else
        fprintf(stderr, "%s\n", text);
    return CLI_EXIT_INPUT;
}

/* A library error while deciding: on the CSV line of the day it names, if it names one. */
static int
decide_error(const result *r, int status, const pbsc_diag *d)
{
    size_t i;

    for (i = 0; d->day > 0 && i < r->nrows; i++)
        if (r->rows[i].day == d->day)
            return file_error(r->path, r->rows[i].line, NULL, status, d);
    cli_diag_error(prog, status, d);
    if (status == PBSC_E_MISSING &&
        (strcmp(d->field, "goal") == 0 || strcmp(d->field, "minimum") == 0))
        fprintf(stderr, "%s: give --target, or --goal and --minimum\n", prog);
    return CLI_EXIT_INPUT;
}

/* ---- computing --------------------------------------------------------------------- */

/* A preset by id, else a policy file. */
static int
load_policy(const opts *o, result *r, pbsc_diag *d)
{
    int rc;

    pbsc_policy_info_init(&r->info);
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
        return file_error(o->policy, d->line, NULL, rc, d);
    r->policy = r->owned;
    return pbsc_policy_info_get(r->policy, &r->info) == PBSC_OK
               ? CLI_EXIT_OK
               : cli_input_error(prog, "--policy: no policy information");
}

/* --model; or --device / --ce made a model; or none (NULL: the literature model). */
static int
load_model(const opts *o, result *r, pbsc_diag *d)
{
    const pbsc_ce_model *ce = NULL;
    pbsc_ce_model user;
    int rc;

    if (o->model != NULL)
        return cli_model_read(prog, o->model, &r->model);
    if (o->device != NULL && (rc = pbsc_ce_find(o->device, &ce, d)) != PBSC_OK)
        return cli_diag_error(prog, rc, d);
    if (!isnan(o->ce)) {
        double sigma = isnan(o->ce_sigma) ? pbsc_ce_default()->sigma : o->ce_sigma;

        if ((rc = pbsc_ce_user(o->ce, sigma, &user, d)) != PBSC_OK)
            return cli_diag_error(prog, rc, d);
        ce = &user;
    }
    if (ce != NULL && (rc = pbsc_model_from_ce(ce, &r->model, d)) != PBSC_OK)
        return cli_diag_error(prog, rc, d);
    return CLI_EXIT_OK;
}

/* The target preset and the model; CLI_EXIT_* */
static int
load_presets(const opts *o, result *r, pbsc_diag *d)
{
    int rc;

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

    r->weight_kg = o->weight;
    if (!isnan(o->weight_lb) && (rc = pbsc_lb_to_kg(o->weight_lb, &r->weight_kg, d)) != PBSC_OK)
        return cli_diag_error(prog, rc, d);
    pbsc_person_init(&person);
    person.weight_kg = r->weight_kg;
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

/* Room for one more row. */
static int
grow_rows(result *r)
{
    if (r->nrows == r->cap) {
        size_t cap = r->cap ? 2 * r->cap : 16;
        row *rows = realloc(r->rows, cap * sizeof *rows);

        if (rows == NULL)
            return cli_input_error(prog, "out of memory");
        r->rows = rows;
        r->cap = cap;
    }
    return CLI_EXIT_OK;
}

/* The current record's day: a number of the day's range, after the last row's. */
static int
read_day(result *r, const cli_csv *csv, long *day, pbsc_diag *d)
{
    long line = cli_csv_line(csv);
    int rc;

    if ((rc = cli_csv_long(csv, COL_DAY, 1, day, NULL)) != CLI_EXIT_OK)
        return rc;
    if ((rc = pbsc_check(PBSC_Q_DAY, (double)*day, d)) != PBSC_OK)
        return file_error(r->path, line, "day", rc, d);
    if (r->nrows > 0 && *day == r->rows[r->nrows - 1].day)
        return cli_csv_error(csv, line, "day: day %ld is given twice", *day);
    if (r->nrows > 0 && *day < r->rows[r->nrows - 1].day)
        return cli_csv_error(csv, line, "day: day %ld comes after day %ld: days must increase",
                             *day, r->rows[r->nrows - 1].day);
    return CLI_EXIT_OK;
}

/* One CSV record into the course: pbsc_course_set() for each non-empty cell, or for a row
 * with only its day, a "not measured" count that creates the row. */
static int
read_row(result *r, const cli_csv *csv, pbsc_diag *d)
{
    row *w;
    size_t k;
    int rc, any = 0;

    if ((rc = grow_rows(r)) != CLI_EXIT_OK)
        return rc;
    w = &r->rows[r->nrows];
    w->line = cli_csv_line(csv);
    if ((rc = read_day(r, csv, &w->day, d)) != CLI_EXIT_OK)
        return rc;
    w->v[COL_DAY] = (double)w->day;
    for (k = COL_CD34; k < NCOLS; k++)
        if ((rc = cli_csv_double(csv, k, &w->v[k])) != CLI_EXIT_OK)
            return rc;
    for (k = COL_CD34; k < NCOLS; k++) {
        if (isnan(w->v[k]))
            continue;
        any = 1;
        if ((rc = pbsc_course_set(r->course, w->day, column_quantity[k], w->v[k], d)) !=
            PBSC_OK)
            return file_error(r->path, w->line, columns[k], rc, d);
    }
    if (!any && (rc = pbsc_course_set(r->course, w->day, PBSC_Q_CD34_UL, DNAN, d)) != PBSC_OK)
        return file_error(r->path, w->line, "day", rc, d);
    r->nrows++;
    return CLI_EXIT_OK;
}

static int
read_course(const opts *o, result *r, pbsc_diag *d)
{
    cli_csv *csv;
    int rc = CLI_EXIT_OK, more;

    if ((rc = cli_csv_open(prog, o->path, columns, required_columns, &csv)) != CLI_EXIT_OK)
        return rc;
    snprintf(r->path, sizeof r->path, "%s", cli_csv_path(csv));
    while ((more = cli_csv_next(csv)) == 1)
        if ((rc = read_row(r, csv, d)) != CLI_EXIT_OK)
            break;
    if (more < 0)
        rc = CLI_EXIT_INPUT;
    else if (rc == CLI_EXIT_OK && r->nrows == 0)
        rc = cli_csv_error(csv, 0, "no days: the header is not followed by any row");
    cli_csv_free(csv);
    return rc;
}

/* Every decision point in one pbsc_replay(), cut at --day; the final recommendation is the
 * last point shown. */
static int
decide(const opts *o, result *r, pbsc_diag *d)
{
    size_t i, capacity = 2 * r->nrows, count = 0;
    int rc;

    r->shown = r->nrows;
    if (o->day > 0) {
        for (i = 0; i < r->nrows && r->rows[i].day != o->day; i++)
            ;
        if (i == r->nrows)
            return cli_input_error(prog, "--day %ld: %s has no row for that day", o->day,
                                   r->path);
        r->shown = i + 1;
    }
    r->points = malloc(capacity * sizeof *r->points);
    if (r->points == NULL)
        return cli_input_error(prog, "out of memory");
    for (i = 0; i < capacity; i++)
        pbsc_decision_init(&r->points[i]);
    rc = pbsc_replay(r->course, r->policy, r->model, r->points, capacity, &count, d);
    if (rc != PBSC_OK)
        return decide_error(r, rc, d);
    r->npoints = count;
    while (o->day > 0 && r->npoints > 0 && r->points[r->npoints - 1].day > o->day)
        r->npoints--;
    if (r->npoints == 0)
        return cli_input_error(prog, "no decision point");
    r->final = &r->points[r->npoints - 1];
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
    free(r->rows);
    free(r->points);
}

/* ---- what each point shows ---------------------------------------------------------- */

/* The course row of a point (rows and points are both in day order). */
static const row *
row_of(const result *r, const pbsc_decision *p)
{
    size_t i;

    for (i = 0; i < r->shown; i++)
        if (r->rows[i].day == p->day)
            return &r->rows[i];
    return NULL;
}

/* Whether point i is the last of its day (the one that advises tonight's dose). */
static int
last_of_day(const result *r, size_t i)
{
    return i + 1 >= r->npoints || r->points[i + 1].day != r->points[i].day;
}

/* The recorded facts a point's line shows: the morning's counts on the morning, the
 * harvest on the evening, the evening's doses on the day's last point. */
static int
shows(const result *r, size_t i, size_t column)
{
    const pbsc_decision *p = &r->points[i];

    switch (column) {
    case COL_CD34:
    case COL_WBC:
    case COL_PLT:
    case COL_HCT:
        return p->moment == PBSC_MORNING;
    case COL_PROCESSED:
    case COL_COLLECTED:
        return p->moment == PBSC_EVENING;
    case COL_PLERIXAFOR:
    case COL_MOTIXAFORTIDE:
        return last_of_day(r, i);
    default:
        return 0;
    }
}

/* A recorded value of point i's line, or NAN when the line does not show it. */
static double
fact(const result *r, size_t i, size_t column)
{
    const row *w = row_of(r, &r->points[i]);

    return w != NULL && shows(r, i, column) ? w->v[column] : DNAN;
}

static int
any_motixafortide(const result *r)
{
    size_t i;

    for (i = 0; i < r->shown; i++)
        if (!isnan(r->rows[i].v[COL_MOTIXAFORTIDE]))
            return 1;
    return 0;
}

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

/* How the dose was worked out, in words (the numbers are the label's, pbsc.h). */
static const char *
basis_text(pbsc_dose_basis b)
{
    switch (b) {
    case PBSC_DOSE_PER_KG:
        return "0.24 mg/kg";
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

/* Why tonight's dose: after a poor harvest, the first, or a later one. */
static const char *
dose_kind(const pbsc_dose *t)
{
    if (t->salvage)
        return "salvage";
    return t->number <= 1 ? "pre-emptive" : "continuing";
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
            cli_table_cell(t, "%s %s mg", pbsc_drug_name(p->tonight.drug),
                           F(a, 1, p->tonight.mg));
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
        n = snprintf(buf + used, size - used, "%s%s", used > 0 ? ", " : "",
                     pbsc_warning_name(bit));
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
    cli_table_cell(t, "%s, %s kg; %s", basis_text(f->tonight.basis), F(a, 1, r->weight_kg),
                   dose_kind(&f->tonight));
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

/* The person as given: weight (and pounds), age, the recipient of a donor's course. */
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
    cli_table_cell(t, "%s version %s: %s", f->policy_id, f->policy_version, r->info.source);
    text_model(t, r, f);
    cli_table_cell(t, "library");
    cli_table_cell(t, "libpbsc %s", f->library_version);
}

static int
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
        if (k < r->npoints && r->points[k].day == w->day &&
            r->points[k].moment == PBSC_MORNING)
            json_point(j, "morning", &r->points[k++]);
        else
            cli_json_null_member(j, "morning");
        if (k < r->npoints && r->points[k].day == w->day &&
            r->points[k].moment == PBSC_EVENING)
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

static void
json_regimens(cli_json *j, unsigned bits)
{
    size_t i;

    cli_json_begin_array(j, "regimens");
    for (i = 0; regimens[i] != NULL; i++)
        if (bits & (1u << i))
            cli_json_string_member(j, NULL, regimens[i]);
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
    json_policy(&j, &r->info);
    cli_json_end_object(&j);
    cli_json_string_member(&j, "model_file", r->o->model);
    cli_json_string_member(&j, "regimen", regimens[r->o->regimen]);
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

static void
print_tsv(const result *r)
{
    static const size_t shown[] = {COL_CD34,         COL_WBC,           COL_PLT,
                                   COL_HCT,          COL_PLERIXAFOR,    COL_MOTIXAFORTIDE,
                                   COL_PROCESSED,    COL_COLLECTED};
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

static void
regimens_text(unsigned bits, char *buf, size_t size)
{
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; regimens[i] != NULL && used < size; i++) {
        int n;

        if (!(bits & (1u << i)))
            continue;
        n = snprintf(buf + used, size - used, "%s%s", used > 0 ? ", " : "", regimens[i]);
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
        char scope[64], regs[64];

        pbsc_policy_info_init(&info);
        pbsc_policy_info_get(pbsc_policy_get(i), &info);
        scope_text(info.scope, scope, sizeof scope);
        regimens_text(info.regimens, regs, sizeof regs);
        printf("%s%s (version %s)\n", i > 0 ? "\n" : "", info.id, info.version);
        printf("  name        %s\n", info.name);
        printf("  scope       %s; regimens %s; %s\n", scope, regs,
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

    fputs("id\tversion\tname\tsource\tprovenance\tscope\tregimens\tmodel_based\n", stdout);
    for (i = 0; i < pbsc_policy_count(); i++) {
        pbsc_policy_info info;
        char scope[64], regs[64];
        const char *f[7];
        size_t k;

        pbsc_policy_info_init(&info);
        pbsc_policy_info_get(pbsc_policy_get(i), &info);
        scope_text(info.scope, scope, sizeof scope);
        regimens_text(info.regimens, regs, sizeof regs);
        f[0] = info.id;
        f[1] = info.version;
        f[2] = info.name;
        f[3] = info.source;
        f[4] = info.provenance;
        f[5] = scope;
        f[6] = regs;
        for (k = 0; k < 7; k++) {
            cli_tsv_string(stdout, f[k]);
            fputc('\t', stdout);
        }
        printf("%s\n", info.model_based ? "yes" : "no");
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

/* SPDX-License-Identifier: MIT */
/* pbsc-calibrate: fit a site model to a history of past aphereses, report how well it fits,
 * and write it as a pbsc-model(5) file for pbsc-yield and pbsc-decide --model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pbsc.h>

#include "calibrate-categorical.h"
#include "calibrate.h"

static const char prog[] = "pbsc-calibrate";


enum { OPT_FORMAT = 256, OPT_FORCE, OPT_POPULATION, OPT_WRITE_POPULATION, OPT_HELP, OPT_VERSION };

static const struct option options[] = {
    {"output", required_argument, NULL, 'o'},    {"format", required_argument, NULL, OPT_FORMAT},
    {"force", no_argument, NULL, OPT_FORCE},     {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {"population", required_argument, NULL, OPT_POPULATION},
    {"write-population", required_argument, NULL, OPT_WRITE_POPULATION},
    {NULL, 0, NULL, 0}};

/* --format words: the report is a text table or JSON; TSV has no one-row shape here. */
static const char *const formats[] = {"text", "json", NULL};

/* The history CSV's named columns (pbsc-calibrate(1)), in this order in the COL_ indices;
 * every other column is a covariate of the risk model. */
static const char *const columns[] = {
    "cd34",    "processed_l", "weight_kg", "collected_e6_per_kg", "recipient_weight_kg",
    "patient", "wbc",         "hct",       "next_cd34",           "poor",
    NULL};
static const char *const required_columns[] = {"cd34", "processed_l", "weight_kg",
                                               "collected_e6_per_kg", NULL};
enum {
    COL_CD34,
    COL_PROCESSED,
    COL_WEIGHT,
    COL_COLLECTED,
    COL_RECIPIENT,
    COL_PATIENT,
    COL_WBC,
    COL_HCT,
    COL_NEXT,
    COL_POOR
};

#define COVARIATE_HINT                                                                             \
    "a covariate other than sex and diagnosis is a number: code a category as 0/1 columns "        \
    "such as prior_radiotherapy; leave the cell empty when not recorded"



/* A row read, before the categorical columns are coded: the extra cells as numbers, a
 * categorical one as its level (-1 none). */
typedef struct pending {
    pbsc_history_row row;
    long line;
} pending;


static void
usage(void)
{
    printf("Usage: %s [-o MODEL] [--write-population FILE [--population FILE]] [--force]\n"
           "       [--format=F] HISTORY.csv\n"
           "Fit a site model to a history of past aphereses: the site's collection efficiency\n"
           "(CE2, and its dependence on WBC, Hct and the volume), the yield's slope on the\n"
           "pre-count, the count the morning after an apheresis, and a logistic model of poor\n"
           "mobilization; report the fit's quality (cross-validated) and write the model for\n"
           "pbsc-yield and pbsc-decide --model.\n\n",
           prog);
    puts("History (HISTORY.csv, or - for standard input): a header row, then one row per\n"
         "apheresis session; columns in any order; an empty cell is not recorded:\n"
         "  cd34                 pre-apheresis PB CD34, cells/uL (required)\n"
         "  processed_l          blood volume processed, L (required)\n"
         "  weight_kg            weight of the person apheresed (required)\n"
         "  collected_e6_per_kg  the product, x10^6 CD34+/kg recipient (required)\n"
         "  recipient_weight_kg  weight of the recipient (empty: the same person)\n"
         "  patient              an integer id grouping the sessions of one mobilization\n"
         "  wbc, hct             WBC (x10^9/L) and Hct (%) at the pre-apheresis count\n"
         "  next_cd34            PB CD34 the next morning, cells/uL\n"
         "  poor                 the mobilization failed: 1, or not: 0\n"
         "Every other column is a covariate of the risk model, named by its header, e.g.\n"
         "age, prior_lines, lenalidomide_cycles, radiotherapy, plt, day4_cd34: a number.\n"
         "  sex                  m, f, M or F, and\n"
         "  diagnosis            MM, NHL, HL, AL, ST, other or unknown (any case), are coded\n"
         "                       as 0/1 covariates (sex_f, diagnosis_NHL, ...) against their\n"
         "                       most frequent level, stated in the report and the model.\n"
         "Lines starting with # are comments.\n\n"
         "Options:\n"
         "  -o, --output MODEL     write the fitted model (pbsc-model(5)) to MODEL, a new\n"
         "                         file (never the history); with -o - the model goes to\n"
         "                         standard output instead of the report\n"
         "  --population FILE      the virtual population (pbsc-population(5)) the history\n"
         "                         refits: the library's defaults without it\n"
         "  --write-population FILE  write the population refitted to the history (the keys\n"
         "                         a history of aphereses identifies; each key's state as a\n"
         "                         comment) for pbsc-simulate --population; - : to standard\n"
         "                         output instead of the report\n"
         "  --force                replace MODEL (the population FILE) if it exists\n"
         "  --format=F             the report: text (default) or json\n"
         "  --help, --version\n\n"
         "Exit status: 0 success, 1 bad input (or too few rows to fit), 2 usage error.");
}

static int
parse_args(int argc, char *argv[], opts *o)
{
    int c, i = 0, rc;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
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
        if (c == 'o') {
            if (optarg[0] == '\0')
                return cli_usage_error(prog, "-o: empty file name");
            o->output = optarg;
        } else if (c == OPT_FORCE) {
            o->force = 1;
        } else if (c == OPT_POPULATION || c == OPT_WRITE_POPULATION) {
            if (optarg[0] == '\0')
                return cli_usage_error(prog, "--%s: empty file name",
                                       c == OPT_POPULATION ? "population" : "write-population");
            *(c == OPT_POPULATION ? &o->population : &o->write_population) = optarg;
        } else if ((rc = cli_parse_choice(prog, "--format", optarg, formats, &i)) != CLI_EXIT_OK) {
            return rc;
        } else {
            o->json = i == 1;
        }
    }
    if (o->output != NULL && strcmp(o->output, "-") == 0 && o->json)
        return cli_usage_error(prog, "-o - prints the model instead of the report: "
                                     "--format=json has nothing to print");
    if (o->force && (o->output == NULL || strcmp(o->output, "-") == 0) &&
        (o->write_population == NULL || strcmp(o->write_population, "-") == 0))
        return cli_usage_error(prog, "--force: only with -o MODEL or --write-population FILE "
                                     "(a file to replace)");
    if (o->output != NULL && o->write_population != NULL && strcmp(o->output, "-") != 0 &&
        strcmp(o->output, o->write_population) == 0)
        return cli_usage_error(prog, "-o and --write-population name the same file");
    if (o->write_population != NULL && strcmp(o->write_population, "-") == 0 &&
        ((o->output != NULL && strcmp(o->output, "-") == 0) || o->json))
        return cli_usage_error(prog, "--write-population - prints the population instead of "
                                     "the report: not with -o - or --format=json");
    if (argc - optind == 0)
        return cli_usage_error(prog, "a history CSV file (or - for standard input) is "
                                     "required");
    if (argc - optind > 1)
        return cli_usage_error(prog, "one history file at a time");
    o->path = argv[optind];
    return CLI_EXIT_OK;
}

/* ---- errors ------------------------------------------------------------------------ */

/* The history CSV's column for a field the library names. */
static const char *
column_of(const char *field)
{
    if (strcmp(field, "collected") == 0)
        return "collected_e6_per_kg";
    if (strcmp(field, "recipient_kg") == 0)
        return "recipient_weight_kg";
    return field;
}

/* "prog: FILE:LINE: column: text" for a library error about one line of the file, the
 * column named once (cli_field_text()). */
static int
file_error(const char *file, long line, const char *field, int status, const pbsc_diag *d)
{
    const char *text = d->text[0] != '\0' ? d->text : pbsc_strerror(status);

    if (line > 0)
        fprintf(stderr, "%s: %s:%ld: ", prog, file, line);
    else
        fprintf(stderr, "%s: %s: ", prog, file);
    if (field == NULL)
        field = "";
    cli_field_text(stderr, column_of(field), field, text);
    fputc('\n', stderr);
    return CLI_EXIT_INPUT;
}

/* ---- reading the history ----------------------------------------------------------- */

/* The categorical column of extra column e, or NULL. */
static const cat_column *
cat_of(const input *in, size_t e)
{
    size_t k;

    for (k = 0; k < in->ncat; k++)
        if (in->cat[k].extra == e)
            return &in->cat[k];
    return NULL;
}

static int
add_name(input *in, const char *name)
{
    in->cov[in->ncov] = malloc(strlen(name) + 1);
    if (in->cov[in->ncov] == NULL)
        return cli_input_error(prog, "out of memory");
    strcpy(in->cov[in->ncov++], name);
    return CLI_EXIT_OK;
}

/* The covariates (the numeric extra columns, then the categorical ones coded) and the
 * history object. */
static int
new_history(cli_csv *csv, input *in)
{
    size_t i, k, extras = cli_csv_extras(csv);
    pbsc_diag d;
    int rc;

    in->ncov = 0;
    in->cov = calloc(extras + CAT_LEVELS * 2 + 1, sizeof *in->cov);
    if (in->cov == NULL)
        return cli_input_error(prog, "out of memory");
    for (i = 0; i < extras; i++)
        if (cat_of(in, i) == NULL && (rc = add_name(in, cli_csv_extra_name(csv, i))) != 0)
            return rc;
    for (k = 0; k < in->ncat; k++) {
        cat_code(&in->cat[k]);
        for (i = 0; i < in->cat[k].nlevels; i++)
            if (in->cat[k].dummy[i][0] != '\0' && (rc = add_name(in, in->cat[k].dummy[i])) != 0)
                return rc;
    }
    pbsc_diag_clear(&d);
    rc = pbsc_history_new((const char *const *)in->cov, in->ncov, &in->history, &d);
    if (rc == PBSC_OK)
        return CLI_EXIT_OK;
    /* a bad name: the library gives its index as the value */
    if (strcmp(d.field, "covariates") == 0 && d.value >= 0.0 && d.value < (double)in->ncov &&
        rc != PBSC_E_RANGE)
        return file_error(in->path, in->header_line, in->cov[(size_t)d.value], rc, &d);
    return file_error(in->path, in->header_line, d.field, rc, &d);
}

/* The patient id (an integer >= 0, empty = unknown) and the outcome (0/1, empty = not
 * recorded). */
static int
read_ids(const cli_csv *csv, pbsc_history_row *row)
{
    const char *poor;
    char shown[CLI_ESCAPED];
    long v = 0;
    int present = 0, rc;

    if ((rc = cli_csv_long(csv, COL_PATIENT, 0, &v, &present)) != CLI_EXIT_OK)
        return rc;
    if (present && v < 0)
        return cli_csv_error(
            csv, cli_csv_line(csv),
            "patient: '%s' is not an id (an integer >= 0; leave the cell "
            "empty when unknown)",
            cli_escape(shown, sizeof shown, cli_csv_cell(csv, COL_PATIENT), CLI_ESCAPE_MAX));
    row->patient = present ? v : -1;
    poor = cli_csv_cell(csv, COL_POOR);
    if (strcmp(poor, "0") != 0 && strcmp(poor, "1") != 0 && poor[0] != '\0')
        return cli_csv_error(csv, cli_csv_line(csv),
                             "poor: '%s' is not 0 or 1 (leave the cell empty when not "
                             "recorded)",
                             cli_escape(shown, sizeof shown, poor, CLI_ESCAPE_MAX));
    row->poor = poor[0] == '\0' ? -1 : poor[0] - '0';
    return CLI_EXIT_OK;
}

/* One CSV record into a row and its extra cells (a categorical one as its level);
 * CLI_EXIT_* (printed). */
static int
read_row(const cli_csv *csv, input *in, pbsc_history_row *row, double *x)
{
    size_t ncov = cli_csv_extras(csv);
    double *slots[] = {&row->cd34,      &row->processed_l,  &row->weight_kg,
                       &row->collected, &row->recipient_kg, NULL,
                       &row->wbc,       &row->hct,          &row->next_cd34};
    size_t k;
    int rc;

    pbsc_history_row_init(row);
    for (k = COL_CD34; k <= COL_NEXT; k++)
        if (slots[k] != NULL && (rc = cli_csv_double(csv, k, slots[k])) != CLI_EXIT_OK)
            return rc;
    if ((rc = read_ids(csv, row)) != CLI_EXIT_OK)
        return rc;
    for (k = 0; k < ncov; k++) {
        cat_column *c = (cat_column *)cat_of(in, k);
        char why[96], shown[CLI_ESCAPED];
        int level;

        if (c == NULL) {
            if ((rc = cli_csv_extra_double(csv, k, COVARIATE_HINT, &x[k])) != CLI_EXIT_OK)
                return rc;
            continue;
        }
        if (!cat_level(c, cli_csv_extra_cell(csv, k), &level, why, sizeof why))
            return cli_csv_error(
                csv, cli_csv_line(csv), "%s: '%s' %s", c->name,
                cli_escape(shown, sizeof shown, cli_csv_extra_cell(csv, k), CLI_ESCAPE_MAX), why);
        if (level < 0)
            c->missing++;
        else
            c->count[level]++;
        x[k] = (double)level;
    }
    return CLI_EXIT_OK;
}

/* A row's covariates as the history takes them: the numeric cells, then each categorical
 * column's 0/1 covariates (NAN when the row has no level). */
static void
code_row(const input *in, const double *cells, size_t extras, double *x)
{
    size_t e, k, n = 0;
    int i;

    for (e = 0; e < extras; e++)
        if (cat_of(in, e) == NULL)
            x[n++] = cells[e];
    for (k = 0; k < in->ncat; k++)
        for (i = 0; i < (int)in->cat[k].nlevels; i++)
            if (in->cat[k].dummy[i][0] != '\0')
                x[n++] = cat_value((int)cells[in->cat[k].extra], i);
}

/* Adds the row, remembering the CSV line it came from. */
static int
add_row(input *in, long line, const pbsc_history_row *row, const double *x)
{
    size_t n = pbsc_history_length(in->history);
    pbsc_diag d;
    int rc;

    if (n == in->cap) {
        size_t grown = in->cap ? 2 * in->cap : 256;
        long *lines = realloc(in->lines, grown * sizeof *lines);

        if (lines == NULL)
            return cli_input_error(prog, "out of memory");
        in->lines = lines;
        in->cap = grown;
    }
    pbsc_diag_clear(&d);
    if ((rc = pbsc_history_add(in->history, row, x, &d)) != PBSC_OK)
        return file_error(in->path, line, d.field, rc, &d);
    in->lines[n] = line;
    in->wbc_rows += !isnan(row->wbc);
    in->hct_rows += !isnan(row->hct);
    return CLI_EXIT_OK;
}

/* Every row read first (the categorical columns' levels are counted), then coded and
 * added to the history. */
static int
read_rows(cli_csv *csv, input *in, pending **rows, double **cells, size_t *n)
{
    size_t extras = cli_csv_extras(csv), cap = 0;
    int more, rc = CLI_EXIT_OK;

    while ((more = cli_csv_next(csv)) == 1) {
        if (*n == cap) {
            size_t grown = cap ? 2 * cap : 256;
            pending *r = realloc(*rows, grown * sizeof *r);
            double *c = r == NULL ? NULL : realloc(*cells, grown * (extras + 1) * sizeof *c);
            if (r != NULL)
                *rows = r;
            if (c == NULL)
                return cli_input_error(prog, "out of memory");
            *cells = c;
            cap = grown;
        }
        if ((rc = read_row(csv, in, &(*rows)[*n].row, *cells + *n * (extras + 1))) != 0)
            return rc;
        (*rows)[(*n)++].line = cli_csv_line(csv);
    }
    return more < 0 ? CLI_EXIT_INPUT : rc;
}

static int
read_history(const opts *o, input *in)
{
    cli_csv *csv;
    pending *rows = NULL;
    double *cells = NULL, *x = NULL;
    size_t n = 0, i, extras;
    int rc;

    rc = cli_csv_open_extra(prog, o->path, columns, required_columns, &csv);
    if (rc != CLI_EXIT_OK)
        return rc;
    snprintf(in->path, sizeof in->path, "%s", cli_csv_path(csv));
    in->header_line = cli_csv_line(csv);
    extras = cli_csv_extras(csv);
    for (i = 0; i < extras && in->ncat < 2; i++)
        if (cat_is_categorical(cli_csv_extra_name(csv, i)))
            cat_init(&in->cat[in->ncat++], i, cli_csv_extra_name(csv, i));
    if ((rc = read_rows(csv, in, &rows, &cells, &n)) == CLI_EXIT_OK && n == 0)
        rc = cli_csv_error(csv, 0, "no sessions: the header is not followed by any row");
    if (rc == CLI_EXIT_OK)
        rc = new_history(csv, in);
    if (rc == CLI_EXIT_OK && (x = calloc(in->ncov + 1, sizeof *x)) == NULL)
        rc = cli_input_error(prog, "out of memory");
    for (i = 0; rc == CLI_EXIT_OK && i < n; i++) {
        code_row(in, cells + i * (extras + 1), extras, x);
        rc = add_row(in, rows[i].line, &rows[i].row, x);
    }
    free(x);
    free(rows);
    free(cells);
    cli_csv_free(csv);
    return rc;
}

/* ---- fitting and writing ----------------------------------------------------------- */

static int
fit(result *r)
{
    const input *in = &r->in;
    pbsc_diag d;
    int rc;

    pbsc_diag_clear(&d);
    rc = pbsc_calibrate(in->history, &r->model, &r->rep, &d);
    if (rc != PBSC_OK) {
        /* a row the library names (its index) is a line of the file */
        long line = d.line >= 0 && (size_t)d.line < pbsc_history_length(in->history)
                        ? in->lines[d.line]
                        : 0;
        return file_error(in->path, line, strcmp(d.field, "history") == 0 ? NULL : d.field, rc, &d);
    }
    pbsc_model_params_init(&r->params); /* size-tagged: the size first */
    pbsc_model_get(r->model, &r->params);
    pbsc_model_info_init(&r->info);
    pbsc_model_info_get(r->model, &r->info);
    return CLI_EXIT_OK;
}

/* The model as pbsc-model(5) text (malloc'd), or NULL (printed). */
static char *
model_text(const pbsc_model *m, size_t *length)
{
    size_t needed = 0;
    char *text;

    if (pbsc_model_format(m, NULL, 0, &needed) != PBSC_OK || needed == 0) {
        cli_input_error(prog, "the model could not be formatted");
        return NULL;
    }
    text = malloc(needed);
    if (text == NULL) {
        cli_input_error(prog, "out of memory");
        return NULL;
    }
    if (pbsc_model_format(m, text, needed, NULL) != PBSC_OK) {
        free(text);
        cli_input_error(prog, "the model could not be formatted");
        return NULL;
    }
    *length = needed - 1;
    return text;
}

/* -o FILE: the model written through `out` (cli_output_commit()); -o - (out NULL): the
 * model is the output. */
static int
write_model(const result *r, cli_output *out)
{
    size_t length = 0, i;
    char *text = model_text(r->model, &length);
    FILE *fp;

    if (text == NULL) {
        cli_output_abort(out);
        return CLI_EXIT_INPUT;
    }
    fp = out != NULL ? cli_output_file(out) : stdout;
    /* the coding of the categorical columns, which the risk terms' names refer to */
    for (i = 0; i < r->in.ncat; i++) {
        char what[512];
        cat_describe(&r->in.cat[i], what, sizeof what);
        fprintf(fp, "# categorical covariate %s: %s\n", r->in.cat[i].name, what);
    }
    fwrite(text, 1, length, fp);
    free(text);
    return out != NULL ? cli_output_commit(out) : CLI_EXIT_OK;
}

/* ---- main -------------------------------------------------------------------------- */

static void
result_free(result *r)
{
    size_t i;

    pbsc_model_free(r->model);
    calpop_free(&r->pop);
    pbsc_history_free(r->in.history);
    free(r->in.lines);
    for (i = 0; r->in.cov != NULL && i < r->in.ncov; i++)
        free(r->in.cov[i]);
    free(r->in.cov);
}

/* -o FILE is opened first: a refused output (the history itself, an existing file without
 * --force) is reported before any work, and the file is only put in place once the model is
 * fitted and written whole. */
/* --write-population FILE (out) or - (out NULL: standard output). */
static int
write_population(const result *r, cli_output *out)
{
    if (calpop_write(out != NULL ? cli_output_file(out) : stdout, &r->pop, r->o->path) != 0) {
        cli_output_abort(out);
        return cli_input_error(prog, "out of memory");
    }
    return out != NULL ? cli_output_commit(out) : CLI_EXIT_OK;
}

/* The outputs asked for, the model's and the population's (NULL: none, or "-"). */
static int
open_outputs(const opts *o, const result *r, cli_output **model, cli_output **pop)
{
    const char *inputs[] = {o->path, o->population, NULL};
    int rc;

    if (calibrate_model_file(r) != NULL &&
        (rc = cli_output_open(prog, "-o", o->output, inputs, o->force, model)) != CLI_EXIT_OK)
        return rc;
    if (calibrate_population_file(r) != NULL &&
        (rc = cli_output_open(prog, "--write-population", o->write_population, inputs,
                              o->force, pop)) != CLI_EXIT_OK) {
        cli_output_abort(*model);
        *model = NULL;
        return rc;
    }
    return CLI_EXIT_OK;
}

/* -o FILE and --write-population FILE are opened first: a refused output (the history itself,
 * an existing file without --force) is reported before any work, and a file is only put in
 * place once what it holds is fitted and written whole. */
static int
run(const opts *o, result *r)
{
    cli_output *out = NULL, *pout = NULL;
    int rc;

    if ((rc = open_outputs(o, r, &out, &pout)) != CLI_EXIT_OK)
        return rc;
    r->fitted_population = o->population != NULL || o->write_population != NULL;
    if ((rc = read_history(o, &r->in)) != CLI_EXIT_OK || (rc = fit(r)) != CLI_EXIT_OK ||
        (r->fitted_population &&
         (rc = calpop_fit(prog, r->in.history, o->population, &r->pop)) != CLI_EXIT_OK)) {
        cli_output_abort(out);
        cli_output_abort(pout);
        return rc;
    }
    if (o->output != NULL && (rc = write_model(r, out)) != CLI_EXIT_OK) {
        cli_output_abort(pout);
        return rc;
    }
    if (o->write_population != NULL && (rc = write_population(r, pout)) != CLI_EXIT_OK)
        return rc;
    if ((o->output != NULL && strcmp(o->output, "-") == 0) ||
        (o->write_population != NULL && strcmp(o->write_population, "-") == 0))
        return CLI_EXIT_OK;
    if (o->json)
        calibrate_print_json(r);
    else if (calibrate_print_text(r) != 0)
        return cli_input_error(prog, "out of memory");
    return CLI_EXIT_OK;
}

int
main(int argc, char *argv[])
{
    opts o;
    result r;
    int rc;

    memset(&o, 0, sizeof o);
    rc = parse_args(argc, argv, &o);
    if (rc < 0)
        return cli_finish(prog, CLI_EXIT_OK); /* --help or --version */
    if (rc != CLI_EXIT_OK)
        return rc;

    memset(&r, 0, sizeof r);
    r.o = &o;
    rc = run(&o, &r);
    result_free(&r);
    return rc == CLI_EXIT_OK ? cli_finish(prog, CLI_EXIT_OK) : rc;
}

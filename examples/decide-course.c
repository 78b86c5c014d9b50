/* SPDX-License-Identifier: MIT */
/* pbsc-decide: load the policy, the model and the course file, replay the course, and say
 * what each decision point shows; errors name the file's line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pbsc.h>

#include "cli.h"
#include "decide.h"

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
 * is `column`, else the diagnostic's field as a column; named once (cli_field_text()): a
 * text that starts with the library's name for the field ("volume_l 70 L is outside ...")
 * names the column in its place. */
static int
file_error(const char *file, long line, const char *column, int status, const pbsc_diag *d)
{
    const char *text = d->text[0] != '\0' ? d->text : pbsc_strerror(status);

    if (column == NULL && d->field[0] != '\0')
        column = column_of(d->field);
    if (line > 0)
        fprintf(stderr, "%s: %s:%ld: ", prog, file, line);
    else
        fprintf(stderr, "%s: %s: ", prog, file);
    cli_field_text(stderr, column, d->field, text);
    fputc('\n', stderr);
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
int
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
        return cli_input_error(prog,
                               "--policy: '%s' is not a policy preset (see "
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
int
load_presets(const opts *o, result *r, pbsc_diag *d)
{
    int rc;

    if (o->target != NULL && (rc = pbsc_target_find(o->target, &r->target, d)) != PBSC_OK)
        return cli_diag_error(prog, rc, d);
    return load_model(o, r, d);
}

int
new_course(const opts *o, result *r, double weight_kg, pbsc_diag *d)
{
    pbsc_person person;
    double goal = o->goal, minimum = o->minimum;
    int rc;

    r->weight_kg = isnan(o->weight) && isnan(o->weight_lb) ? weight_kg : o->weight;
    if (!isnan(o->weight_lb) && (rc = pbsc_lb_to_kg(o->weight_lb, &r->weight_kg, d)) != PBSC_OK)
        return cli_diag_error(prog, rc, d);
    pbsc_person_init(&person);
    person.weight_kg = r->weight_kg;
    person.height_cm = o->height;
    person.sex = o->sex;
    person.age_years = o->age;
    person.crcl_ml_min = o->crcl;
    person.recipient_kg = o->recipient;
    person.diagnosis = o->diagnosis;
    person.transplants = (int)o->transplants;
    if (r->target != NULL) {
        if (isnan(goal))
            goal = r->target->goal;
        if (isnan(minimum))
            minimum = r->target->minimum;
    }
    rc = pbsc_course_new(&person, o->regimen, goal, minimum, &r->course, d);
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
        return cli_csv_error(csv, line, "day %ld is given twice", *day);
    if (r->nrows > 0 && *day < r->rows[r->nrows - 1].day)
        return cli_csv_error(csv, line, "day %ld comes after day %ld: days must increase", *day,
                             r->rows[r->nrows - 1].day);
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
        if ((rc = pbsc_course_set(r->course, w->day, column_quantity[k], w->v[k], d)) != PBSC_OK)
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
            return cli_input_error(prog, "--day %ld: %s has no row for that day", o->day, r->path);
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

int
compute(const opts *o, result *r)
{
    pbsc_diag d;
    int rc;

    pbsc_diag_clear(&d);
    if ((rc = load_policy(o, r, &d)) != CLI_EXIT_OK ||
        (rc = load_presets(o, r, &d)) != CLI_EXIT_OK ||
        (rc = new_course(o, r, DNAN, &d)) != CLI_EXIT_OK ||
        (rc = read_course(o, r, &d)) != CLI_EXIT_OK)
        return rc;
    return decide(o, r, &d);
}

void
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
double
fact(const result *r, size_t i, size_t column)
{
    const row *w = row_of(r, &r->points[i]);

    return w != NULL && shows(r, i, column) ? w->v[column] : DNAN;
}

/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the example programs' CSV reader (examples/csv.c) over arbitrary bytes,
 * read as pbsc-decide reads a course and as pbsc-calibrate reads a history. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz.h"

#include <errno.h>
#include <stdlib.h>

#include "cli.h"

/* pbsc-decide's course columns (examples/pbsc-decide.c), in its order, and the quantity each
 * sets with pbsc_course_set(). */
static const char *const course_columns[] = {"day",           "cd34",          "wbc",
                                             "plt",           "hct",           "plerixafor_mg",
                                             "motixafortide_mg", "processed_l",
                                             "collected_e6_per_kg", NULL};
#define COURSE_COLUMNS 9
static const pbsc_quantity course_quantities[COURSE_COLUMNS] = {
    PBSC_Q_DAY,          PBSC_Q_CD34_UL,          PBSC_Q_WBC,      PBSC_Q_PLT,
    PBSC_Q_HCT,          PBSC_Q_PLERIXAFOR_MG,    PBSC_Q_MOTIXAFORTIDE_MG,
    PBSC_Q_VOLUME_L,     PBSC_Q_COLLECTED};
static const char *const course_required[] = {"day", NULL};

/* pbsc-calibrate's history columns (examples/pbsc-calibrate.c), in its order; others are
 * covariates. */
static const char *const history_columns[] = {"cd34",      "processed_l", "weight_kg",
                                              "collected_e6_per_kg", "recipient_weight_kg",
                                              "patient",   "wbc",         "hct",
                                              "next_cd34", "poor",        NULL};
static const char *const history_required[] = {"cd34", "processed_l", "weight_kg",
                                               "collected_e6_per_kg", NULL};
enum { H_PATIENT = 5, H_POOR = 9 };

/* The reader prints to stderr and reads "-" from stdin: the harness points both at its
 * own streams for the duration of one open. */
static FILE *devnull;

static FILE *
open_bytes(const uint8_t *data, size_t size, char **copy)
{
    *copy = NULL;
    if (size == 0)
        return fopen("/dev/null", "rb");
    *copy = malloc(size);
    FUZZ_CHECK(*copy != NULL);
    memcpy(*copy, data, size);
    return fmemopen(*copy, size, "rb");
}

static int
open_csv(const uint8_t *data, size_t size, const char *const *columns,
         const char *const *required, int extras, cli_csv **csv)
{
    FILE *in, *saved_in = stdin;
    char *copy;
    int rc;

    in = open_bytes(data, size, &copy);
    FUZZ_CHECK(in != NULL);
    stdin = in;
    *csv = (cli_csv *)(uintptr_t)0xA5A5A5A5u;
    rc = extras ? cli_csv_open_extra("fuzz", "-", columns, required, csv)
                : cli_csv_open("fuzz", "-", columns, required, csv);
    stdin = saved_in;
    fclose(in);
    free(copy);
    FUZZ_CHECK(rc == CLI_EXIT_OK || rc == CLI_EXIT_INPUT);
    FUZZ_CHECK((rc == CLI_EXIT_OK) == (*csv != NULL));
    return rc;
}

/* A cell read as a number: the status is OK or INPUT; OK gives NAN exactly for an empty
 * cell and a finite number otherwise. */
static void
check_double(const cli_csv *csv, const char *cell, int rc, double v)
{
    FUZZ_CHECK(rc == CLI_EXIT_OK || rc == CLI_EXIT_INPUT);
    if (rc == CLI_EXIT_OK)
        FUZZ_CHECK(cell[0] == '\0' ? isnan(v) : isfinite(v));
    FUZZ_CHECK(cli_csv_line(csv) > 0);
}

static void
check_long(const char *cell, int rc, long v, int present)
{
    FUZZ_CHECK(rc == CLI_EXIT_OK || rc == CLI_EXIT_INPUT);
    if (rc == CLI_EXIT_OK && cell[0] != '\0') {
        FUZZ_CHECK(present == 1);
        errno = 0;
        FUZZ_CHECK(strtol(cell, NULL, 10) == v && errno == 0);
    } else if (rc == CLI_EXIT_OK) {
        FUZZ_CHECK(present == 0);
    }
}

/* Every record as pbsc-decide reads it: a day of its range after the last row's (the program
 * stops at a day given twice or out of order; the harness skips that record and goes on),
 * then pbsc_course_set() for each non-empty cell, or a "not measured" count that creates a
 * row with only its day. Then the course decided and replayed. */
static void
read_course(const uint8_t *data, size_t size)
{
    const pbsc_policy *policy;
    struct fuzz_case k;
    pbsc_person person;
    pbsc_course *course;
    cli_csv *csv;
    long last_line = 0, last_day = 0;
    int more;

    if (open_csv(data, size, course_columns, course_required, 0, &csv) != CLI_EXIT_OK)
        return;
    pbsc_person_init(&person);
    person.weight_kg = 70.0;
    FUZZ_CHECK(pbsc_course_new(&person, PBSC_REGIMEN_GCSF, 5.0, 2.0, &course, NULL) == PBSC_OK);
    while ((more = cli_csv_next(csv)) == 1) {
        double values[COURSE_COLUMNS];
        long day = -12345;
        int rc, ok = 1, any = 0;
        size_t j;

        FUZZ_CHECK(cli_csv_line(csv) > last_line);
        last_line = cli_csv_line(csv);
        rc = cli_csv_long(csv, 0, 1, &day, NULL);
        FUZZ_CHECK(rc == CLI_EXIT_OK || rc == CLI_EXIT_INPUT);
        ok &= rc == CLI_EXIT_OK;
        if (rc == CLI_EXIT_OK)
            check_long(cli_csv_cell(csv, 0), rc, day, 1);
        for (j = 1; j < COURSE_COLUMNS; j++) {
            FUZZ_CHECK(cli_csv_cell(csv, j) != NULL);
            rc = cli_csv_double(csv, j, &values[j]);
            check_double(csv, cli_csv_cell(csv, j), rc, values[j]);
            ok &= rc == CLI_EXIT_OK;
        }
        if (!ok || pbsc_check(PBSC_Q_DAY, (double)day, NULL) != PBSC_OK || day <= last_day)
            continue;
        for (j = 1; j < COURSE_COLUMNS; j++)
            if (!isnan(values[j])) {
                any = 1;
                fuzz_set(course, day, (int)course_quantities[j], values[j]);
            }
        if (!any)
            fuzz_set(course, day, PBSC_Q_CD34_UL, (double)NAN);
        last_day = day;
    }
    FUZZ_CHECK(more == 0 || more == -1);
    cli_csv_free(csv);
    FUZZ_CHECK(pbsc_policy_find("mayo2013-p2", &policy, NULL) == PBSC_OK);
    k.course = course;
    k.goal = 5.0;
    k.minimum = 2.0;
    fuzz_decide_course(&k, policy, NULL, 16); /* the last 16 days one by one, all replayed */
    pbsc_course_free(course);
}

/* Every record as pbsc-calibrate reads it, covariates included. */
static void
read_history(const uint8_t *data, size_t size)
{
    cli_csv *csv;
    size_t k, extras;
    int more;

    if (open_csv(data, size, history_columns, history_required, 1, &csv) != CLI_EXIT_OK)
        return;
    extras = cli_csv_extras(csv);
    FUZZ_CHECK(extras <= 64);
    for (k = 0; k < extras; k++) {
        const char *name = cli_csv_extra_name(csv, k);
        FUZZ_CHECK(name != NULL && name[0] != '\0');
    }
    FUZZ_CHECK(cli_csv_extra_name(csv, extras) == NULL);
    while ((more = cli_csv_next(csv)) == 1) {
        long v = -12345;
        int rc, present = -1;

        for (k = 0; history_columns[k] != NULL; k++) {
            double x = -12345.0;
            if (k == H_PATIENT || k == H_POOR) {
                rc = cli_csv_long(csv, k, 0, &v, &present);
                check_long(cli_csv_cell(csv, k), rc, v, present);
                continue;
            }
            rc = cli_csv_double(csv, k, &x);
            check_double(csv, cli_csv_cell(csv, k), rc, x);
        }
        for (k = 0; k < extras; k++) {
            double x = -12345.0;
            rc = cli_csv_extra_double(csv, k, "a number", &x);
            check_double(csv, cli_csv_extra_cell(csv, k), rc, x);
        }
        FUZZ_CHECK(cli_csv_extra_cell(csv, extras)[0] == '\0');
    }
    FUZZ_CHECK(more == 0 || more == -1);
    cli_csv_free(csv);
}

PBSC_FUZZ_TARGET(csv)
{
    FILE *saved_err = stderr;

    if (devnull == NULL)
        devnull = fopen("/dev/null", "w");
    FUZZ_CHECK(devnull != NULL);
    stderr = devnull;
    read_course(data, size);
    read_history(data, size);
    stderr = saved_err;
    return 0;
}

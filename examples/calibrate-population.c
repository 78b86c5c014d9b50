/* SPDX-License-Identifier: MIT */
/* pbsc-calibrate --population / --write-population: the site's virtual population from its
 * history (pbsc_population_calibrate(3)), written as a pbsc-population(5) file that says in
 * comments where each key came from, and reported in the text and JSON reports. */
#include "calibrate-population.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int
calpop_fit(const char *prog, const pbsc_history *history, const char *start, calpop *c)
{
    pbsc_diag d;
    int rc;

    memset(c, 0, sizeof *c);
    c->start = start;
    if ((rc = cli_population_read(prog, start, &c->pop)) != CLI_EXIT_OK)
        return rc;
    pbsc_population_fit_init(&c->fit);
    pbsc_diag_clear(&d);
    if ((rc = pbsc_population_calibrate(history, c->pop, &c->fit, &d)) != PBSC_OK)
        return cli_diag_error(prog, rc, &d);
    return CLI_EXIT_OK;
}

void
calpop_free(calpop *c)
{
    pbsc_population_free(c->pop);
    c->pop = NULL;
}

static const char *
state_of(const calpop *c, size_t i)
{
    return pbsc_popfit_state_name((pbsc_popfit_state)c->fit.state[i]);
}

static void
note_of(const calpop *c, size_t i, char *buf, size_t size)
{
    if (pbsc_population_fit_note(&c->fit, i, buf, size) < 0)
        buf[0] = '\0';
}

int
calpop_write(FILE *fp, const calpop *c, const char *history)
{
    size_t needed = 0, i;
    char note[400], *text;

    if (pbsc_population_format(c->pop, NULL, 0, &needed) != PBSC_OK || needed == 0 ||
        (text = malloc(needed)) == NULL)
        return -1;
    if (pbsc_population_format(c->pop, text, needed, NULL) != PBSC_OK) {
        free(text);
        return -1;
    }
    fprintf(fp, "# fitted by pbsc-calibrate (libpbsc %s) from ", pbsc_version_string());
    cli_put_escaped(fp, history);
    fprintf(fp, ": %zu autologous sessions of %zu patients, starting from ", c->fit.sessions,
            c->fit.patients);
    if (c->start != NULL)
        cli_put_escaped(fp, c->start);
    else
        fputs("the library's defaults", fp);
    fputc('\n', fp);
    for (i = 0; i < pbsc_population_keys(); i++) {
        note_of(c, i, note, sizeof note);
        fprintf(fp, "# %s: %s: %s\n", pbsc_population_key(i), state_of(c, i), note);
    }
    fputs(text, fp);
    free(text);
    return 0;
}

/* A key a history could give (set or not): every state but "cannot". */
static int
identifiable(const calpop *c, size_t i)
{
    return c->fit.state[i] != PBSC_POPFIT_CANNOT;
}

int
calpop_text(cli_table *t, const calpop *c, const char *written)
{
    char note[400], *list;
    size_t i, n = 0, size = 1;

    cli_table_cell(t, "population");
    cli_table_cell(t, "%s (%s), from %s; %zu autologous sessions of %zu patients",
                   pbsc_population_hash(c->pop), written != NULL ? written : "not written",
                   c->start != NULL ? c->start : "the defaults", c->fit.sessions,
                   c->fit.patients);
    for (i = 0; i < pbsc_population_keys(); i++) {
        if (!identifiable(c, i)) {
            size += strlen(pbsc_population_key(i)) + 2;
            continue;
        }
        note_of(c, i, note, sizeof note);
        cli_table_cell(t, "  %s", pbsc_population_key(i));
        cli_table_cell(t, "%s: %s", state_of(c, i), note);
    }
    if ((list = malloc(size)) == NULL)
        return -1;
    list[0] = '\0';
    for (i = 0; i < pbsc_population_keys(); i++)
        if (!identifiable(c, i)) {
            strcat(strcat(list, n++ > 0 ? ", " : ""), pbsc_population_key(i));
        }
    cli_table_cell(t, "  not from a history");
    cli_table_cell(t, "%s", list);
    free(list);
    return 0;
}

void
calpop_json(cli_json *j, const calpop *c, const char *written)
{
    char note[400];
    size_t i;

    cli_json_begin_object(j, "population");
    cli_json_string_member(j, "hash", pbsc_population_hash(c->pop));
    cli_json_string_member(j, "start", c->start);
    cli_json_string_member(j, "file", written);
    cli_json_size_member(j, "sessions", c->fit.sessions);
    cli_json_size_member(j, "patients", c->fit.patients);
    cli_json_begin_array(j, "keys");
    for (i = 0; i < pbsc_population_keys(); i++) {
        double v = NAN;
        (void)pbsc_population_get(c->pop, pbsc_population_key(i), &v, NULL);
        note_of(c, i, note, sizeof note);
        cli_json_begin_object(j, NULL);
        cli_json_string_member(j, "key", pbsc_population_key(i));
        cli_json_string_member(j, "state", state_of(c, i));
        cli_json_number_member(j, "value", v);
        cli_json_number_member(j, "estimate", c->fit.estimate[i]);
        cli_json_number_member(j, "se", c->fit.se[i]);
        cli_json_size_member(j, "used", c->fit.used[i]);
        cli_json_size_member(j, "needed", c->fit.needed[i]);
        cli_json_string_member(j, "note", note);
        cli_json_end_object(j);
    }
    cli_json_end_array(j);
    cli_json_end_object(j);
}

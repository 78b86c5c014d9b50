/* SPDX-License-Identifier: MIT */
/* pbsc-decide --record FILE (the recommendation as a pbsc-record(5) document) and
 * --replay FILE (decide a record again and compare). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pbsc.h>

#include "cli.h"
#include "decide.h"

/* The record of the recommendation, written whole to --record FILE (examples/output.c):
 * never over an input, never over a file unless --force. */
int
write_record(const result *r)
{
    const char *inputs[4];
    cli_output *out = NULL;
    size_t need = 0, n = 0;
    char *text;
    int rc;

    inputs[n++] = r->o->path;
    if (r->owned != NULL)
        inputs[n++] = r->o->policy; /* a policy file */
    if (r->o->model != NULL)
        inputs[n++] = r->o->model;
    inputs[n] = NULL;
    rc = pbsc_record_format(r->course, r->policy, r->model, r->final, NULL, 0, &need);
    if (rc != PBSC_OK)
        return cli_input_error(prog, "--record: %s", pbsc_strerror(rc));
    if ((text = malloc(need)) == NULL)
        return cli_input_error(prog, "out of memory");
    pbsc_record_format(r->course, r->policy, r->model, r->final, text, need, NULL);
    rc = cli_output_open(prog, "--record", r->o->record, inputs, r->o->force, &out);
    if (rc == CLI_EXIT_OK) {
        if (fputs(text, cli_output_file(out)) == EOF) {
            cli_output_abort(out);
            rc = cli_input_error(prog, "--record: %s: %s", r->o->record, strerror(errno));
        } else {
            rc = cli_output_commit(out);
        }
    }
    free(text);
    return rc;
}

/* The whole of a file ("-": standard input); NULL with a message printed. */
static char *
read_all(const char *path, size_t *n)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t cap = 8192;
    char *buf = NULL, *grown;

    *n = 0;
    if (fp == NULL) {
        fprintf(stderr, "%s: --replay: %s: %s\n", prog, path, strerror(errno));
        return NULL;
    }
    while ((grown = realloc(buf, cap)) != NULL) {
        buf = grown;
        *n += fread(buf + *n, 1, cap - *n, fp);
        if (*n < cap || ferror(fp))
            break;
        cap *= 2;
    }
    if (grown == NULL || ferror(fp)) {
        fprintf(stderr, "%s: --replay: %s: %s\n", prog, path,
                grown == NULL ? "out of memory" : "read error");
        free(buf);
        buf = NULL;
    }
    if (fp != stdin)
        fclose(fp);
    return buf;
}

/* --replay FILE: 0 the same decision, 1 a different one (what differs on stdout), 2 a record
 * that cannot be replayed (why on stderr). */
int
replay_record(const char *path)
{
    pbsc_record_check check;
    pbsc_diag d;
    size_t n;
    char *text = read_all(path, &n);
    int rc;

    if (text == NULL)
        return CLI_EXIT_USAGE;
    pbsc_record_check_init(&check);
    pbsc_diag_clear(&d);
    rc = pbsc_record_replay(text, n, &check, &d);
    free(text);
    if (rc != PBSC_OK) {
        fprintf(stderr, "%s: %s: ", prog, strcmp(path, "-") == 0 ? "<stdin>" : path);
        if (d.line > 0 && strcmp(d.field, "record") == 0)
            fprintf(stderr, "%s\n", d.text); /* the JSON's own line and column */
        else
            cli_field_text(stderr, NULL, d.field, d.text[0] ? d.text : pbsc_strerror(rc)),
                fputc('\n', stderr);
        return CLI_EXIT_USAGE;
    }
    printf("%s decision: %s\n", check.same ? "same" : "different", check.text);
    return cli_finish(prog, check.same ? CLI_EXIT_OK : CLI_EXIT_INPUT);
}

/* SPDX-License-Identifier: MIT */
/* pbsc-yield --list-devices and --list-targets: the CE and target presets in text, JSON and
 * TSV (split from examples/pbsc-yield.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <pbsc.h>

#include "cli.h"
#include "yield-lists.h"

#define F(buf, dec, v) cli_fmt(buf, sizeof buf, dec, v)


int
yield_list_devices_text(void)
{
    cli_table *t = cli_table_new(6);
    char a[32], b[32];
    size_t i;

    if (t == NULL)
        return -1;
    cli_table_cell(t, "id");
    cli_table_cell(t, "median");
    cli_table_cell(t, "sigma");
    cli_table_cell(t, "device");
    cli_table_cell(t, "setting");
    cli_table_cell(t, "source");
    for (i = 0; i < pbsc_ce_count(); i++) {
        const pbsc_ce_model *m = pbsc_ce_get(i);

        cli_table_cell(t, "%s%s", m->id, m == pbsc_ce_default() ? " *" : "");
        cli_table_cell(t, "%s", F(a, 3, m->median));
        cli_table_cell(t, "%s", F(b, 3, m->sigma));
        cli_table_cell(t, "%s", m->device);
        cli_table_cell(t, "%s", m->setting);
        cli_table_cell(t, "%s", m->source);
    }
    if (!cli_table_ok(t)) {
        cli_table_free(t);
        return -1;
    }
    cli_table_print(t, stdout);
    printf("(* the default when neither --device nor --ce is given)\n");
    cli_table_free(t);
    return 0;
}

void
yield_list_devices_json(void)
{
    cli_json j;
    size_t i;

    cli_json_init(&j, stdout);
    cli_json_begin_object(&j, NULL);
    cli_json_string_member(&j, "library_version", pbsc_version_string());
    cli_json_string_member(&j, "default", pbsc_ce_default()->id);
    cli_json_begin_array(&j, "devices");
    for (i = 0; i < pbsc_ce_count(); i++) {
        const pbsc_ce_model *m = pbsc_ce_get(i);

        cli_json_begin_object(&j, NULL);
        cli_json_string_member(&j, "id", m->id);
        cli_json_string_member(&j, "device", m->device);
        cli_json_string_member(&j, "setting", m->setting);
        cli_json_number_member(&j, "median", m->median);
        cli_json_number_member(&j, "sigma", m->sigma);
        cli_json_string_member(&j, "source", m->source);
        cli_json_end_object(&j);
    }
    cli_json_end_array(&j);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

void
yield_list_devices_tsv(void)
{
    size_t i;

    fputs("id\tdevice\tsetting\tmedian\tsigma\tdefault\tsource\n", stdout);
    for (i = 0; i < pbsc_ce_count(); i++) {
        const pbsc_ce_model *m = pbsc_ce_get(i);

        cli_tsv_string(stdout, m->id);
        fputc('\t', stdout);
        cli_tsv_string(stdout, m->device);
        fputc('\t', stdout);
        cli_tsv_string(stdout, m->setting);
        fputc('\t', stdout);
        cli_tsv_field(stdout, 3, m->median, 0);
        cli_tsv_field(stdout, 3, m->sigma, 0);
        fputs(m == pbsc_ce_default() ? "1\t" : "0\t", stdout);
        cli_tsv_string(stdout, m->source);
        fputc('\n', stdout);
    }
}

int
yield_list_targets_text(void)
{
    cli_table *t = cli_table_new(5);
    char a[32], b[32];
    size_t i;

    if (t == NULL)
        return -1;
    cli_table_cell(t, "id");
    cli_table_cell(t, "minimum");
    cli_table_cell(t, "goal");
    cli_table_cell(t, "use");
    cli_table_cell(t, "source");
    for (i = 0; i < pbsc_target_count(); i++) {
        const pbsc_target *p = pbsc_target_get(i);

        cli_table_cell(t, "%s", p->id);
        cli_table_cell(t, "%s", F(a, 2, p->minimum));
        cli_table_cell(t, "%s", F(b, 2, p->goal));
        cli_table_cell(t, "%s", p->use);
        cli_table_cell(t, "%s", p->source);
    }
    return cli_table_emit(t, stdout);
}

void
yield_list_targets_json(void)
{
    cli_json j;
    size_t i;

    cli_json_init(&j, stdout);
    cli_json_begin_object(&j, NULL);
    cli_json_string_member(&j, "library_version", pbsc_version_string());
    cli_json_begin_array(&j, "targets");
    for (i = 0; i < pbsc_target_count(); i++) {
        const pbsc_target *p = pbsc_target_get(i);

        cli_json_begin_object(&j, NULL);
        cli_json_string_member(&j, "id", p->id);
        cli_json_string_member(&j, "use", p->use);
        cli_json_number_member(&j, "minimum", p->minimum);
        cli_json_number_member(&j, "goal", p->goal);
        cli_json_string_member(&j, "source", p->source);
        cli_json_end_object(&j);
    }
    cli_json_end_array(&j);
    cli_json_end_object(&j);
    cli_json_finish(&j);
}

void
yield_list_targets_tsv(void)
{
    size_t i;

    fputs("id\tuse\tminimum\tgoal\tsource\n", stdout);
    for (i = 0; i < pbsc_target_count(); i++) {
        const pbsc_target *p = pbsc_target_get(i);

        cli_tsv_string(stdout, p->id);
        fputc('\t', stdout);
        cli_tsv_string(stdout, p->use);
        fputc('\t', stdout);
        cli_tsv_field(stdout, 2, p->minimum, 0);
        cli_tsv_field(stdout, 2, p->goal, 0);
        cli_tsv_string(stdout, p->source);
        fputc('\n', stdout);
    }
}


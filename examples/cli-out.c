/* SPDX-License-Identifier: MIT */
/* The example programs' output writers: text tables, JSON and TSV (split from examples/cli.c). */
#include "cli.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- text tables ------------------------------------------------------------------- */

struct cli_table {
    size_t ncols;
    size_t ncells;
    size_t cap;
    char **cells;
    int failed;
};

cli_table *
cli_table_new(size_t ncols)
{
    cli_table *t;

    if (ncols == 0)
        return NULL;
    t = calloc(1, sizeof *t);
    if (t != NULL)
        t->ncols = ncols;
    return t;
}

void
cli_table_free(cli_table *t)
{
    size_t i;

    if (t == NULL)
        return;
    for (i = 0; i < t->ncells; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t);
}

static int
table_push(cli_table *t, char *cell)
{
    if (t->ncells == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 32;
        char **cells = realloc(t->cells, cap * sizeof *cells);

        if (cells == NULL)
            return -1;
        t->cells = cells;
        t->cap = cap;
    }
    t->cells[t->ncells++] = cell;
    return 0;
}

int
cli_table_cell(cli_table *t, const char *fmt, ...)
{
    va_list ap;
    char *cell;
    int n;

    if (t == NULL || t->failed)
        return -1;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    cell = n < 0 ? NULL : malloc((size_t)n + 1);
    if (cell == NULL) {
        t->failed = 1;
        return -1;
    }
    va_start(ap, fmt);
    vsnprintf(cell, (size_t)n + 1, fmt, ap);
    va_end(ap);
    if (table_push(t, cell) != 0) {
        free(cell);
        t->failed = 1;
        return -1;
    }
    return 0;
}

int
cli_table_ok(const cli_table *t)
{
    return t != NULL && !t->failed;
}

size_t
cli_table_width(const cli_table *t, size_t col)
{
    size_t i, width = 0;

    if (t == NULL || col >= t->ncols)
        return 0;
    for (i = col; i < t->ncells; i += t->ncols) {
        size_t n = strlen(t->cells[i]);

        if (n > width)
            width = n;
    }
    return width;
}

void
cli_table_print(const cli_table *t, FILE *fp)
{
    size_t width[16] = {0};
    size_t i, col, nrows;

    if (t == NULL || t->ncols > 16)
        return;
    for (i = 0; i < t->ncells; i++) {
        size_t n = strlen(t->cells[i]);

        if (n > width[i % t->ncols])
            width[i % t->ncols] = n;
    }
    nrows = (t->ncells + t->ncols - 1) / t->ncols;
    for (i = 0; i < nrows; i++) {
        for (col = 0; col < t->ncols; col++) {
            size_t k = i * t->ncols + col;
            const char *cell = k < t->ncells ? t->cells[k] : "";

            if (col + 1 == t->ncols)
                fputs(cell, fp);
            else
                fprintf(fp, "%-*s  ", (int)width[col], cell);
        }
        fputc('\n', fp);
    }
}

int
cli_table_emit(cli_table *t, FILE *fp)
{
    int ok = t != NULL && cli_table_ok(t);

    if (ok)
        cli_table_print(t, fp);
    cli_table_free(t);
    return ok ? 0 : -1;
}

/* ---- JSON -------------------------------------------------------------------------- */

void
cli_json_string(FILE *fp, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    if (s == NULL) {
        fputs("null", fp);
        return;
    }
    fputc('"', fp);
    for (; *p != '\0'; p++) {
        switch (*p) {
        case '"':
            fputs("\\\"", fp);
            break;
        case '\\':
            fputs("\\\\", fp);
            break;
        case '\b':
            fputs("\\b", fp);
            break;
        case '\f':
            fputs("\\f", fp);
            break;
        case '\n':
            fputs("\\n", fp);
            break;
        case '\r':
            fputs("\\r", fp);
            break;
        case '\t':
            fputs("\\t", fp);
            break;
        default:
            /* Bytes >= 0x80 pass through: the presets are UTF-8 (or ASCII). */
            if (*p < 0x20 || *p == 0x7f)
                fprintf(fp, "\\u%04x", (unsigned)*p);
            else
                fputc(*p, fp);
        }
    }
    fputc('"', fp);
}

void
cli_json_number(FILE *fp, double v)
{
    if (!isfinite(v))
        fputs("null", fp);
    else
        fprintf(fp, "%.6g", v == 0.0 ? 0.0 : v);
}

void
cli_json_init(cli_json *j, FILE *fp)
{
    memset(j, 0, sizeof *j);
    j->fp = fp;
    j->first[0] = 1;
}

/* Comma, newline and indentation before a member, then its key. */
static void
json_member(cli_json *j, const char *key)
{
    int i;

    if (j->depth > 0) {
        fputs(j->first[j->depth] ? "\n" : ",\n", j->fp);
        for (i = 0; i < j->depth; i++)
            fputs("  ", j->fp);
    }
    j->first[j->depth] = 0;
    if (key != NULL) {
        cli_json_string(j->fp, key);
        fputs(": ", j->fp);
    }
}

static void
json_open(cli_json *j, const char *key, char brace)
{
    json_member(j, key);
    fputc(brace, j->fp);
    if (j->depth + 1 < (int)(sizeof j->first / sizeof j->first[0]))
        j->depth++;
    j->first[j->depth] = 1;
}

static void
json_close(cli_json *j, char brace)
{
    int empty = j->first[j->depth];
    int i;

    if (j->depth > 0)
        j->depth--;
    if (!empty) {
        fputc('\n', j->fp);
        for (i = 0; i < j->depth; i++)
            fputs("  ", j->fp);
    }
    fputc(brace, j->fp);
}

void
cli_json_begin_object(cli_json *j, const char *key)
{
    json_open(j, key, '{');
}

void
cli_json_end_object(cli_json *j)
{
    json_close(j, '}');
}

void
cli_json_begin_array(cli_json *j, const char *key)
{
    json_open(j, key, '[');
}

void
cli_json_end_array(cli_json *j)
{
    json_close(j, ']');
}

void
cli_json_number_member(cli_json *j, const char *key, double v)
{
    json_member(j, key);
    cli_json_number(j->fp, v);
}

void
cli_json_string_member(cli_json *j, const char *key, const char *s)
{
    json_member(j, key);
    cli_json_string(j->fp, s);
}

void
cli_json_size_member(cli_json *j, const char *key, size_t v)
{
    json_member(j, key);
    fprintf(j->fp, "%lu", (unsigned long)v);
}

void
cli_json_null_member(cli_json *j, const char *key)
{
    json_member(j, key);
    fputs("null", j->fp);
}

void
cli_json_bool_member(cli_json *j, const char *key, int v)
{
    json_member(j, key);
    fputs(v ? "true" : "false", j->fp);
}

void
cli_json_finish(cli_json *j)
{
    fputc('\n', j->fp);
}

/* ---- TSV --------------------------------------------------------------------------- */

void
cli_tsv_string(FILE *fp, const char *s)
{
    if (s == NULL)
        return;
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '\t':
            fputs("\\t", fp);
            break;
        case '\n':
            fputs("\\n", fp);
            break;
        case '\r':
            fputs("\\r", fp);
            break;
        case '\\':
            fputs("\\\\", fp);
            break;
        default:
            fputc(*s, fp);
        }
    }
}

void
cli_tsv_number(FILE *fp, int decimals, double v)
{
    char buf[64];

    if (isfinite(v))
        fputs(cli_fmt(buf, sizeof buf, decimals, v), fp);
}

void
cli_tsv_field(FILE *fp, int decimals, double v, int last)
{
    cli_tsv_number(fp, decimals, v);
    fputc(last ? '\n' : '\t', fp);
}

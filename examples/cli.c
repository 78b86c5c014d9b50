/* SPDX-License-Identifier: MIT */
/* Helpers shared by the pbsc-* example programs: option parsing, output formats, errors. */
#include "cli.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ------------------------------------------------------------------------ */

int
cli_usage_error(const char *prog, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry '%s --help' for more information.\n", prog);
    return CLI_EXIT_USAGE;
}

int
cli_input_error(const char *prog, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "%s: ", prog);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_EXIT_INPUT;
}

/* Whether text starts with the word `word` (followed by ':', ' ' or the end). */
static int
starts_with_word(const char *text, const char *word)
{
    size_t n = strlen(word);

    return n > 0 && strncmp(text, word, n) == 0 &&
           (text[n] == ':' || text[n] == ' ' || text[n] == '\0');
}

void
cli_field_text(FILE *fp, const char *name, const char *field, const char *text)
{
    if (field == NULL)
        field = "";
    if (name == NULL || name[0] == '\0')
        name = field;
    if (starts_with_word(text, field))
        fprintf(fp, "%s%s", name, text + strlen(field));
    else if (starts_with_word(text, name))
        fputs(text, fp);
    else if (name[0] != '\0')
        fprintf(fp, "%s: %s", name, text);
    else
        fputs(text, fp);
}

int
cli_diag_error(const char *prog, int status, const pbsc_diag *diag)
{
    const char *text = pbsc_strerror(status);

    if (diag != NULL && diag->text[0] != '\0')
        text = diag->text;
    fprintf(stderr, "%s: ", prog);
    cli_field_text(stderr, NULL, diag != NULL ? diag->field : NULL, text);
    fputc('\n', stderr);
    return CLI_EXIT_INPUT;
}

static const struct option *
find_option_by_val(const struct option *options, int val)
{
    for (; options->name != NULL; options++)
        if (options->flag == NULL && options->val == val)
            return options;
    return NULL;
}

/* The option as the user wrote it, without any "=value". */
static void
option_text(const char *arg, char *buf, size_t size)
{
    size_t n = strcspn(arg, "=");

    if (n >= size)
        n = size - 1;
    memcpy(buf, arg, n);
    buf[n] = '\0';
}

int
cli_getopt_error(const char *prog, int c, char *const argv[], const struct option *options)
{
    const struct option *o = find_option_by_val(options, optopt);
    char text[64] = "";

    if (optind > 0 && argv[optind - 1] != NULL)
        option_text(argv[optind - 1], text, sizeof text);
    if (c == ':') {
        if (strncmp(text, "--", 2) == 0) /* a long option whose val is a short one */
            return cli_usage_error(prog, "%s: missing argument", text);
        if (o != NULL && optopt > 255)
            return cli_usage_error(prog, "--%s: missing argument", o->name);
        if (optopt > 0 && optopt < 256)
            return cli_usage_error(prog, "-%c: missing argument", optopt);
        return cli_usage_error(prog, "%s: missing argument", text);
    }
    if (o != NULL && optopt > 255)
        return cli_usage_error(prog, "--%s: takes no argument", o->name);
    if (optopt > 0 && optopt < 256 && isprint(optopt))
        return cli_usage_error(prog, "unknown option '-%c'", optopt);
    return cli_usage_error(prog, "unknown option '%s'", text);
}

/* ---- the site model ------------------------------------------------------------------ */

int
cli_model_read(const char *prog, const char *path, pbsc_model **model)
{
    pbsc_diag d;
    int rc;

    pbsc_diag_clear(&d);
    rc = pbsc_model_read(path, model, &d);
    if (rc == PBSC_OK)
        return CLI_EXIT_OK;
    if (rc == PBSC_E_IO || strcmp(d.field, "path") == 0)
        return cli_input_error(prog, "--model: %s", d.text[0] != '\0' ? d.text : pbsc_strerror(rc));
    if (d.line > 0)
        fprintf(stderr, "%s: %s:%ld: ", prog, path, d.line);
    else
        fprintf(stderr, "%s: %s: ", prog, path);
    cli_field_text(stderr, NULL, d.field, d.text[0] != '\0' ? d.text : pbsc_strerror(rc));
    fputc('\n', stderr);
    return CLI_EXIT_INPUT;
}

/* ---- option arguments -------------------------------------------------------------- */

/* Only what a person types as a decimal number: sign, digits, point, exponent. strtod also
 * takes hex floats, "nan(...)", "inf" and "infinity", which an option never means. */
static int
looks_decimal(const char *s)
{
    int digits = 0;

    if (*s == '+' || *s == '-')
        s++;
    for (; *s != '\0'; s++) {
        if (isdigit((unsigned char)*s))
            digits = 1;
        else if (*s != '.' && *s != 'e' && *s != 'E' && *s != '+' && *s != '-')
            return 0;
    }
    return digits;
}

/* "nan", "inf", "infinity" in any case, signed or not: named for a clearer message. */
static int
names_nonfinite(const char *s)
{
    char low[4] = "";
    size_t k;

    if (*s == '+' || *s == '-')
        s++;
    for (k = 0; k < 3 && s[k] != '\0'; k++)
        low[k] = (char)tolower((unsigned char)s[k]);
    low[k] = '\0';
    return strcmp(low, "nan") == 0 || strcmp(low, "inf") == 0;
}

int
cli_parse_double(const char *prog, const char *opt, const char *arg, double *out)
{
    char *end = NULL;
    double v;

    if (arg == NULL || arg[0] == '\0')
        return cli_usage_error(prog, "%s: empty argument, a number is needed", opt);
    if (names_nonfinite(arg))
        return cli_usage_error(prog, "%s: '%s' is not a finite number", opt, arg);
    if (!looks_decimal(arg))
        return cli_usage_error(prog, "%s: '%s' is not a number", opt, arg);
    errno = 0;
    v = strtod(arg, &end);
    if (end == arg || *end != '\0')
        return cli_usage_error(prog, "%s: '%s' is not a number", opt, arg);
    if (errno == ERANGE || !isfinite(v))
        return cli_usage_error(prog, "%s: '%s' is out of range", opt, arg);
    *out = v;
    return CLI_EXIT_OK;
}

int
cli_parse_long(const char *prog, const char *opt, const char *arg, long min, long max, long *out)
{
    char *end = NULL;
    const char *p;
    long v;

    if (arg == NULL || arg[0] == '\0')
        return cli_usage_error(prog, "%s: empty argument, an integer is needed", opt);
    p = arg + (arg[0] == '+' || arg[0] == '-');
    for (; *p != '\0'; p++)
        if (!isdigit((unsigned char)*p))
            return cli_usage_error(prog, "%s: '%s' is not an integer", opt, arg);
    errno = 0;
    v = strtol(arg, &end, 10);
    if (end == arg || *end != '\0')
        return cli_usage_error(prog, "%s: '%s' is not an integer", opt, arg);
    if (errno == ERANGE || v < min || v > max)
        return cli_usage_error(prog, "%s: '%s' is out of range (%ld to %ld)", opt, arg, min, max);
    *out = v;
    return CLI_EXIT_OK;
}

int
cli_parse_choice(const char *prog, const char *opt, const char *arg, const char *const *choices,
                 int *index)
{
    char list[256] = "";
    size_t used = 0;
    int i;

    for (i = 0; choices[i] != NULL; i++) {
        if (strcmp(arg, choices[i]) == 0) {
            *index = i;
            return CLI_EXIT_OK;
        }
    }
    for (i = 0; choices[i] != NULL && used < sizeof list; i++) {
        int n = snprintf(list + used, sizeof list - used, "%s%s", i > 0 ? ", " : "", choices[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return cli_usage_error(prog, "%s: '%s' is not one of %s", opt, arg, list);
}

/* ---- output formats ---------------------------------------------------------------- */

int
cli_parse_format(const char *prog, const char *opt, const char *arg, cli_format *out)
{
    static const char *const names[] = {"text", "json", "tsv", NULL};
    int i = 0;
    int rc = cli_parse_choice(prog, opt, arg, names, &i);

    if (rc == CLI_EXIT_OK)
        *out = (cli_format)i;
    return rc;
}

void
cli_print_version(const char *prog)
{
    printf("%s (libpbsc) %s\n", prog, pbsc_version_string());
}

int
cli_finish(const char *prog, int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "%s: error writing the output\n", prog);
        return status == CLI_EXIT_OK ? CLI_EXIT_INPUT : status;
    }
    return status;
}

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

/* ---- numbers ----------------------------------------------------------------------- */

const char *
cli_fmt(char *buf, size_t size, int decimals, double v)
{
    const char *p;

    if (size == 0)
        return buf;
    if (!isfinite(v)) {
        snprintf(buf, size, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return buf;
    }
    snprintf(buf, size, "%.*f", decimals, v);
    if (buf[0] == '-') {
        for (p = buf + 1; *p == '0' || *p == '.'; p++)
            ;
        if (*p == '\0')
            memmove(buf, buf + 1, strlen(buf));
    }
    return buf;
}

/* ---- CSV input --------------------------------------------------------------------- */

/* Fields in a header: a history's known columns and up to 32 covariates fit. */
#define CSV_MAX_COLUMNS 64
/* A course or a site's history is kilobytes to a few megabytes: more is a wrong file. */
#define CSV_MAX_BYTES (64L * 1024 * 1024)

struct cli_csv {
    const char *prog;
    const char *path; /* as messages name it */
    const char *const *columns;
    size_t ncolumns;
    char *text; /* the whole file, NUL-terminated; lines are cut in place */
    size_t len, at;
    long next_line;           /* the number of the line at `at` */
    long line;                /* the current record's line */
    int pos[CSV_MAX_COLUMNS]; /* the field of columns[k] in a record, or -1 */
    size_t nfields;           /* fields in the header, hence in every record */
    char *cells[CSV_MAX_COLUMNS];
    int extras_ok;                           /* columns not in the list are extras, not errors */
    size_t nextras;                          /* extra columns: */
    const char *extra_name[CSV_MAX_COLUMNS]; /* their names, into text (the header stays) */
    int extra_pos[CSV_MAX_COLUMNS];          /* their fields in a record */
};

int
cli_csv_error(const cli_csv *csv, long line, const char *fmt, ...)
{
    va_list ap;

    if (line > 0)
        fprintf(stderr, "%s: %s:%ld: ", csv->prog, csv->path, line);
    else
        fprintf(stderr, "%s: %s: ", csv->prog, csv->path);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_EXIT_INPUT;
}

/* The whole stream into csv->text; CLI_EXIT_INPUT (printed) on a read error or a huge file. */
static int
csv_slurp(cli_csv *csv, FILE *fp)
{
    size_t cap = 0;

    for (;;) {
        size_t n;

        if (csv->len + 1 >= cap) {
            size_t grown = cap ? 2 * cap : 8192;
            char *t;

            if (grown > (size_t)CSV_MAX_BYTES + 2)
                grown = (size_t)CSV_MAX_BYTES + 2;
            if (csv->len + 1 >= grown)
                return cli_csv_error(csv, 0,
                                     "larger than %ld bytes: not a CSV this program "
                                     "reads",
                                     CSV_MAX_BYTES);
            t = realloc(csv->text, grown);
            if (t == NULL)
                return cli_csv_error(csv, 0, "out of memory");
            csv->text = t;
            cap = grown;
        }
        n = fread(csv->text + csv->len, 1, cap - 1 - csv->len, fp);
        csv->len += n;
        if (n == 0)
            break;
    }
    if (ferror(fp))
        return cli_csv_error(csv, 0, "read error: %s", strerror(errno));
    csv->text[csv->len] = '\0';
    return CLI_EXIT_OK;
}

static int
csv_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The next line that is neither blank nor a comment, cut in place (no line end, trimmed);
 * NULL at the end of the text. *bad is set when the line holds a NUL byte. */
static char *
csv_take_line(cli_csv *csv, int *bad)
{
    *bad = 0;
    while (csv->at < csv->len) {
        char *s = csv->text + csv->at;
        char *nl = memchr(s, '\n', csv->len - csv->at);
        size_t n = nl != NULL ? (size_t)(nl - s) : csv->len - csv->at;

        csv->line = csv->next_line++;
        csv->at += n + (nl != NULL);
        if (memchr(s, '\0', n) != NULL) {
            *bad = 1;
            return s;
        }
        if (n > 0 && s[n - 1] == '\r')
            n--;
        while (n > 0 && csv_blank(s[n - 1]))
            n--;
        s[n] = '\0';
        while (csv_blank(*s))
            s++;
        if (*s != '\0' && *s != '#')
            return s;
    }
    return NULL;
}

/* Cuts a line into trimmed fields; returns how many there are (up to `max`, then max + 1). */
static size_t
csv_split(char *s, char **fields, size_t max)
{
    size_t n = 0;

    for (;;) {
        char *comma = strchr(s, ','), *end;

        if (comma != NULL)
            *comma = '\0';
        while (csv_blank(*s))
            s++;
        end = s + strlen(s);
        while (end > s && csv_blank(end[-1]))
            *--end = '\0';
        if (n == max)
            return max + 1;
        fields[n++] = s;
        if (comma == NULL)
            return n;
        s = comma + 1;
    }
}

/* "NAME: unknown column (the columns are a, b, c)". */
static int
csv_unknown(const cli_csv *csv, const char *name)
{
    char list[512] = "";
    size_t k, used = 0;

    for (k = 0; k < csv->ncolumns && used < sizeof list; k++) {
        int n =
            snprintf(list + used, sizeof list - used, "%s%s", k > 0 ? ", " : "", csv->columns[k]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return cli_csv_error(csv, csv->line, "%.40s: unknown column (the columns are %s)", name, list);
}

/* A header column that is not in the list, kept as an extra (cli_csv_open_extra). */
static int
csv_extra(cli_csv *csv, const char *name, size_t field)
{
    size_t e;

    for (e = 0; e < csv->nextras; e++)
        if (strcmp(csv->extra_name[e], name) == 0)
            return cli_csv_error(csv, csv->line, "%.40s: the column is given twice", name);
    csv->extra_name[csv->nextras] = name;
    csv->extra_pos[csv->nextras] = (int)field;
    csv->nextras++;
    return CLI_EXIT_OK;
}

static int
csv_header(cli_csv *csv, const char *const *required)
{
    char *fields[CSV_MAX_COLUMNS];
    size_t i, k, n;
    int bad, rc;
    char *s = csv_take_line(csv, &bad);

    if (bad)
        return cli_csv_error(csv, csv->line, "a NUL byte in the header");
    if (s == NULL)
        return cli_csv_error(csv, 0,
                             "no header row (the first line that is not a comment "
                             "names the columns)");
    n = csv_split(s, fields, CSV_MAX_COLUMNS);
    if (n > CSV_MAX_COLUMNS)
        return cli_csv_error(csv, csv->line, "more than %d columns in the header", CSV_MAX_COLUMNS);
    for (i = 0; i < n; i++) {
        if (strchr(fields[i], '"') != NULL)
            return cli_csv_error(csv, csv->line, "column %lu: quoted fields are not supported",
                                 (unsigned long)i + 1);
        if (fields[i][0] == '\0')
            return cli_csv_error(csv, csv->line, "column %lu has no name", (unsigned long)i + 1);
        for (k = 0; k < csv->ncolumns && strcmp(fields[i], csv->columns[k]) != 0; k++)
            ;
        if (k == csv->ncolumns && csv->extras_ok) {
            if ((rc = csv_extra(csv, fields[i], i)) != CLI_EXIT_OK)
                return rc;
            continue;
        }
        if (k == csv->ncolumns)
            return csv_unknown(csv, fields[i]);
        if (csv->pos[k] >= 0)
            return cli_csv_error(csv, csv->line, "%s: the column is given twice", csv->columns[k]);
        csv->pos[k] = (int)i;
    }
    for (i = 0; required != NULL && required[i] != NULL; i++) {
        for (k = 0; k < csv->ncolumns && strcmp(required[i], csv->columns[k]) != 0; k++)
            ;
        if (k == csv->ncolumns || csv->pos[k] < 0)
            return cli_csv_error(csv, csv->line, "%s: the column is required", required[i]);
    }
    csv->nfields = n;
    return CLI_EXIT_OK;
}

static int
csv_open(const char *prog, const char *path, const char *const *columns,
         const char *const *required, int extras_ok, cli_csv **out)
{
    cli_csv *csv;
    FILE *fp;
    size_t k;
    int rc, is_stdin = strcmp(path, "-") == 0;

    *out = NULL;
    csv = calloc(1, sizeof *csv);
    if (csv == NULL)
        return cli_input_error(prog, "out of memory");
    csv->prog = prog;
    csv->path = is_stdin ? "<stdin>" : path;
    csv->columns = columns;
    csv->extras_ok = extras_ok;
    for (k = 0; columns[k] != NULL && k < CSV_MAX_COLUMNS; k++)
        csv->pos[k] = -1;
    csv->ncolumns = k;
    csv->next_line = 1;
    fp = is_stdin ? stdin : fopen(path, "rb");
    if (fp == NULL) {
        rc = cli_csv_error(csv, 0, "%s", strerror(errno));
        cli_csv_free(csv);
        return rc;
    }
    rc = csv_slurp(csv, fp);
    if (!is_stdin)
        fclose(fp);
    if (rc == CLI_EXIT_OK && csv->len >= 3 && memcmp(csv->text, "\xEF\xBB\xBF", 3) == 0)
        csv->at = 3; /* a UTF-8 byte-order mark, as spreadsheets write */
    if (rc == CLI_EXIT_OK)
        rc = csv_header(csv, required);
    if (rc != CLI_EXIT_OK) {
        cli_csv_free(csv);
        return rc;
    }
    *out = csv;
    return CLI_EXIT_OK;
}

int
cli_csv_open(const char *prog, const char *path, const char *const *columns,
             const char *const *required, cli_csv **out)
{
    return csv_open(prog, path, columns, required, 0, out);
}

int
cli_csv_open_extra(const char *prog, const char *path, const char *const *columns,
                   const char *const *required, cli_csv **out)
{
    return csv_open(prog, path, columns, required, 1, out);
}

void
cli_csv_free(cli_csv *csv)
{
    if (csv == NULL)
        return;
    free(csv->text);
    free(csv);
}

/* The header's name of field i. */
static const char *
csv_field_name(const cli_csv *csv, size_t i)
{
    size_t k;

    for (k = 0; k < csv->ncolumns; k++)
        if (csv->pos[k] == (int)i)
            return csv->columns[k];
    for (k = 0; k < csv->nextras; k++)
        if (csv->extra_pos[k] == (int)i)
            return csv->extra_name[k];
    return "?";
}

int
cli_csv_next(cli_csv *csv)
{
    size_t i, n;
    int bad;
    char *s = csv_take_line(csv, &bad);

    if (bad) {
        cli_csv_error(csv, csv->line, "a NUL byte in the line");
        return -1;
    }
    if (s == NULL)
        return 0;
    n = csv_split(s, csv->cells, CSV_MAX_COLUMNS);
    if (n != csv->nfields) {
        if (n > CSV_MAX_COLUMNS)
            cli_csv_error(csv, csv->line, "more fields than the header's %lu",
                          (unsigned long)csv->nfields);
        else
            cli_csv_error(csv, csv->line, "%lu field%s, the header has %lu", (unsigned long)n,
                          n == 1 ? "" : "s", (unsigned long)csv->nfields);
        return -1;
    }
    for (i = 0; i < n; i++) {
        if (strchr(csv->cells[i], '"') != NULL) {
            cli_csv_error(csv, csv->line, "%s: quoted fields are not supported",
                          csv_field_name(csv, i));
            return -1;
        }
    }
    return 1;
}

const char *
cli_csv_path(const cli_csv *csv)
{
    return csv->path;
}

long
cli_csv_line(const cli_csv *csv)
{
    return csv->line;
}

int
cli_csv_has(const cli_csv *csv, size_t column)
{
    return column < csv->ncolumns && csv->pos[column] >= 0;
}

const char *
cli_csv_cell(const cli_csv *csv, size_t column)
{
    if (!cli_csv_has(csv, column))
        return "";
    return csv->cells[csv->pos[column]];
}

/* Whether s has a digit: a cell without one (NA, n/a, -) is worth a hint. */
static int
has_digit(const char *s)
{
    for (; *s != '\0'; s++)
        if (isdigit((unsigned char)*s))
            return 1;
    return 0;
}

/* "column: 'cell' is not WHAT (HINT)": the hint is the caller's, else, for a cell without a
 * digit, how to say "not measured". */
static int
csv_not_number(const cli_csv *csv, const char *name, const char *cell, const char *what,
               const char *hint)
{
    if (hint == NULL && !has_digit(cell))
        hint = "leave the cell empty when not measured";
    return cli_csv_error(csv, csv->line, "%s: '%.40s' is not %s%s%s%s", name, cell, what,
                         hint != NULL ? " (" : "", hint != NULL ? hint : "",
                         hint != NULL ? ")" : "");
}

/* A cell as a strict decimal number (the rules of cli_parse_double); "" is NAN. */
static int
csv_number(const cli_csv *csv, const char *name, const char *cell, const char *hint, double *out)
{
    char *end = NULL;
    double v;

    if (cell[0] == '\0') {
        *out = (double)NAN;
        return CLI_EXIT_OK;
    }
    if (names_nonfinite(cell))
        return csv_not_number(csv, name, cell, "a finite number", hint);
    if (!looks_decimal(cell))
        return csv_not_number(csv, name, cell, "a number", hint);
    errno = 0;
    v = strtod(cell, &end);
    if (end == cell || *end != '\0')
        return csv_not_number(csv, name, cell, "a number", hint);
    if (errno == ERANGE || !isfinite(v))
        return cli_csv_error(csv, csv->line, "%s: '%.40s' is out of range", name, cell);
    *out = v;
    return CLI_EXIT_OK;
}

int
cli_csv_double(const cli_csv *csv, size_t column, double *out)
{
    return csv_number(csv, csv->columns[column], cli_csv_cell(csv, column), NULL, out);
}

size_t
cli_csv_extras(const cli_csv *csv)
{
    return csv->nextras;
}

const char *
cli_csv_extra_name(const cli_csv *csv, size_t extra)
{
    return extra < csv->nextras ? csv->extra_name[extra] : NULL;
}

const char *
cli_csv_extra_cell(const cli_csv *csv, size_t extra)
{
    if (extra >= csv->nextras)
        return "";
    return csv->cells[csv->extra_pos[extra]];
}

int
cli_csv_extra_double(const cli_csv *csv, size_t extra, const char *hint, double *out)
{
    return csv_number(csv, cli_csv_extra_name(csv, extra), cli_csv_extra_cell(csv, extra), hint,
                      out);
}

int
cli_csv_long(const cli_csv *csv, size_t column, int required, long *out, int *present)
{
    const char *cell = cli_csv_cell(csv, column), *p;
    char *end = NULL;
    long v;

    if (cell[0] == '\0') {
        if (required)
            return cli_csv_error(csv, csv->line, "%s: empty, a value is required",
                                 csv->columns[column]);
        if (present != NULL)
            *present = 0;
        return CLI_EXIT_OK;
    }
    p = cell + (cell[0] == '+' || cell[0] == '-');
    if (*p == '\0')
        return csv_not_number(csv, csv->columns[column], cell, "an integer", NULL);
    for (; *p != '\0'; p++)
        if (!isdigit((unsigned char)*p))
            return csv_not_number(csv, csv->columns[column], cell, "an integer", NULL);
    errno = 0;
    v = strtol(cell, &end, 10);
    if (errno == ERANGE || end == cell || *end != '\0')
        return cli_csv_error(csv, csv->line, "%s: '%.40s' is out of range", csv->columns[column],
                             cell);
    *out = v;
    if (present != NULL)
        *present = 1;
    return CLI_EXIT_OK;
}

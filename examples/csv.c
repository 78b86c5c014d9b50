/* SPDX-License-Identifier: MIT */
/* The example programs' CSV reader (cli.h, "CSV input"): a course, a history.
 *
 * The fields of a line are cut by libcsv (Debian: libcsv-dev), in strict mode. Why libcsv: a
 * small C library that has been kept up for years, is packaged in Debian (so a site installs
 * it with the system, security updates included), and implements RFC 4180 (quoted fields,
 * doubled quotes, commas inside quotes), which is how a laboratory system or a spreadsheet
 * writes CSV; the quoting rules are then not hand-written here. What libcsv leaves to its
 * caller is here: the file read whole, its lines and their numbers (for the messages),
 * comments, blank lines, the byte-order mark, the header's columns, and the rules of this
 * format that RFC 4180 leaves open: a quoted field must close on its line (a line break
 * inside quotes is refused, naming the line and the column), no control byte in a field,
 * and spaces around a field ignored.
 *
 * Each line (without its LF or CRLF) is given to libcsv alone and finished with csv_fini():
 * only LF ends a record for libcsv here (csv_set_term_func), so a stray CR stays in its
 * field and is refused there, with the field named. */
#include "cli.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Fields in a header: a history's known columns and up to 32 covariates fit. */
#define CSV_MAX_COLUMNS 64
/* A course or a site's history is kilobytes to a few megabytes: more is a wrong file. */
#define CSV_MAX_BYTES (64L * 1024 * 1024)

struct cli_csv {
    const char *prog;
    const char *path; /* as messages name it */
    const char *const *columns;
    size_t ncolumns;
    char *text; /* the whole file, NUL-terminated */
    size_t len, at;
    long next_line;           /* the number of the line at `at` */
    long line;                /* the current record's line */
    struct csv_parser parser; /* libcsv */
    int parser_ready;
    char *fields;                  /* the current line's fields, each NUL-terminated */
    size_t used, cap;              /* bytes used and allocated in `fields` */
    size_t start[CSV_MAX_COLUMNS]; /* where field i starts in `fields` */
    size_t nf;                     /* fields libcsv gave for the line (may exceed the max) */
    int nomem;
    char *header;             /* the header line's `fields`, kept: names point into it */
    int pos[CSV_MAX_COLUMNS]; /* the field of columns[k] in a record, or -1 */
    size_t nfields;           /* fields in the header, hence in every record */
    char *cells[CSV_MAX_COLUMNS];
    int extras_ok;                           /* columns not in the list are extras */
    size_t nextras;                          /* extra columns: */
    const char *extra_name[CSV_MAX_COLUMNS]; /* their names, into `header` */
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

/* The next line that is neither blank nor a comment, without its LF or CRLF, and its
 * length; NULL at the end of the text. *bad is set when the line holds a NUL byte. */
static const char *
csv_take_line(cli_csv *csv, size_t *length, int *bad)
{
    *bad = 0;
    while (csv->at < csv->len) {
        const char *s = csv->text + csv->at, *p;
        const char *nl = memchr(s, '\n', csv->len - csv->at);
        size_t n = nl != NULL ? (size_t)(nl - s) : csv->len - csv->at;

        csv->line = csv->next_line++;
        csv->at += n + (nl != NULL);
        if (memchr(s, '\0', n) != NULL) {
            *bad = 1;
            return s;
        }
        if (n > 0 && s[n - 1] == '\r')
            n--;
        for (p = s; p < s + n && csv_blank(*p); p++)
            ;
        if (p < s + n && *p != '#') {
            *length = n;
            return s;
        }
    }
    return NULL;
}

/* ---- libcsv's callbacks -------------------------------------------------------------- */

/* One field of the line, appended to csv->fields. */
static void
csv_on_field(void *field, size_t n, void *data)
{
    cli_csv *csv = data;

    if (csv->nf++ >= CSV_MAX_COLUMNS || csv->nomem)
        return;
    if (csv->used + n + 1 > csv->cap) {
        size_t cap = 2 * (csv->used + n + 1);
        char *grown = realloc(csv->fields, cap);

        if (grown == NULL) {
            csv->nomem = 1;
            return;
        }
        csv->fields = grown;
        csv->cap = cap;
    }
    csv->start[csv->nf - 1] = csv->used;
    if (n > 0)
        memcpy(csv->fields + csv->used, field, n);
    csv->fields[csv->used + n] = '\0';
    csv->used += n + 1;
}

/* The end of a record: csv_fini() reports it once per line; nothing to do. */
static void
csv_on_record(int c, void *data)
{
    (void)c;
    (void)data;
}

/* Only a line feed ends a record: a carriage return elsewhere than before it is data, and
 * is refused with its field named (csv_control()). */
static int
csv_is_term(unsigned char c)
{
    return c == '\n';
}

/* ---- a line into fields ------------------------------------------------------------- */

/* The name of field i for a message: the header's name, or "column N" in the header. */
static const char *
csv_name(const cli_csv *csv, size_t i, char *buf, size_t size)
{
    size_t k;

    for (k = 0; csv->header != NULL && k < csv->ncolumns; k++)
        if (csv->pos[k] == (int)i)
            return csv->columns[k];
    for (k = 0; csv->header != NULL && k < csv->nextras; k++)
        if (csv->extra_pos[k] == (int)i)
            return cli_escape(buf, size, csv->extra_name[k], CLI_ESCAPE_MAX);
    snprintf(buf, size, "column %lu", (unsigned long)i + 1);
    return buf;
}

/* libcsv stopped at byte `at` of the line s (strict mode): a quote in a field that is not
 * quoted whole, or text after a closing quote. */
static int
csv_syntax(const cli_csv *csv, const char *s, size_t at)
{
    char name[CLI_ESCAPED], shown[CLI_ESCAPED], one[2] = {s[at], '\0'};
    const char *field = csv_name(csv, csv->nf, name, sizeof name);
    const char *rfc = "RFC 4180: quote the whole field and double the quotes inside it";

    if (s[at] == '"')
        return cli_csv_error(csv, csv->line, "%s: a stray quote at byte %lu of the line (%s)",
                             field, (unsigned long)at + 1, rfc);
    return cli_csv_error(csv, csv->line, "%s: '%s' after a closing quote at byte %lu (%s)", field,
                         cli_escape(shown, sizeof shown, one, 1), (unsigned long)at + 1, rfc);
}

/* Spaces and tabs around each field removed; csv->cells[i] the fields. */
static void
csv_trim(cli_csv *csv, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        char *f = csv->fields + csv->start[i], *end = f + strlen(f);

        while (end > f && csv_blank(end[-1]))
            *--end = '\0';
        while (csv_blank(*f))
            f++;
        csv->cells[i] = f;
    }
}

/* A control byte in a field: refused, with the field shown escaped. */
static int
csv_control(const cli_csv *csv, size_t n)
{
    char name[CLI_ESCAPED], shown[CLI_ESCAPED];
    size_t i;

    for (i = 0; i < n; i++) {
        const unsigned char *p = (const unsigned char *)csv->cells[i];

        for (; *p != '\0' && *p >= 0x20 && *p != 0x7F; p++)
            ;
        if (*p == '\0')
            continue;
        return cli_csv_error(csv, csv->line, "%s: '%s' holds a control character%s",
                             csv_name(csv, i, name, sizeof name),
                             cli_escape(shown, sizeof shown, csv->cells[i], CLI_ESCAPE_MAX),
                             *p == '\r' ? " (a carriage return inside the line: lines end in LF "
                                          "or CRLF)"
                                        : "");
    }
    return CLI_EXIT_OK;
}

/* The line s (n bytes) into csv->cells; returns how many fields it has (up to the maximum,
 * then the maximum + 1), or -1 (printed). */
static long
csv_cut(cli_csv *csv, const char *s, size_t n)
{
    char name[CLI_ESCAPED];
    size_t done;

    csv->used = 0;
    csv->nf = 0;
    done = csv_parse(&csv->parser, s, n, csv_on_field, csv_on_record, csv);
    if (done != n && csv_error(&csv->parser) == CSV_EPARSE)
        return csv_syntax(csv, s, done), -1;
    if (done != n || csv->nomem)
        return cli_csv_error(csv, csv->line, "out of memory"), -1;
    if (csv_fini(&csv->parser, csv_on_field, csv_on_record, csv) != 0)
        return cli_csv_error(csv, csv->line,
                             "%s: a quoted field does not close on its line (a line break "
                             "inside quotes is not accepted)",
                             csv_name(csv, csv->nf, name, sizeof name)),
               -1;
    if (csv->nomem)
        return cli_csv_error(csv, csv->line, "out of memory"), -1;
    if (csv->nf > CSV_MAX_COLUMNS)
        return CSV_MAX_COLUMNS + 1;
    csv_trim(csv, csv->nf);
    if (csv_control(csv, csv->nf) != CLI_EXIT_OK)
        return -1;
    return (long)csv->nf;
}

/* ---- the header ---------------------------------------------------------------------- */

/* "NAME: unknown column (the columns are a, b, c)". */
static int
csv_unknown(const cli_csv *csv, const char *name)
{
    char list[512] = "", shown[CLI_ESCAPED];
    size_t k, used = 0;

    for (k = 0; k < csv->ncolumns && used < sizeof list; k++) {
        int n =
            snprintf(list + used, sizeof list - used, "%s%s", k > 0 ? ", " : "", csv->columns[k]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return cli_csv_error(csv, csv->line, "%s: unknown column (the columns are %s)",
                         cli_escape(shown, sizeof shown, name, CLI_ESCAPE_MAX), list);
}

/* A header column that is not in the list, kept as an extra (cli_csv_open_extra). */
static int
csv_extra(cli_csv *csv, const char *name, size_t field)
{
    char shown[CLI_ESCAPED];
    size_t e;

    for (e = 0; e < csv->nextras; e++)
        if (strcmp(csv->extra_name[e], name) == 0)
            return cli_csv_error(csv, csv->line, "%s: the column is given twice",
                                 cli_escape(shown, sizeof shown, name, CLI_ESCAPE_MAX));
    csv->extra_name[csv->nextras] = name;
    csv->extra_pos[csv->nextras] = (int)field;
    csv->nextras++;
    return CLI_EXIT_OK;
}

/* Header field i, named `name`: a column of the list, else an extra, else an error. */
static int
csv_column(cli_csv *csv, const char *name, size_t i)
{
    size_t k;

    if (name[0] == '\0')
        return cli_csv_error(csv, csv->line, "column %lu has no name", (unsigned long)i + 1);
    for (k = 0; k < csv->ncolumns && strcmp(name, csv->columns[k]) != 0; k++)
        ;
    if (k == csv->ncolumns)
        return csv->extras_ok ? csv_extra(csv, name, i) : csv_unknown(csv, name);
    if (csv->pos[k] >= 0)
        return cli_csv_error(csv, csv->line, "%s: the column is given twice", csv->columns[k]);
    csv->pos[k] = (int)i;
    return CLI_EXIT_OK;
}

static int
csv_header(cli_csv *csv, const char *const *required)
{
    size_t i, k, length = 0;
    long n;
    int bad, rc;
    const char *s = csv_take_line(csv, &length, &bad);

    if (bad)
        return cli_csv_error(csv, csv->line, "a NUL byte in the header");
    if (s == NULL)
        return cli_csv_error(csv, 0,
                             "no header row (the first line that is not a comment "
                             "names the columns)");
    if ((n = csv_cut(csv, s, length)) < 0)
        return CLI_EXIT_INPUT;
    if (n > CSV_MAX_COLUMNS)
        return cli_csv_error(csv, csv->line, "more than %d columns in the header", CSV_MAX_COLUMNS);
    csv->header = csv->fields; /* the names stay; the records get a buffer of their own */
    csv->fields = NULL;
    csv->cap = 0;
    for (i = 0; i < (size_t)n; i++)
        if ((rc = csv_column(csv, csv->cells[i], i)) != CLI_EXIT_OK)
            return rc;
    for (i = 0; required != NULL && required[i] != NULL; i++) {
        for (k = 0; k < csv->ncolumns && strcmp(required[i], csv->columns[k]) != 0; k++)
            ;
        if (k == csv->ncolumns || csv->pos[k] < 0)
            return cli_csv_error(csv, csv->line, "%s: the column is required", required[i]);
    }
    csv->nfields = (size_t)n;
    return CLI_EXIT_OK;
}

/* ---- opening and reading --------------------------------------------------------------- */

/* A new reader of `path` with its parser; NULL (printed) when out of memory. */
static cli_csv *
csv_new(const char *prog, const char *path, const char *const *columns, int extras_ok)
{
    cli_csv *csv = calloc(1, sizeof *csv);
    size_t k;

    if (csv == NULL) {
        cli_input_error(prog, "out of memory");
        return NULL;
    }
    csv->prog = prog;
    csv->path = strcmp(path, "-") == 0 ? "<stdin>" : path;
    csv->columns = columns;
    csv->extras_ok = extras_ok;
    for (k = 0; columns[k] != NULL && k < CSV_MAX_COLUMNS; k++)
        csv->pos[k] = -1;
    csv->ncolumns = k;
    csv->next_line = 1;
    /* strict: a stray quote is an error; strict_fini: so is a quote left open at the end */
    if (csv_init(&csv->parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        cli_input_error(prog, "out of memory");
        free(csv);
        return NULL;
    }
    csv_set_term_func(&csv->parser, csv_is_term);
    csv->parser_ready = 1;
    return csv;
}

static int
csv_open(const char *prog, const char *path, const char *const *columns,
         const char *const *required, int extras_ok, cli_csv **out)
{
    cli_csv *csv;
    FILE *fp;
    int rc, is_stdin = strcmp(path, "-") == 0;

    *out = NULL;
    if ((csv = csv_new(prog, path, columns, extras_ok)) == NULL)
        return CLI_EXIT_INPUT;
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
    if (csv->parser_ready)
        csv_free(&csv->parser);
    free(csv->fields);
    free(csv->header);
    free(csv->text);
    free(csv);
}

int
cli_csv_next(cli_csv *csv)
{
    size_t length = 0;
    long n;
    int bad;
    const char *s = csv_take_line(csv, &length, &bad);

    if (bad) {
        cli_csv_error(csv, csv->line, "a NUL byte in the line");
        return -1;
    }
    if (s == NULL)
        return 0;
    if ((n = csv_cut(csv, s, length)) < 0)
        return -1;
    if (n > CSV_MAX_COLUMNS) {
        cli_csv_error(csv, csv->line, "more fields than the header's %lu",
                      (unsigned long)csv->nfields);
        return -1;
    }
    if ((size_t)n != csv->nfields) {
        cli_csv_error(csv, csv->line, "%ld field%s, the header has %lu", n, n == 1 ? "" : "s",
                      (unsigned long)csv->nfields);
        return -1;
    }
    return 1;
}

/* ---- cells ------------------------------------------------------------------------- */

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
        if (*s >= '0' && *s <= '9')
            return 1;
    return 0;
}

/* "column: 'cell' is not WHAT (HINT)": the hint is the caller's, else, for a cell without a
 * digit, how to say "not measured". */
static int
csv_not_number(const cli_csv *csv, const char *name, const char *cell, const char *what,
               const char *hint)
{
    char shown[CLI_ESCAPED], named[CLI_ESCAPED];

    if (hint == NULL && !has_digit(cell))
        hint = "leave the cell empty when not measured";
    return cli_csv_error(csv, csv->line, "%s: '%s' is not %s%s%s%s",
                         cli_escape(named, sizeof named, name, CLI_ESCAPE_MAX),
                         cli_escape(shown, sizeof shown, cell, CLI_ESCAPE_MAX), what,
                         hint != NULL ? " (" : "", hint != NULL ? hint : "",
                         hint != NULL ? ")" : "");
}

/* A cell as a strict decimal number (cli_number()); "" is NAN. */
static int
csv_number(const cli_csv *csv, const char *name, const char *cell, const char *hint, double *out)
{
    char shown[CLI_ESCAPED], named[CLI_ESCAPED], point[CLI_ESCAPED];

    switch (cli_number(cell, out)) {
    case CLI_NUMBER_OK:
        return CLI_EXIT_OK;
    case CLI_NUMBER_EMPTY:
        *out = (double)NAN;
        return CLI_EXIT_OK;
    case CLI_NUMBER_NONFINITE:
        return csv_not_number(csv, name, cell, "a finite number", hint);
    case CLI_NUMBER_COMMA:
        cli_decimal_point(point, sizeof point, cell);
        return cli_csv_error(csv, csv->line,
                             "%s: '%s' is not a number: a decimal comma is not accepted "
                             "(write %s)",
                             cli_escape(named, sizeof named, name, CLI_ESCAPE_MAX),
                             cli_escape(shown, sizeof shown, cell, CLI_ESCAPE_MAX), point);
    case CLI_NUMBER_RANGE:
        return cli_csv_error(csv, csv->line, "%s: '%s' is out of range",
                             cli_escape(named, sizeof named, name, CLI_ESCAPE_MAX),
                             cli_escape(shown, sizeof shown, cell, CLI_ESCAPE_MAX));
    default:
        return csv_not_number(csv, name, cell, "a number", hint);
    }
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
    char *end = NULL, shown[CLI_ESCAPED];
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
        if (*p < '0' || *p > '9')
            return csv_not_number(csv, csv->columns[column], cell, "an integer", NULL);
    errno = 0;
    v = strtol(cell, &end, 10);
    if (errno == ERANGE || end == cell || *end != '\0')
        return cli_csv_error(csv, csv->line, "%s: '%s' is out of range", csv->columns[column],
                             cli_escape(shown, sizeof shown, cell, CLI_ESCAPE_MAX));
    *out = v;
    if (present != NULL)
        *present = 1;
    return CLI_EXIT_OK;
}

/* SPDX-License-Identifier: MIT */
/* Helpers shared by the pbsc-* example programs: option parsing, output formats, errors. */
#ifndef PBSC_CLI_H
#define PBSC_CLI_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include <pbsc.h>

/* Exit statuses common to every pbsc-* program (EXIT STATUS in their man pages). */
enum {
    CLI_EXIT_OK = 0,    /* success */
    CLI_EXIT_INPUT = 1, /* bad input: the library (or a file) rejected a value */
    CLI_EXIT_USAGE = 2  /* usage: unknown option, bad number, conflicting options */
};

#if defined(__GNUC__)
#define CLI_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_PRINTF(f, a)
#endif

/* ---- errors ------------------------------------------------------------------------ */

/* "prog: message" and a hint to run --help, on stderr. Returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *prog, const char *fmt, ...) CLI_PRINTF(2, 3);

/* "prog: field: text" on stderr for a failed library call (the field named once, as
 * cli_field_text() does); the field is left out when the diagnostic names none, and
 * pbsc_strerror(status) stands in for an empty text.
 * Returns CLI_EXIT_INPUT. */
int cli_diag_error(const char *prog, int status, const pbsc_diag *diag);

/* "name: text" on fp, naming the field once: a text that already starts with the library's
 * name for the field (`field` followed by ':', ' ' or the end, as in "level: 'abc' is not a
 * number" or "hct 0 % is outside (0, 100]") is written with `name` in place of that word and
 * no prefix; a text that quotes it ("unknown key 'ce_sigmaa'") is written without a prefix.
 * `name` NULL or "" stands for `field`; both empty: the text alone. Written as
 * cli_put_escaped() writes (a library's text may quote a file's control bytes). */
void cli_field_text(FILE *fp, const char *name, const char *field, const char *text);

/* "prog: message" on stderr (no hint). Returns CLI_EXIT_INPUT. */
int cli_input_error(const char *prog, const char *fmt, ...) CLI_PRINTF(2, 3);

/* Reports what getopt_long() returned as '?' or ':' (with opterr = 0 and an optstring that
 * starts with ':'), naming the option; `options` is the table given to getopt_long().
 * Returns CLI_EXIT_USAGE. */
int cli_getopt_error(const char *prog, int c, char *const argv[], const struct option *options);

/* ---- the site model (--model FILE) -------------------------------------------------- */

/* pbsc_model_read() with its errors printed: "prog: --model: PATH: why" when the file cannot
 * be read, else "prog: PATH:LINE: [field: ]text". Returns CLI_EXIT_OK and *model, or
 * CLI_EXIT_INPUT. */
int cli_model_read(const char *prog, const char *path, pbsc_model **model);
/* The population of --population FILE (NULL: the library's defaults), refused as
 * cli_model_read refuses a model. */
int cli_population_read(const char *prog, const char *path, pbsc_population **population);

/* ---- text in messages --------------------------------------------------------------- */

/* What a message may show of a value read from a user or a file: at most CLI_ESCAPE_MAX
 * bytes of it (then "..."), with control bytes written as \r, \n, \t or \xHH, and bytes
 * that are not UTF-8 text (or are C1 controls) as \xHH, so that no raw control byte reaches
 * a terminal or a log. */
#define CLI_ESCAPE_MAX 40
#define CLI_ESCAPED (4 * CLI_ESCAPE_MAX + 8) /* a buffer that holds any such text */

/* s shown as above, at most `max` of its bytes, into buf (returned; always terminated). */
const char *cli_escape(char *buf, size_t size, const char *s, size_t max);
/* s shown as above, whole, on fp. */
void cli_put_escaped(FILE *fp, const char *s);

/* ---- option arguments -------------------------------------------------------------- */

/* Why a text is, or is not, a strict decimal number: the whole text, sign, digits, point and
 * exponent only (no leading space, no hex, no NaN/inf text), and no overflow. */
typedef enum cli_number_error {
    CLI_NUMBER_OK = 0,
    CLI_NUMBER_EMPTY,     /* "" */
    CLI_NUMBER_NONFINITE, /* "nan", "inf", "infinity", signed or not */
    CLI_NUMBER_COMMA,     /* a decimal comma, as in "1,5" */
    CLI_NUMBER_SYNTAX,    /* anything else that is not a decimal number */
    CLI_NUMBER_RANGE      /* beyond a double */
} cli_number_error;

/* s as a strict decimal number: CLI_NUMBER_OK and *out, or why not (*out untouched). */
cli_number_error cli_number(const char *s, double *out);

/* s with its commas written as points, into buf (returned): what to write instead. */
const char *cli_decimal_point(char *buf, size_t size, const char *s);

/* Strict decimal number (cli_number()). On failure prints "prog: opt: 'arg' is not a
 * number" (or why: a decimal comma, not finite, out of range; the argument shown as
 * cli_escape() shows it) and returns CLI_EXIT_USAGE; *out is untouched. */
int cli_parse_double(const char *prog, const char *opt, const char *arg, double *out);

/* Strict decimal integer in [min, max], same rules. */
int cli_parse_long(const char *prog, const char *opt, const char *arg, long min, long max,
                   long *out);

/* One word of a NULL-terminated list, exactly; *index is its position. On failure prints
 * "prog: opt: 'arg' is not one of a, b, c". */
int cli_parse_diagnosis(const char *prog, const char *arg, pbsc_diagnosis *diagnosis);
int cli_parse_choice(const char *prog, const char *opt, const char *arg, const char *const *choices,
                     int *index);
/* --regimen: one of the library's words (pbsc_regimen_name(3)), exactly. */
int cli_parse_regimen(const char *prog, const char *arg, pbsc_regimen *regimen);

/* ---- output formats ---------------------------------------------------------------- */

typedef enum cli_format { CLI_FORMAT_TEXT = 0, CLI_FORMAT_JSON, CLI_FORMAT_TSV } cli_format;

/* text|json|tsv, for --format=. */
int cli_parse_format(const char *prog, const char *opt, const char *arg, cli_format *out);

/* "prog (libpbsc) VERSION" on stdout, the library's runtime version. */
void cli_print_version(const char *prog);

/* Flushes stdout and reports a write error (full disk, closed pipe) as CLI_EXIT_INPUT;
 * call it last and return what it returns. */
int cli_finish(const char *prog, int status);

/* ---- text: an aligned table, built first and printed only when complete ------------- */

typedef struct cli_table cli_table;

/* A table of `ncols` columns; cells are appended row by row. NULL when out of memory. */
cli_table *cli_table_new(size_t ncols);
void cli_table_free(cli_table *t);
/* Appends one cell (printf format). Returns 0, or -1 when out of memory (the table is then
 * marked failed and cli_table_ok() says so). */
int cli_table_cell(cli_table *t, const char *fmt, ...) CLI_PRINTF(2, 3);
int cli_table_ok(const cli_table *t);
/* Columns padded to their widest cell and separated by two spaces; the last column is not
 * padded, so long texts (sources) do not widen the table. A missing tail of the last row is
 * printed as empty cells. */
void cli_table_print(const cli_table *t, FILE *fp);
/* Prints t when every cell was stored, then frees it (NULL: nothing): 0, or -1 when memory ran
 * out and nothing was printed. */
int cli_table_emit(cli_table *t, FILE *fp);
/* The width cli_table_print() gives column `col`: its widest cell (0 for no such column). */
size_t cli_table_width(const cli_table *t, size_t col);

/* ---- JSON -------------------------------------------------------------------------- */

/* The string in double quotes with JSON escapes (", \, control characters); NULL -> null. */
void cli_json_string(FILE *fp, const char *s);
/* %.6g, or null for NAN and infinities. */
void cli_json_number(FILE *fp, double v);

/* A small writer that tracks nesting, commas and two-space indentation, so a program can
 * write keys in a fixed order without counting. Keys are written escaped. */
typedef struct cli_json {
    FILE *fp;
    int depth;
    int first[16]; /* per depth: no member written yet */
} cli_json;

void cli_json_init(cli_json *j, FILE *fp);
/* key may be NULL inside an array or at the top level. */
void cli_json_begin_object(cli_json *j, const char *key);
void cli_json_end_object(cli_json *j);
void cli_json_begin_array(cli_json *j, const char *key);
void cli_json_end_array(cli_json *j);
void cli_json_number_member(cli_json *j, const char *key, double v);
void cli_json_string_member(cli_json *j, const char *key, const char *s);
void cli_json_size_member(cli_json *j, const char *key, size_t v);
void cli_json_null_member(cli_json *j, const char *key);
void cli_json_bool_member(cli_json *j, const char *key, int v);
/* Ends the document with a newline. */
void cli_json_finish(cli_json *j);

/* ---- TSV --------------------------------------------------------------------------- */

/* A field with \t, \n, \r and \ written as \\t, \\n, \\r and \\\\; NULL -> empty. */
void cli_tsv_string(FILE *fp, const char *s);
/* v with `decimals` digits after the point (%.*f), or an empty field for NAN or infinity
 * (not computed / not measured). */
void cli_tsv_number(FILE *fp, int decimals, double v);
/* cli_tsv_number, then a tab, or a newline when it is the row's last field. */
void cli_tsv_field(FILE *fp, int decimals, double v, int last);

/* ---- numbers ----------------------------------------------------------------------- */

/* v with `decimals` digits after the point into buf (returned); a result that reads as a
 * negative zero ("-0.00") is written without the sign, so goldens stay stable. */
const char *cli_fmt(char *buf, size_t size, int decimals, double v);

/* ---- output files (-o FILE) -------------------------------------------------------- */

/* A file a program writes whole (examples/output.c), safely:
 * - never one of its inputs, however named (a symbolic or a second hard link, standard
 *   input redirected from it: compared by device and inode), even with `force`;
 * - never a file that exists unless `force` (--force): then a regular file is replaced and
 *   keeps its permissions, and through a symbolic link the file it points to is (the link
 *   stays); a dangling link, a directory or any other kind of file is refused;
 * - a new file gets mode 0644 less the umask;
 * - written to a temporary made with mkstemp() in the target's directory (".NAME.XXXXXX"),
 *   fsync'ed, then renamed over the target (force) or linked to its name (else, so that a
 *   file that appeared meanwhile is still not replaced); on any error the temporary is
 *   removed and the target is left as it was. A file called NAME.tmp is never touched.
 * A character device or a FIFO (/dev/null, a named pipe) is written directly.
 * Messages go to stderr as "prog: OPT PATH: why". */
typedef struct cli_output cli_output;

/* Checks `path` (given with option `opt`, e.g. "-o") against the NULL-terminated `inputs`
 * ("-": standard input) and opens it. Returns CLI_EXIT_OK and *out, or CLI_EXIT_INPUT
 * (printed) with *out NULL. */
int cli_output_open(const char *prog, const char *opt, const char *path, const char *const *inputs,
                    int force, cli_output **out);
/* The stream to write to. */
FILE *cli_output_file(const cli_output *o);
/* Flushes, syncs and puts the file in place; frees o. CLI_EXIT_OK, or CLI_EXIT_INPUT
 * (printed: a write error, a full disk) with the target untouched. */
int cli_output_commit(cli_output *o);
/* Gives up: the temporary is removed, the target untouched; frees o (NULL: nothing). */
void cli_output_abort(cli_output *o);

/* ---- CSV input --------------------------------------------------------------------- */

/* A CSV file read whole before any row is used (so a program never acts on half a file):
 * a header row naming the columns, then one record per line (examples/csv.c; the fields are
 * cut by libcsv, RFC 4180). Accepted: quoted fields and quoted header names, with doubled
 * quotes inside ("8""" is 8"); a comma inside quotes, which is then part of the text;
 * comment lines (first non-blank character '#'); blank lines; LF or CRLF line ends; a UTF-8
 * byte-order mark; spaces and tabs around cells, also inside quotes (cells are trimmed).
 * Rejected, naming FILE:LINE and the column: a line break inside quotes (a quoted field
 * must close on its line), a quote inside a field that is not quoted whole, text after a
 * closing quote, a control byte in a field (a carriage return that does not end a line,
 * a tab inside a cell, \x01 ...), a NUL byte, a row whose field count differs from the
 * header's, a header column that is not in the program's list, or one given twice. Messages
 * go to stderr as "prog: FILE:LINE: [column: ]text", with what they quote of the file
 * shown as cli_escape() shows it; FILE is "<stdin>" for "-". */
typedef struct cli_csv cli_csv;

/* Reads `path` ("-": standard input) and its header row (at most 64 columns). `columns` is
 * the NULL-terminated list of the names a header may use (at most 64); `required` a
 * NULL-terminated subset that must be present (may be NULL). Returns CLI_EXIT_OK and *out,
 * or CLI_EXIT_INPUT (printed) with *out NULL. */
int cli_csv_open(const char *prog, const char *path, const char *const *columns,
                 const char *const *required, cli_csv **out);

/* The same, but a header column that is not in `columns` is an "extra" column (a history's
 * covariates), kept in header order, instead of an error (naming one twice still is). */
int cli_csv_open_extra(const char *prog, const char *path, const char *const *columns,
                       const char *const *required, cli_csv **out);
void cli_csv_free(cli_csv *csv);

/* Moves to the next record: 1 when there is one, 0 at the end of the file, -1 when the line
 * is malformed (printed; stop reading). */
int cli_csv_next(cli_csv *csv);

/* The file as messages name it ("<stdin>" for "-"), and the current record's line. */
const char *cli_csv_path(const cli_csv *csv);
long cli_csv_line(const cli_csv *csv);

/* Whether the header has columns[column]. */
int cli_csv_has(const cli_csv *csv, size_t column);

/* The current record's cell of columns[column], trimmed: "" when empty or when the header
 * has no such column. Valid until the next cli_csv_next() or cli_csv_free(). */
const char *cli_csv_cell(const cli_csv *csv, size_t column);

/* The cell as a strict decimal number (cli_number()); an empty cell or an absent column is
 * NAN ("not measured"). On failure prints "prog: FILE:LINE: column: 'cell' is not a number"
 * (or why: a decimal comma, not finite, out of range) and returns CLI_EXIT_INPUT. */
int cli_csv_double(const cli_csv *csv, size_t column, double *out);

/* The extra columns (cli_csv_open_extra): how many, the header's name of extra i, and the
 * current record's cell of it (trimmed, "" when empty); valid as cli_csv_cell()'s. */
size_t cli_csv_extras(const cli_csv *csv);
const char *cli_csv_extra_name(const cli_csv *csv, size_t extra);
const char *cli_csv_extra_cell(const cli_csv *csv, size_t extra);

/* The extra cell as cli_csv_double() reads a cell; when it is not a number, `hint` (if not
 * NULL) is printed in parentheses after the message instead of the usual one. */
int cli_csv_extra_double(const cli_csv *csv, size_t extra, const char *hint, double *out);

/* The cell as a strict decimal integer; an empty cell is an error when `required`, else
 * *present is 0 (present may be NULL when required). Same messages. */
int cli_csv_long(const cli_csv *csv, size_t column, int required, long *out, int *present);

/* "prog: FILE:LINE: text" (or "prog: FILE: text" for line <= 0) on stderr. Returns
 * CLI_EXIT_INPUT. */
int cli_csv_error(const cli_csv *csv, long line, const char *fmt, ...) CLI_PRINTF(3, 4);

#endif /* PBSC_CLI_H */

/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the CSV reader itself (examples/csv.c, fields cut by libcsv) over the
 * bytes written to a real file and opened by its path, as a program opens a course.
 *
 * Invariants: the reader opens or refuses with exactly one message; every message it prints
 * is one line "fuzz: PATH...", of UTF-8 text without a control character, C0 or C1 (what it
 * quotes of the file is escaped); a header name and a cell are trimmed, hold no control byte and no
 * NUL, the names are unique; record lines increase; a cell read as a number is NAN exactly when
 * empty, finite otherwise, and a decimal comma is named as one. And a round trip: a file read to
 * its end, written again with every field quoted (doubled quotes inside), a byte-order mark
 * and CRLF line ends, reads back to the same names and cells. */
#define _POSIX_C_SOURCE 200809L
#include "fuzz.h"

#include <stdlib.h>
#include <unistd.h>

#include "cli.h"

/* Known columns: a course's first two; every other header name is an extra column. */
static const char *const columns[] = {"day", "cd34", NULL};
#define NKNOWN 2
#define MAX_FIELDS 64

/* Two files, made once per process and rewritten for every input. */
static char path_in[64], path_again[64];

static void
remove_files(void)
{
    unlink(path_in);
    unlink(path_again);
}

static void
make_file(char *path, size_t size)
{
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(path, size, "%s/pbsc-fuzz-csv.XXXXXX", dir != NULL && strlen(dir) < 32 ? dir : "/tmp");
    fd = mkstemp(path);
    FUZZ_CHECK(fd >= 0);
    close(fd);
}

static void
write_file(const char *path, const void *data, size_t size)
{
    FILE *fp = fopen(path, "wb");

    FUZZ_CHECK(fp != NULL);
    FUZZ_CHECK(size == 0 || fwrite(data, 1, size, fp) == size);
    FUZZ_CHECK(fclose(fp) == 0);
}

/* The length of a UTF-8 character at p that is not a control (C0, DEL or C1), else 0. */
static size_t
text_char(const unsigned char *p, const unsigned char *end)
{
    size_t n = p[0] < 0x80                    ? 1
               : p[0] >= 0xC2 && p[0] <= 0xDF ? 2
               : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
               : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
                                              : 0;
    size_t i;

    if (n == 0 || (size_t)(end - p) < n || (n == 1 && (p[0] < 0x20 || p[0] == 0x7F)))
        return 0;
    for (i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    if (n == 2 && p[0] == 0xC2 && p[1] < 0xA0) /* U+0080-U+009F */
        return 0;
    return n;
}

/* What the reader printed: `lines` lines, each "fuzz: PATH" then UTF-8 text without a
 * control character, ending with a newline. */
static void
check_messages(const char *text, size_t len, const char *path, size_t lines)
{
    size_t prefix = strlen("fuzz: ") + strlen(path), seen = 0, i = 0;

    while (i < len) {
        const char *line = text + i;
        const char *nl = memchr(line, '\n', len - i);

        FUZZ_CHECK(nl != NULL);
        FUZZ_CHECK((size_t)(nl - line) > prefix);
        FUZZ_CHECK(strncmp(line, "fuzz: ", 6) == 0 && strncmp(line + 6, path, strlen(path)) == 0);
        while (line < nl) {
            size_t n = text_char((const unsigned char *)line, (const unsigned char *)nl);

            FUZZ_CHECK(n > 0);
            line += n;
        }
        i = (size_t)(nl - text) + 1;
        seen++;
    }
    FUZZ_CHECK(seen == lines);
}

/* A header name or a cell: trimmed, no control byte. */
static void
check_text(const char *s)
{
    size_t n = strlen(s);

    FUZZ_CHECK(n == 0 || (s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t'));
    for (; *s != '\0'; s++)
        FUZZ_CHECK((unsigned char)*s >= 0x20 && *s != 0x7F);
}

/* The file as read: the header's names (known columns first, then extras) and every cell. */
struct table {
    size_t ncols, nrows;
    char *names[MAX_FIELDS];
    char **cells; /* nrows * ncols */
    int ended;    /* read to the end without an error */
};

static void
table_free(struct table *t)
{
    size_t i;

    for (i = 0; i < t->ncols; i++)
        free(t->names[i]);
    for (i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    memset(t, 0, sizeof *t);
}

static char *
copy(const char *s)
{
    char *c = strdup(s);

    FUZZ_CHECK(c != NULL);
    return c;
}

static const char *
cell_of(const cli_csv *csv, size_t k)
{
    return k < NKNOWN ? cli_csv_cell(csv, k) : cli_csv_extra_cell(csv, k - NKNOWN);
}

/* One cell read as a number: the reader's contract, and one message when refused. */
static size_t
check_number(const cli_csv *csv, size_t k, const char *cell)
{
    double v = -12345.0, same = 0.0;
    int rc =
        k < NKNOWN ? cli_csv_double(csv, k, &v) : cli_csv_extra_double(csv, k - NKNOWN, NULL, &v);

    FUZZ_CHECK(rc == CLI_EXIT_OK || rc == CLI_EXIT_INPUT);
    if (rc == CLI_EXIT_OK) {
        FUZZ_CHECK(cell[0] == '\0' ? isnan(v) : isfinite(v));
        return 0;
    }
    FUZZ_CHECK(v == -12345.0);
    FUZZ_CHECK(cell[0] != '\0' && cli_number(cell, &same) != CLI_NUMBER_OK);
    return 1;
}

/* One record into the table (cells copied); returns how many messages it printed. */
static size_t
read_record(const cli_csv *csv, struct table *t)
{
    size_t k, printed = 0;
    char **grown = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof *grown + 1);

    FUZZ_CHECK(grown != NULL);
    t->cells = grown;
    for (k = 0; k < t->ncols; k++) {
        const char *cell = cell_of(csv, k);

        check_text(cell);
        t->cells[t->nrows * t->ncols + k] = copy(cell);
        printed += check_number(csv, k, cell);
    }
    t->nrows++;
    return printed;
}

/* Reads `path` into t, checking the reader's invariants and its messages. */
static void
read_table(const char *path, struct table *t)
{
    char *text = NULL;
    size_t len = 0, printed = 0, k, j;
    FILE *saved = stderr, *err = open_memstream(&text, &len);
    cli_csv *csv = NULL;
    long last = 0;
    int rc, more = -1;

    FUZZ_CHECK(err != NULL);
    stderr = err;
    memset(t, 0, sizeof *t);
    rc = cli_csv_open_extra("fuzz", path, columns, NULL, &csv);
    FUZZ_CHECK((rc == CLI_EXIT_OK) == (csv != NULL));
    printed += rc != CLI_EXIT_OK;
    if (csv != NULL) {
        for (k = 0; k < NKNOWN; k++)
            t->names[t->ncols++] = copy(cli_csv_has(csv, k) ? columns[k] : "");
        for (k = 0; k < cli_csv_extras(csv); k++) {
            check_text(cli_csv_extra_name(csv, k));
            FUZZ_CHECK(cli_csv_extra_name(csv, k)[0] != '\0');
            for (j = 0; j < t->ncols; j++)
                FUZZ_CHECK(strcmp(t->names[j], cli_csv_extra_name(csv, k)) != 0);
            t->names[t->ncols++] = copy(cli_csv_extra_name(csv, k));
        }
        while ((more = cli_csv_next(csv)) == 1) {
            FUZZ_CHECK(cli_csv_line(csv) > last);
            last = cli_csv_line(csv);
            printed += read_record(csv, t);
        }
        FUZZ_CHECK(more == 0 || more == -1);
        printed += more == -1;
        cli_csv_free(csv);
    }
    stderr = saved;
    FUZZ_CHECK(fclose(err) == 0);
    check_messages(text, len, path, printed);
    free(text);
    t->ended = more == 0;
}

/* A field as RFC 4180 quotes it. */
static void
put_quoted(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', fp);
        fputc(*s, fp);
    }
    fputc('"', fp);
}

/* The table written again, every field quoted; only the columns the header had. */
static void
write_table(const char *path, const struct table *t)
{
    FILE *fp = fopen(path, "wb");
    size_t r, k;
    int first = 1;

    FUZZ_CHECK(fp != NULL);
    fputs("\xEF\xBB\xBF# written again by fuzz_csvread\r\n", fp);
    for (k = 0; k < t->ncols; k++) {
        if (t->names[k][0] == '\0')
            continue;
        fputs(first ? "" : ",", fp);
        put_quoted(fp, t->names[k]);
        first = 0;
    }
    fputs("\r\n", fp);
    for (r = 0; r < t->nrows; r++) {
        first = 1;
        for (k = 0; k < t->ncols; k++) {
            if (t->names[k][0] == '\0')
                continue;
            fputs(first ? "" : " ,\t", fp);
            put_quoted(fp, t->cells[r * t->ncols + k]);
            first = 0;
        }
        fputs(r % 2 ? "\r\n" : "\n", fp);
    }
    FUZZ_CHECK(fclose(fp) == 0);
}

static void
same_table(const struct table *a, const struct table *b)
{
    size_t i;

    FUZZ_CHECK(b->ended);
    FUZZ_CHECK(a->ncols == b->ncols && a->nrows == b->nrows);
    for (i = 0; i < a->ncols; i++)
        FUZZ_CHECK(strcmp(a->names[i], b->names[i]) == 0);
    for (i = 0; i < a->nrows * a->ncols; i++)
        FUZZ_CHECK(strcmp(a->cells[i], b->cells[i]) == 0);
}

PBSC_FUZZ_TARGET(csvread)
{
    struct table first, again;

    if (path_in[0] == '\0') {
        make_file(path_in, sizeof path_in);
        make_file(path_again, sizeof path_again);
        atexit(remove_files);
    }
    write_file(path_in, data, size);
    read_table(path_in, &first);
    if (first.ended) {
        write_table(path_again, &first);
        read_table(path_again, &again);
        same_table(&first, &again);
        table_free(&again);
    }
    table_free(&first);
    return 0;
}

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

/* Whether text quotes the word: "unknown key 'ce_sigmaa'" names its field already. */
static int
quotes_word(const char *text, const char *word)
{
    size_t n = strlen(word);
    const char *at;

    for (at = strchr(text, '\''); n > 0 && at != NULL; at = strchr(at + 1, '\''))
        if (strncmp(at + 1, word, n) == 0 && at[n + 1] == '\'')
            return 1;
    return 0;
}

void
cli_field_text(FILE *fp, const char *name, const char *field, const char *text)
{
    if (field == NULL)
        field = "";
    if (name == NULL || name[0] == '\0')
        name = field;
    if (starts_with_word(text, field)) {
        cli_put_escaped(fp, name);
        cli_put_escaped(fp, text + strlen(field));
        return;
    }
    if (!starts_with_word(text, name) && name[0] != '\0' && !quotes_word(text, name)) {
        cli_put_escaped(fp, name);
        fputs(": ", fp);
    }
    cli_put_escaped(fp, text); /* a library's text may quote a file's bytes */
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
    char raw[64] = "", text[CLI_ESCAPED];

    if (optind > 0 && argv[optind - 1] != NULL)
        option_text(argv[optind - 1], raw, sizeof raw);
    cli_escape(text, sizeof text, raw, sizeof raw);
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

/* ---- text in messages --------------------------------------------------------------- */

/* The length of the UTF-8 sequence at p that a terminal shows as a character: well formed,
 * shortest form, not a surrogate, not a C1 control (U+0080-U+009F); 0 for anything else. */
static size_t
utf8_length(const unsigned char *p)
{
    unsigned long cp;
    size_t n, i;

    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        n = 2, cp = p[0] & 0x1Fu;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        n = 3, cp = p[0] & 0x0Fu;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        n = 4, cp = p[0] & 0x07u;
    else
        return 0;
    for (i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) /* also stops at the terminating NUL */
            return 0;
        cp = cp << 6 | (p[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp <= 0x9F)
        return 0;
    return n;
}

/* How byte p[0] (with what follows) is shown: into out (at least 5 bytes); returns how many
 * bytes of p it stands for. */
static size_t
escape_one(const unsigned char *p, char *out)
{
    size_t n;

    if (*p == '\r' || *p == '\n' || *p == '\t') {
        out[0] = '\\';
        out[1] = *p == '\r' ? 'r' : *p == '\n' ? 'n' : 't';
        out[2] = '\0';
        return 1;
    }
    if (*p >= 0x20 && *p < 0x7F) {
        out[0] = (char)*p;
        out[1] = '\0';
        return 1;
    }
    n = *p >= 0x80 ? utf8_length(p) : 0;
    if (n == 0) {
        snprintf(out, 5, "\\x%02x", (unsigned)*p);
        return 1;
    }
    memcpy(out, p, n);
    out[n] = '\0';
    return n;
}

void
cli_put_escaped(FILE *fp, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;

    while (*p != '\0') {
        char one[5];

        p += escape_one(p, one);
        fputs(one, fp);
    }
}

const char *
cli_escape(char *buf, size_t size, const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t used = 0, taken = 0;

    if (size == 0)
        return buf;
    buf[0] = '\0';
    while (p[taken] != '\0') {
        char one[5];
        size_t n = escape_one(p + taken, one), w = strlen(one);

        if (taken + n > max || used + w + 4 > size) { /* keep room for "..." and the NUL */
            if (size - used >= 4)
                memcpy(buf + used, "...", 4);
            return buf;
        }
        memcpy(buf + used, one, w + 1);
        used += w;
        taken += n;
    }
    return buf;
}

/* ---- the site model ------------------------------------------------------------------ */

/* A site file refused: "--opt: why" when it could not be read, else "prog: FILE:LINE: ...". */
static int
file_refused(const char *prog, const char *opt, const char *path, int rc, const pbsc_diag *d)
{
    const char *text = d->text[0] != '\0' ? d->text : pbsc_strerror(rc);

    if (rc == PBSC_E_IO || strcmp(d->field, "path") == 0)
        return cli_input_error(prog, "%s: %s", opt, text);
    if (d->line > 0)
        fprintf(stderr, "%s: %s:%ld: ", prog, path, d->line);
    else
        fprintf(stderr, "%s: %s: ", prog, path);
    cli_field_text(stderr, NULL, d->field, text);
    fputc('\n', stderr);
    return CLI_EXIT_INPUT;
}

int
cli_model_read(const char *prog, const char *path, pbsc_model **model)
{
    pbsc_diag d;
    int rc;

    pbsc_diag_clear(&d);
    rc = pbsc_model_read(path, model, &d);
    return rc == PBSC_OK ? CLI_EXIT_OK : file_refused(prog, "--model", path, rc, &d);
}

int
cli_population_read(const char *prog, const char *path, pbsc_population **population)
{
    pbsc_diag d;
    int rc;

    pbsc_diag_clear(&d);
    rc = path == NULL ? pbsc_population_new(population, &d)
                      : pbsc_population_read(path, population, &d);
    if (rc == PBSC_OK)
        return CLI_EXIT_OK;
    return path == NULL ? cli_diag_error(prog, rc, &d)
                        : file_refused(prog, "--population", path, rc, &d);
}

/* ---- option arguments -------------------------------------------------------------- */

/* Only what a person types as a decimal number: sign, digits, point, exponent. strtod also
 * takes hex floats, "nan(...)", "inf" and "infinity", which an option never means. With
 * `comma`, a ',' stands for the point (to recognise a decimal comma). */
static int
looks_decimal(const char *s, int comma)
{
    int digits = 0;

    if (*s == '+' || *s == '-')
        s++;
    for (; *s != '\0'; s++) {
        if (isdigit((unsigned char)*s))
            digits = 1;
        else if (*s != '.' && *s != 'e' && *s != 'E' && *s != '+' && *s != '-' &&
                 !(comma && *s == ','))
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

cli_number_error
cli_number(const char *s, double *out)
{
    char *end = NULL;
    double v;

    if (s[0] == '\0')
        return CLI_NUMBER_EMPTY;
    if (names_nonfinite(s))
        return CLI_NUMBER_NONFINITE;
    if (!looks_decimal(s, 0)) {
        const char *comma = strchr(s, ',');

        /* one comma where the point would be: "1,5", "-0,25" */
        if (comma != NULL && strchr(comma + 1, ',') == NULL && strchr(s, '.') == NULL &&
            looks_decimal(s, 1))
            return CLI_NUMBER_COMMA;
        return CLI_NUMBER_SYNTAX;
    }
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end != '\0')
        return CLI_NUMBER_SYNTAX;
    if (errno == ERANGE || !isfinite(v))
        return CLI_NUMBER_RANGE;
    *out = v;
    return CLI_NUMBER_OK;
}

const char *
cli_decimal_point(char *buf, size_t size, const char *s)
{
    size_t k;

    if (size == 0)
        return buf;
    for (k = 0; k + 1 < size && s[k] != '\0'; k++)
        buf[k] = s[k] == ',' ? '.' : s[k];
    buf[k] = '\0';
    return buf;
}

int
cli_parse_double(const char *prog, const char *opt, const char *arg, double *out)
{
    char shown[CLI_ESCAPED], point[64];

    if (arg == NULL || arg[0] == '\0')
        return cli_usage_error(prog, "%s: empty argument, a number is needed", opt);
    cli_escape(shown, sizeof shown, arg, CLI_ESCAPE_MAX);
    switch (cli_number(arg, out)) {
    case CLI_NUMBER_OK:
        return CLI_EXIT_OK;
    case CLI_NUMBER_NONFINITE:
        return cli_usage_error(prog, "%s: '%s' is not a finite number", opt, shown);
    case CLI_NUMBER_COMMA:
        return cli_usage_error(prog,
                               "%s: '%s' is not a number: a decimal comma is not accepted "
                               "(write %s)",
                               opt, shown, cli_decimal_point(point, sizeof point, arg));
    case CLI_NUMBER_RANGE:
        return cli_usage_error(prog, "%s: '%s' is out of range", opt, shown);
    default:
        return cli_usage_error(prog, "%s: '%s' is not a number", opt, shown);
    }
}

int
cli_parse_long(const char *prog, const char *opt, const char *arg, long min, long max, long *out)
{
    char *end = NULL, shown[CLI_ESCAPED];
    const char *p;
    long v;

    if (arg == NULL || arg[0] == '\0')
        return cli_usage_error(prog, "%s: empty argument, an integer is needed", opt);
    cli_escape(shown, sizeof shown, arg, CLI_ESCAPE_MAX);
    p = arg + (arg[0] == '+' || arg[0] == '-');
    for (; *p != '\0'; p++)
        if (!isdigit((unsigned char)*p))
            return cli_usage_error(prog, "%s: '%s' is not an integer", opt, shown);
    errno = 0;
    v = strtol(arg, &end, 10);
    if (end == arg || *end != '\0')
        return cli_usage_error(prog, "%s: '%s' is not an integer", opt, shown);
    if (errno == ERANGE || v < min || v > max)
        return cli_usage_error(prog, "%s: '%s' is out of range (%ld to %ld)", opt, shown, min, max);
    *out = v;
    return CLI_EXIT_OK;
}

int
cli_parse_choice(const char *prog, const char *opt, const char *arg, const char *const *choices,
                 int *index)
{
    char list[256] = "", shown[CLI_ESCAPED];
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
    return cli_usage_error(prog, "%s: '%s' is not one of %s", opt,
                           cli_escape(shown, sizeof shown, arg, CLI_ESCAPE_MAX), list);
}

int
cli_parse_regimen(const char *prog, const char *arg, pbsc_regimen *regimen)
{
    const char *words[17];
    int i = 0, rc;

    while (i < 16 && (words[i] = pbsc_regimen_name((pbsc_regimen)i)) != NULL)
        i++;
    words[i] = NULL;
    if ((rc = cli_parse_choice(prog, "--regimen", arg, words, &i)) == CLI_EXIT_OK)
        *regimen = (pbsc_regimen)i;
    return rc;
}

/* --diagnosis: a pbsc_diagnosis_name(), any case. */
int
cli_parse_diagnosis(const char *prog, const char *arg, pbsc_diagnosis *diagnosis)
{
    char shown[CLI_ESCAPED];

    if (pbsc_diagnosis_find(arg, diagnosis, NULL) == PBSC_OK)
        return CLI_EXIT_OK;
    return cli_usage_error(prog, "--diagnosis: '%s' is not one of MM, NHL, HL, AL, ST, other, "
                                 "unknown",
                           cli_escape(shown, sizeof shown, arg, CLI_ESCAPE_MAX));
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

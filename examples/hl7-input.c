/* SPDX-License-Identifier: MIT */
/* pbsc-hl7's input: files (or standard input) read whole, cut into messages: each MLLP frame,
 * or each run from an MSH segment at the start of a line to the next. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hl7-input.h"

extern const char prog[];

/* The whole of a file ("-": standard input). */
static int
slurp(const char *path, char **text, size_t *length)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t n = 0, cap = 65536;
    char *buf;

    if (fp == NULL)
        return cli_input_error(prog, "%s: cannot open", path);
    buf = malloc(cap);
    while (buf != NULL) {
        n += fread(buf + n, 1, cap - n, fp);
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap); /* leaks the old block only when out of memory: we exit */
    }
    if (buf == NULL || ferror(fp)) {
        if (fp != stdin)
            fclose(fp);
        free(buf);
        return cli_input_error(prog, "%s: %s", path, buf == NULL ? "out of memory" : "read error");
    }
    if (fp != stdin)
        fclose(fp);
    *text = buf;
    *length = n;
    return CLI_EXIT_OK;
}

static int
push(struct input *in, const char *s, size_t n, const char *path)
{
    if (in->n == in->cap) {
        size_t cap = in->cap ? 2 * in->cap : 32;
        struct message *m = realloc(in->m, cap * sizeof *m);
        if (m == NULL)
            return cli_input_error(prog, "out of memory");
        in->m = m;
        in->cap = cap;
    }
    in->m[in->n].text = s;
    in->m[in->n].length = n;
    in->m[in->n].path = path;
    in->n++;
    return CLI_EXIT_OK;
}

/* Where the next message starts after `at`: a segment MSH at the start of a line, or an
 * MLLP start block; n when none. */
static size_t
next_start(const char *s, size_t n, size_t at)
{
    size_t i;

    for (i = at; i < n; i++) {
        if (s[i] == 0x0B)
            return i;
        if ((s[i] == '\r' || s[i] == '\n') && i + 4 < n && memcmp(s + i + 1, "MSH", 3) == 0)
            return i + 1;
    }
    return n;
}

/* The messages of one file: each MLLP frame, or each run from an MSH to the next. */
static int
split(struct input *in, const char *s, size_t n, const char *path)
{
    size_t at = 0, end;
    int rc = CLI_EXIT_OK;

    while (rc == CLI_EXIT_OK) {
        while (at < n && (s[at] == '\r' || s[at] == '\n'))
            at++;
        if (at >= n)
            break;
        if (s[at] == 0x0B) {
            const char *fs = memchr(s + at, 0x1C, n - at);
            end = fs == NULL ? n : (size_t)(fs - s) + 1 + (fs + 1 < s + n && fs[1] == '\r');
        } else {
            end = next_start(s, n, at + 1);
        }
        rc = push(in, s + at, end - at, path);
        at = end;
    }
    return rc;
}

int
read_inputs(char *const *paths, int npaths, struct input *in)
{
    int i, rc = CLI_EXIT_OK;

    in->buffers = calloc((size_t)npaths, sizeof *in->buffers);
    if (in->buffers == NULL)
        return cli_input_error(prog, "out of memory");
    for (i = 0; i < npaths && rc == CLI_EXIT_OK; i++) {
        const char *path = strcmp(paths[i], "-") == 0 ? "<stdin>" : paths[i];
        size_t n = 0;

        if ((rc = slurp(paths[i], &in->buffers[i], &n)) != CLI_EXIT_OK)
            break;
        in->nbuffers++;
        rc = split(in, in->buffers[i], n, path);
    }
    if (rc == CLI_EXIT_OK && in->n == 0)
        rc = cli_input_error(prog, "no message in the input");
    return rc;
}

void
input_free(struct input *in)
{
    size_t i;

    for (i = 0; i < in->nbuffers; i++)
        free(in->buffers[i]);
    free(in->buffers);
    free(in->m);
}

/* SPDX-License-Identifier: MIT */
/* Output files of the example programs (-o FILE): cli.h, "output files". A file is written
 * to a temporary made by mkstemp() in the target's directory (the same file system, so the
 * last step is a rename, never a copy), fsync'ed, then put in place in one step; the target
 * is never an input, nor a file the program did not create unless --force says so. */
/* POSIX 2008 with XSI: realpath, fchmod, fsync, lstat */
#define _XOPEN_SOURCE 700

#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The temporary's name keeps at most this much of the target's, to stay under NAME_MAX. */
#define OUTPUT_BASE_MAX 64

struct cli_output {
    const char *prog;
    const char *opt;  /* the option, as messages name it: "-o" */
    const char *path; /* the file as the user named it */
    char *target;     /* the file written: the path, or where its symbolic link points */
    char *tmp;        /* the temporary; NULL when the target is written directly */
    FILE *fp;
    int force;
};

/* "prog: -o PATH: text" on stderr. Returns CLI_EXIT_INPUT. */
static int
output_error(const cli_output *o, const char *text, const char *more)
{
    char shown[CLI_ESCAPED];

    fprintf(stderr, "%s: %s %s: %s%s\n", o->prog, o->opt,
            cli_escape(shown, sizeof shown, o->path, CLI_ESCAPE_MAX), text,
            more != NULL ? more : "");
    return CLI_EXIT_INPUT;
}

static void
output_free(cli_output *o)
{
    if (o->fp != NULL)
        fclose(o->fp);
    if (o->tmp != NULL)
        unlink(o->tmp);
    free(o->tmp);
    free(o->target);
    free(o);
}

/* Whether `st` is one of the inputs ("-": standard input), compared by device and inode, so
 * that no other name of an input (a link, a second hard link, a redirection) slips by. */
static const char *
output_input(const struct stat *st, const char *const *inputs)
{
    struct stat in;
    size_t i;

    for (i = 0; inputs != NULL && inputs[i] != NULL; i++) {
        int ok = strcmp(inputs[i], "-") == 0 ? fstat(STDIN_FILENO, &in) : stat(inputs[i], &in);

        if (ok == 0 && in.st_dev == st->st_dev && in.st_ino == st->st_ino)
            return strcmp(inputs[i], "-") == 0 ? "standard input" : inputs[i];
    }
    return NULL;
}

/* o->target from o->path: the path itself, or where a symbolic link points; *st its status
 * and *exists whether it exists. CLI_EXIT_* (printed). */
static int
output_resolve(cli_output *o, struct stat *st, int *exists)
{
    *exists = 0;
    if (lstat(o->path, st) != 0) {
        if (errno != ENOENT)
            return output_error(o, strerror(errno), NULL);
        o->target = strdup(o->path);
        return o->target != NULL ? CLI_EXIT_OK : output_error(o, "out of memory", NULL);
    }
    *exists = 1;
    if (!S_ISLNK(st->st_mode)) {
        o->target = strdup(o->path);
        return o->target != NULL ? CLI_EXIT_OK : output_error(o, "out of memory", NULL);
    }
    o->target = realpath(o->path, NULL);
    if (o->target == NULL && errno == ENOENT)
        return output_error(o, "a symbolic link to a file that does not exist",
                            " (name the file itself)");
    if (o->target == NULL || stat(o->target, st) != 0)
        return output_error(o, strerror(errno), NULL);
    return CLI_EXIT_OK;
}

/* The directory of o->target, for the temporary, and the start of its last component. */
static char *
output_template(const cli_output *o)
{
    const char *slash = strrchr(o->target, '/');
    const char *base = slash != NULL ? slash + 1 : o->target;
    size_t dir = slash != NULL ? (size_t)(slash - o->target) + 1 : 0;
    size_t nbase = strlen(base) < OUTPUT_BASE_MAX ? strlen(base) : OUTPUT_BASE_MAX;
    char *t = malloc(dir + nbase + sizeof "..XXXXXX");

    if (t == NULL)
        return NULL;
    memcpy(t, o->target, dir); /* "" for the current directory */
    t[dir] = '.';
    memcpy(t + dir + 1, base, nbase);
    memcpy(t + dir + 1 + nbase, ".XXXXXX", sizeof ".XXXXXX");
    return t;
}

/* The temporary, created in the target's directory with `mode`. CLI_EXIT_* (printed). */
static int
output_temporary(cli_output *o, mode_t mode)
{
    int fd;

    if ((o->tmp = output_template(o)) == NULL)
        return output_error(o, "out of memory", NULL);
    fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        return output_error(o, "cannot create a file in its directory: ", strerror(e));
    }
    if (fchmod(fd, mode) != 0 || (o->fp = fdopen(fd, "wb")) == NULL) {
        int e = errno;
        close(fd);
        return output_error(o, strerror(e), NULL);
    }
    return CLI_EXIT_OK;
}

/* The checks on an existing target, then how it is written. CLI_EXIT_* (printed). */
static int
output_existing(cli_output *o, const struct stat *st, const char *const *inputs)
{
    const char *input = output_input(st, inputs);
    char shown[CLI_ESCAPED];

    if (input != NULL) {
        char more[CLI_ESCAPED + 4];

        snprintf(more, sizeof more, " (%s)",
                 cli_escape(shown, sizeof shown, input, CLI_ESCAPE_MAX));
        return output_error(o, "the same file as the input", more);
    }
    if (S_ISDIR(st->st_mode))
        return output_error(o, "a directory, not a file", NULL);
    if (S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode)) { /* /dev/null, a pipe: no rename */
        o->fp = fopen(o->target, "wb");
        return o->fp != NULL ? CLI_EXIT_OK : output_error(o, strerror(errno), NULL);
    }
    if (!S_ISREG(st->st_mode))
        return output_error(o, "not a regular file", NULL);
    if (!o->force)
        return output_error(o, "the file exists; --force replaces it", NULL);
    return output_temporary(o, st->st_mode & 0777); /* a replacement keeps its permissions */
}

int
cli_output_open(const char *prog, const char *opt, const char *path, const char *const *inputs,
                int force, cli_output **out)
{
    cli_output *o = calloc(1, sizeof *o);
    struct stat st;
    mode_t mask;
    int exists = 0, rc;

    *out = NULL;
    if (o == NULL)
        return cli_input_error(prog, "out of memory");
    o->prog = prog;
    o->opt = opt;
    o->path = path;
    o->force = force;
    if (path[0] == '\0' || path[strlen(path) - 1] == '/')
        rc = output_error(o, "not a file name", NULL);
    else if ((rc = output_resolve(o, &st, &exists)) == CLI_EXIT_OK && exists) {
        rc = output_existing(o, &st, inputs);
    } else if (rc == CLI_EXIT_OK) {
        mask = umask(0); /* read it back: the process is single-threaded */
        umask(mask);
        rc = output_temporary(o, 0644 & ~mask);
    }
    if (rc != CLI_EXIT_OK) {
        output_free(o);
        return rc;
    }
    *out = o;
    return CLI_EXIT_OK;
}

FILE *
cli_output_file(const cli_output *o)
{
    return o->fp;
}

/* The temporary into place: renamed over the target (force), else linked, which fails
 * rather than replace a file that appeared since the checks. 0 or an errno value. */
static int
output_place(const cli_output *o)
{
    struct stat st;

    if (o->force)
        return rename(o->tmp, o->target) == 0 ? 0 : errno;
    if (link(o->tmp, o->target) == 0) {
        unlink(o->tmp);
        return 0;
    }
    if (errno == EEXIST)
        return EEXIST;
    /* a file system without hard links: rename, if the name is still free */
    if (lstat(o->target, &st) == 0)
        return EEXIST;
    return rename(o->tmp, o->target) == 0 ? 0 : errno;
}

/* The directory's entry made durable too; a file system that cannot is not an error. */
static void
output_sync_directory(const cli_output *o)
{
    const char *slash = strrchr(o->target, '/');
    char *dir = slash != NULL ? strdup(o->target) : NULL;
    int fd;

    if (slash != NULL && dir == NULL)
        return;
    if (dir != NULL)
        dir[slash == o->target ? 1 : slash - o->target] = '\0';
    fd = open(dir != NULL ? dir : ".", O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(dir);
}

int
cli_output_commit(cli_output *o)
{
    int e = 0;

    errno = 0;
    if (fflush(o->fp) != 0 || ferror(o->fp))
        e = errno != 0 ? errno : EIO;
    else if (o->tmp != NULL && fsync(fileno(o->fp)) != 0)
        e = errno;
    if (fclose(o->fp) != 0 && e == 0)
        e = errno != 0 ? errno : EIO;
    o->fp = NULL;
    if (e == 0 && o->tmp != NULL && (e = output_place(o)) == 0) {
        free(o->tmp);
        o->tmp = NULL; /* in place: nothing to remove */
        output_sync_directory(o);
    }
    if (e == EEXIST)
        output_error(o,
                     "the file exists (it appeared while this one was written); --force "
                     "replaces it",
                     NULL);
    else if (e != 0)
        output_error(o, strerror(e), NULL);
    output_free(o);
    return e == 0 ? CLI_EXIT_OK : CLI_EXIT_INPUT;
}

void
cli_output_abort(cli_output *o)
{
    if (o != NULL)
        output_free(o);
}

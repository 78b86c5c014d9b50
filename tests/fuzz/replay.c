/* SPDX-License-Identifier: MIT */
/* The fuzz harnesses without libFuzzer: feeds every seed and every kept finding through its
 * harness (built with -DPBSC_FUZZ_REPLAY), so `make check` replays them with any compiler.
 *
 * Usage: replay                       every file under $top_srcdir/tests/fuzz/corpus and
 *                                     .../regressions (top_srcdir defaults to ".")
 *        replay PATH...               those files or directories; the harness is the
 *                                     nearest directory of the path named after one
 *                                     (fuzz_policy, fuzz_model, fuzz_population, fuzz_csv,
 *                                     fuzz_csvread, fuzz_api, fuzz_hl7)
 * A broken invariant traps (the test fails with the file named just before).
 *
 * A finding reported but not fixed yet lives under a directory named "open"
 * (regressions/open/<harness>/): replay runs it in a child process and expects it to fail,
 * as automake's XFAIL; once the library is fixed it passes, and replay fails, asking for it
 * to be moved to regressions/<harness>/ (XPASS). */
#define _POSIX_C_SOURCE 200809L
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <locale.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

typedef int (*harness_fn)(const uint8_t *data, size_t size);

static const struct harness {
    const char *name;
    harness_fn fn;
    size_t files, open;
} harnesses_init[] = {
    {"fuzz_policy", pbsc_fuzz_policy, 0, 0},
    {"fuzz_model", pbsc_fuzz_model, 0, 0},
    {"fuzz_population", pbsc_fuzz_population, 0, 0},
    {"fuzz_csv", pbsc_fuzz_csv, 0, 0},
    {"fuzz_csvread", pbsc_fuzz_csvread, 0, 0},
    {"fuzz_api", pbsc_fuzz_api, 0, 0},
    {"fuzz_hl7", pbsc_fuzz_hl7, 0, 0},
    {"fuzz_record", pbsc_fuzz_record, 0, 0},
};

#define NHARNESSES (sizeof harnesses_init / sizeof harnesses_init[0])
static struct harness harnesses[NHARNESSES];

/* The harness a path belongs to: the last path component that names one. */
static struct harness *
harness_of(const char *path)
{
    struct harness *found = NULL;
    const char *found_at = NULL;
    size_t i;

    for (i = 0; i < NHARNESSES; i++) {
        const char *at = path;
        size_t n = strlen(harnesses[i].name);
        while ((at = strstr(at, harnesses[i].name)) != NULL) {
            int starts = at == path || at[-1] == '/';
            int ends = at[n] == '/' || at[n] == '\0';
            if (starts && ends && (found_at == NULL || at > found_at)) {
                found = &harnesses[i];
                found_at = at;
            }
            at += n;
        }
    }
    return found;
}

/* The path is an open finding: a directory of it is named "open". */
static int
open_finding(const char *path)
{
    const char *at;

    for (at = path; (at = strstr(at, "open/")) != NULL; at++)
        if (at == path || at[-1] == '/')
            return 1;
    return 0;
}

/* An open finding must still fail: run in a child, which traps (or exits non-zero). */
static int
replay_open(struct harness *h, const char *path, const uint8_t *buf, size_t len)
{
    pid_t pid;
    int status = 0;

    fprintf(stderr, "replay: %s %s (an open finding: expected to fail)\n", h->name, path);
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        fprintf(stderr, "replay: %s: fork: %s\n", path, strerror(errno));
        return 1;
    }
    if (pid == 0) {
        struct rlimit none = {0, 0};
        setrlimit(RLIMIT_CORE, &none); /* the expected trap leaves no core file */
        h->fn(buf, len);
        fflush(NULL);
        _exit(0);
    }
    if (waitpid(pid, &status, 0) != pid) {
        fprintf(stderr, "replay: %s: waitpid: %s\n", path, strerror(errno));
        return 1;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        fprintf(stderr, "replay: %s: passes now: the finding is fixed, move it to "
                "tests/fuzz/regressions/%s/%s\n", path, h->name,
                getenv("PBSC_FUZZ_AVOID") != NULL ? " (or PBSC_FUZZ_AVOID steers around it)"
                                                  : "");
        return 1;
    }
    fprintf(stderr, "replay: %s: still fails (open)\n", path);
    h->open++;
    return 0;
}

static int
replay_file(const char *path)
{
    struct harness *h = harness_of(path);
    FILE *fp;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;

    if (h == NULL) {
        fprintf(stderr, "replay: %s: not under a directory named after a harness\n", path);
        return 1;
    }
    fp = fopen(path, "rb");
    if (fp == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 1;
    }
    do {
        if (len == cap) {
            uint8_t *grown = realloc(buf, cap = cap ? 2 * cap : 4096);
            if (grown == NULL) {
                fclose(fp);
                free(buf);
                fprintf(stderr, "replay: %s: out of memory\n", path);
                return 1;
            }
            buf = grown;
        }
        n = fread(buf + len, 1, cap - len, fp);
        len += n;
    } while (n > 0);
    fclose(fp);
    if (open_finding(path)) {
        int bad = replay_open(h, path, buf, len);
        free(buf);
        return bad;
    }
    fprintf(stderr, "replay: %s %s\n", h->name, path);
    h->fn(buf, len);
    free(buf);
    h->files++;
    return 0;
}

static int
replay_path(const char *path, int missing_ok)
{
    struct stat st;
    DIR *dir;
    struct dirent *e;
    int bad = 0;

    if (stat(path, &st) != 0) {
        if (missing_ok && errno == ENOENT)
            return 0;
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 1;
    }
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    dir = opendir(path);
    if (dir == NULL) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return 1;
    }
    while ((e = readdir(dir)) != NULL) {
        char *child;
        if (e->d_name[0] == '.') /* ".", "..", and hidden files such as .gitkeep */
            continue;
        child = malloc(strlen(path) + strlen(e->d_name) + 2);
        if (child == NULL) {
            closedir(dir);
            return 1;
        }
        sprintf(child, "%s/%s", path, e->d_name);
        bad |= replay_path(child, 0);
        free(child);
    }
    closedir(dir);
    return bad;
}

int
main(int argc, char *argv[])
{
    const char *top = getenv("top_srcdir");
    int bad = 0, i;
    size_t h, total = 0;

    setlocale(LC_ALL, ""); /* .ci/run replays under a comma locale too */
    memcpy(harnesses, harnesses_init, sizeof harnesses);
    if (argc > 1) {
        for (i = 1; i < argc; i++)
            bad |= replay_path(argv[i], 0);
    } else {
        char path[4096];
        if (top == NULL || top[0] == '\0')
            top = ".";
        snprintf(path, sizeof path, "%s/tests/fuzz/corpus", top);
        bad |= replay_path(path, 0);
        snprintf(path, sizeof path, "%s/tests/fuzz/regressions", top);
        bad |= replay_path(path, 1);
    }
    for (h = 0; h < NHARNESSES; h++) {
        printf("%s: %zu file(s)", harnesses[h].name, harnesses[h].files);
        if (harnesses[h].open > 0)
            printf(", %zu open finding(s) still failing", harnesses[h].open);
        printf("\n");
        total += harnesses[h].files + harnesses[h].open;
    }
    if (total == 0) {
        fprintf(stderr, "replay: no files replayed\n");
        return 1;
    }
    return bad;
}

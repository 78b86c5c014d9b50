/* SPDX-License-Identifier: MIT */
/* pbsc-hl7: the laboratory's ORU^R01 result messages for one patient in, the advice for the
 * latest decision point out, as an ORU^R01 message (or an ACK^R01 refusing a message): a
 * filter an interface engine can call. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pbsc.h>

#include "cli.h"
#include "decide.h"
#include "hl7-input.h"

const char prog[] = "pbsc-hl7";

enum {
    OPT_DAY1 = OPT_SHARED_END,
    OPT_CODES,
    OPT_STRICT,
    OPT_PRELIMINARY,
    OPT_DATETIME,
    OPT_RECORD,
    OPT_FORCE,
    OPT_LIST_POLICIES,
    OPT_HELP,
    OPT_VERSION
};

static const struct option options[] = {
    DECIDE_OPTIONS,
    {"day1", required_argument, NULL, OPT_DAY1},
    {"codes", required_argument, NULL, OPT_CODES},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"preliminary", no_argument, NULL, OPT_PRELIMINARY},
    {"datetime", required_argument, NULL, OPT_DATETIME},
    {"record", required_argument, NULL, OPT_RECORD},
    {"force", no_argument, NULL, OPT_FORCE},
    {"list-policies", no_argument, NULL, OPT_LIST_POLICIES},
    {"help", no_argument, NULL, OPT_HELP},
    {"version", no_argument, NULL, OPT_VERSION},
    {NULL, 0, NULL, 0}};

/* What pbsc-hl7 reads besides the shared options. */
struct hl7_opts {
    long day1;            /* YYYYMMDD */
    const char *codes;    /* --codes FILE */
    int strict, preliminary;
    const char *datetime; /* --datetime, else the clock's */
    char clock[16];
    char **paths;
    int npaths;
};

static void
usage(void)
{
    printf("Usage: %s --day1 YYYYMMDD --policy NAME|FILE [OPTION]... MESSAGES...\n"
           "Read a patient's laboratory results as HL7 v2 ORU^R01 messages (v2.3 to v2.8),\n"
           "replay the course they make under a decision policy, and write the latest\n"
           "decision point's advice as an ORU^R01 message (HL7 v2.5.1) on standard output.\n"
           "A message that cannot be used is answered by an ACK^R01 (AE or AR) instead.\n\n",
           prog);
    puts("Messages (MESSAGES: files, or - for standard input): one or more ORU^R01 messages\n"
         "a file, each from its MSH, MLLP-framed (0x0B ... 0x1C 0x0D) or not; segments end\n"
         "with CR, LF or CRLF. pbsc_hl7_read(3) says which results are read and how.\n"
         "  --day1 YYYYMMDD        the date of day 1 of the course (required)\n"
         "  --codes FILE           the site's result codes (pbsc-codes(5)), besides the\n"
         "                         LOINC codes the library knows\n"
         "  --strict               refuse a message with a result code not in the map\n"
         "                         (default: not used, and counted on standard error)\n"
         "  --preliminary          use preliminary (P) results too (default: final and\n"
         "                         corrected only)\n"
         "  --datetime YYYYMMDDHHMMSS  the reply's MSH-7 (default: now, UTC)\n"
         "  --record FILE          also write the advice's decision with every input it\n"
         "                         read as a decision record (pbsc-record(5)) to FILE;\n"
         "                         pbsc-decide --replay FILE checks it\n"
         "  --force                with --record: replace FILE if it exists\n");
    decide_usage("  --weight KG            weight (default: the latest body weight in the\n"
                 "                         messages; or --weight-lb LB)\n");
    puts("  --list-policies        print the policy presets (as pbsc-decide does)\n"
         "  --help, --version\n\n"
         "Exit status: 0 advice written, 1 bad input (an ACK on standard output when a\n"
         "message was refused), 2 usage error.");
}

static int
own_option(opts *o, struct hl7_opts *h, int c, const char *arg)
{
    switch (c) {
    case OPT_DAY1:
        return cli_parse_long(prog, "--day1", arg, 15000101L, 99991231L, &h->day1);
    case OPT_CODES:
        h->codes = arg;
        return CLI_EXIT_OK;
    case OPT_STRICT:
        h->strict = 1;
        return CLI_EXIT_OK;
    case OPT_PRELIMINARY:
        h->preliminary = 1;
        return CLI_EXIT_OK;
    case OPT_DATETIME:
        h->datetime = arg;
        return CLI_EXIT_OK;
    case OPT_RECORD:
        o->record = arg;
        return CLI_EXIT_OK;
    case OPT_FORCE:
        o->force = 1;
        return CLI_EXIT_OK;
    case OPT_LIST_POLICIES:
        o->list_policies = 1;
        return CLI_EXIT_OK;
    default:
        return CLI_EXIT_USAGE;
    }
}

/* --record FILE: a file name, none of the message files (the first is also checked by
 * device and inode when the record is written); --force only with it. */
static int
check_record(const opts *o, const struct hl7_opts *h)
{
    int i;

    if (o->force && o->record == NULL)
        return cli_usage_error(prog, "--force: only with --record FILE (a file to replace)");
    if (o->record == NULL)
        return CLI_EXIT_OK;
    if (o->record[0] == '\0' || strcmp(o->record, "-") == 0)
        return cli_usage_error(prog, "--record: a file name (the advice goes to standard "
                                     "output)");
    for (i = 0; i < h->npaths; i++)
        if (strcmp(o->record, h->paths[i]) == 0)
            return cli_usage_error(prog, "--record %s: one of the message files", o->record);
    return CLI_EXIT_OK;
}

static int
parse_args(int argc, char *argv[], opts *o, struct hl7_opts *h)
{
    int c, rc;

    opterr = 0;
    while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        if (c == '?' || c == ':')
            return cli_getopt_error(prog, c, argv, options);
        if (c == OPT_HELP) {
            usage();
            return -1;
        }
        if (c == OPT_VERSION) {
            cli_print_version(prog);
            return -1;
        }
        rc = c < OPT_SHARED_END ? decide_option(o, c, optarg)
                                : own_option(o, h, c, optarg);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    h->paths = argv + optind;
    h->npaths = argc - optind;
    if (o->list_policies)
        return h->npaths == 0 ? CLI_EXIT_OK
                              : cli_usage_error(prog, "--list-policies: reads no message");
    if ((rc = decide_check(o, 0)) != CLI_EXIT_OK)
        return rc;
    if (h->day1 == 0)
        return cli_usage_error(prog, "--day1 YYYYMMDD is required: the date of day 1");
    if (h->npaths == 0)
        return cli_usage_error(prog, "a message file (or - for standard input) is required");
    return check_record(o, h);
}

/* ---- the course, the decision and the reply -------------------------------------------- */

/* What the run builds; freed by run_free(). */
struct run {
    const struct hl7_opts *h;
    pbsc_codes *codes;
    struct input in;
    result r;
    pbsc_hl7_info total; /* the latest message's header, the counts of all */
    pbsc_hl7_reply reply;
    size_t at; /* the message being read */
};

/* Writes a reply (advice or ACK) whole to standard output; CLI_EXIT_OK or an error. */
static int
write_reply(const char *what, int (*fill)(const void *ctx, char *buf, size_t size,
                                          size_t *needed),
            const void *ctx)
{
    size_t needed = 0;
    char *buf;
    int rc;

    if ((rc = fill(ctx, NULL, 0, &needed)) != PBSC_OK)
        return cli_input_error(prog, "%s: %s", what, pbsc_strerror(rc));
    if ((buf = malloc(needed)) == NULL)
        return cli_input_error(prog, "out of memory");
    rc = fill(ctx, buf, needed, &needed);
    if (rc == PBSC_OK)
        fwrite(buf, 1, needed - 1, stdout);
    free(buf);
    return rc == PBSC_OK ? CLI_EXIT_OK : cli_input_error(prog, "%s: %s", what, pbsc_strerror(rc));
}

struct ack {
    const struct run *run;
    const struct message *m;
    int status;
    const pbsc_diag *d;
};

static int
fill_ack(const void *ctx, char *buf, size_t size, size_t *needed)
{
    const struct ack *a = ctx;

    return pbsc_hl7_ack(a->m->text, a->m->length, &a->run->reply, a->status, a->d, buf, size,
                        needed);
}

/* A message refused: its ACK on standard output, why on standard error; CLI_EXIT_INPUT. */
static int
refuse(const struct run *run, size_t i, int status, const pbsc_diag *d)
{
    struct ack a = {run, &run->in.m[i], status, d};

    fprintf(stderr, "%s: %s: ", prog, run->in.m[i].path);
    cli_put_escaped(stderr, d->text[0] != '\0' ? d->text : pbsc_strerror(status));
    fputc('\n', stderr);
    (void)write_reply("ACK", fill_ack, &a);
    return CLI_EXIT_INPUT;
}

/* A refusal of the program's own (not the reader's) about message i. */
static int
refuse_text(const struct run *run, size_t i, int status, const char *field, const char *text)
{
    pbsc_diag d;

    pbsc_diag_clear(&d);
    d.status = status;
    snprintf(d.field, sizeof d.field, "%s", field);
    snprintf(d.text, sizeof d.text, "message %zu: %s", i + 1, text);
    return refuse(run, i, status, &d);
}

/* Reads message i into the course (NULL: only checks it); the counts go into run->total. */
static int
read_one(struct run *run, size_t i, pbsc_course *course, pbsc_hl7_info *info)
{
    pbsc_hl7_options o;
    pbsc_diag d;
    int rc;

    pbsc_hl7_options_init(&o);
    o.day1 = run->h->day1;
    o.strict = run->h->strict;
    o.finals_only = !run->h->preliminary;
    o.codes = run->codes;
    o.message = (long)i + 1;
    pbsc_hl7_info_init(info);
    pbsc_diag_clear(&d);
    rc = pbsc_hl7_read(run->in.m[i].text, run->in.m[i].length, &o, course, info, &d);
    return rc == PBSC_OK ? CLI_EXIT_OK : refuse(run, i, rc, &d);
}

/* Every message checked and scanned: one patient, and the latest body weight. */
static int
scan(struct run *run, double *weight)
{
    pbsc_hl7_info info;
    char first[sizeof info.patient_id] = "";
    long weight_day = 0;
    size_t i;
    int rc;

    for (i = 0; i < run->in.n; i++) {
        if ((rc = read_one(run, i, NULL, &info)) != CLI_EXIT_OK)
            return rc;
        if (i == 0)
            memcpy(first, info.patient_id, sizeof first);
        else if (strcmp(first, info.patient_id) != 0)
            return refuse_text(run, i, PBSC_E_CONFLICT, "PID-3",
                               "another patient than the first message's");
        if (!isnan(info.weight_kg) && info.weight_day >= weight_day)
            *weight = info.weight_kg, weight_day = info.weight_day;
    }
    return CLI_EXIT_OK;
}

static void
add_counts(pbsc_hl7_info *t, const pbsc_hl7_info *m)
{
    t->used += m->used;
    t->replaced += m->replaced;
    t->withdrawn += m->withdrawn;
    t->preliminary += m->preliminary;
    t->skipped_code += m->skipped_code;
    t->skipped_preliminary += m->skipped_preliminary;
    t->skipped_status += m->skipped_status;
}

/* Every message into the course; what was not used, said once per message on stderr. */
static int
build(struct run *run)
{
    pbsc_hl7_info info, t;
    size_t i;
    int rc;

    pbsc_hl7_info_init(&t);
    for (i = 0; i < run->in.n; i++) {
        if ((rc = read_one(run, i, run->r.course, &info)) != CLI_EXIT_OK)
            return rc;
        if (info.note[0] != '\0') {
            fprintf(stderr, "%s: %s: note: ", prog, run->in.m[i].path);
            cli_put_escaped(stderr, info.note);
            fputc('\n', stderr);
        }
        add_counts(&t, &info);
    }
    info.used = info.replaced = info.withdrawn = info.preliminary = 0;
    info.skipped_code = info.skipped_preliminary = info.skipped_status = 0;
    add_counts(&info, &t);
    run->total = info; /* the latest message's header */
    return CLI_EXIT_OK;
}

struct advice {
    const pbsc_decision *d;
    const pbsc_hl7_reply *reply;
};

static int
fill_advice(const void *ctx, char *buf, size_t size, size_t *needed)
{
    const struct advice *a = ctx;

    return pbsc_hl7_advice(a->d, a->reply, buf, size, needed);
}

/* The course replayed; the advice of its latest point written. */
static int
decide_and_write(struct run *run)
{
    size_t i, capacity = 2 * pbsc_course_length(run->r.course), count = 0;
    struct advice a;
    pbsc_diag d;
    int rc;

    run->r.points = malloc((capacity > 0 ? capacity : 1) * sizeof *run->r.points);
    if (run->r.points == NULL)
        return cli_input_error(prog, "out of memory");
    for (i = 0; i < capacity; i++)
        pbsc_decision_init(&run->r.points[i]);
    pbsc_diag_clear(&d);
    rc = pbsc_replay(run->r.course, run->r.policy, run->r.model, run->r.points, capacity, &count,
                     &d);
    if (rc != PBSC_OK)
        return refuse(run, run->in.n - 1, rc, &d);
    run->r.npoints = count;
    run->r.final = &run->r.points[count - 1];
    /* first: a record that cannot be written prints no advice */
    if (run->r.o->record != NULL && (rc = write_record(&run->r)) != CLI_EXIT_OK)
        return rc;
    run->reply.request = &run->total;
    a.d = run->r.final;
    a.reply = &run->reply;
    return write_reply("advice", fill_advice, &a);
}

static int
run_all(struct run *run, const opts *o)
{
    double weight = DNAN;
    pbsc_diag d;
    int rc;

    pbsc_diag_clear(&d);
    if ((rc = load_policy(o, &run->r, &d)) != CLI_EXIT_OK ||
        (rc = load_presets(o, &run->r, &d)) != CLI_EXIT_OK)
        return rc;
    if (run->h->codes != NULL &&
        (rc = pbsc_codes_read(run->h->codes, &run->codes, &d)) != PBSC_OK) {
        if (d.line > 0)
            fprintf(stderr, "%s: %s:%ld: ", prog, run->h->codes, d.line);
        else
            fprintf(stderr, "%s: --codes: ", prog);
        cli_put_escaped(stderr, d.text);
        fputc('\n', stderr);
        return CLI_EXIT_INPUT;
    }
    if ((rc = read_inputs(run->h->paths, run->h->npaths, &run->in)) != CLI_EXIT_OK ||
        (rc = scan(run, &weight)) != CLI_EXIT_OK)
        return rc;
    if (isnan(o->weight) && isnan(o->weight_lb) && isnan(weight))
        return refuse_text(run, run->in.n - 1, PBSC_E_MISSING, "weight",
                           "no body weight: give --weight, or send one (LOINC 29463-7)");
    if ((rc = new_course(o, &run->r, weight, &d)) != CLI_EXIT_OK ||
        (rc = build(run)) != CLI_EXIT_OK)
        return rc;
    return decide_and_write(run);
}

int
main(int argc, char *argv[])
{
    struct hl7_opts h;
    struct run run;
    opts o;
    int rc;

    opts_init(&o);
    memset(&h, 0, sizeof h);
    rc = parse_args(argc, argv, &o, &h);
    if (rc < 0)
        return cli_finish(prog, CLI_EXIT_OK); /* --help or --version */
    if (rc != CLI_EXIT_OK)
        return rc;
    if (o.list_policies)
        return list_policies(&o);
    if (h.datetime == NULL) {
        time_t now = time(NULL);
        strftime(h.clock, sizeof h.clock, "%Y%m%d%H%M%S", gmtime(&now));
        h.datetime = h.clock;
    }
    memset(&run, 0, sizeof run);
    run.h = &h;
    run.r.o = &o;
    o.path = h.paths[0]; /* an input --record must not replace (decide-record.c) */
    pbsc_hl7_reply_init(&run.reply);
    run.reply.datetime = h.datetime;
    run.reply.day1 = h.day1;
    rc = run_all(&run, &o);
    result_free(&run.r);
    pbsc_codes_free(run.codes);
    input_free(&run.in);
    return rc == CLI_EXIT_OK ? cli_finish(prog, CLI_EXIT_OK) : cli_finish(prog, rc);
}

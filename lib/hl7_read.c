/* SPDX-License-Identifier: MIT */
/* pbsc_hl7_read(): an ORU^R01 message's results (OBX) into a course, through the code map,
 * with a stated rule for every result it does not use. Two passes over the caller's bytes:
 * the first checks everything, the second sets the course, so a refused message changes
 * nothing. No allocation but the course's own rows. */
#include "hl7_private.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#define OPTIONS_MIN (offsetof(pbsc_hl7_options, message) + sizeof(long))
#define INFO_MIN (offsetof(pbsc_hl7_info, note) + sizeof(((pbsc_hl7_info *)0)->note))

PBSC_API void
pbsc_hl7_options_init_sized(pbsc_hl7_options *options, size_t size)
{
    pbsc_hl7_options full;

    memset(&full, 0, sizeof full);
    full.finals_only = 1;
    pbsc_sized_init(options, size, &full, sizeof full);
}

PBSC_API void
pbsc_hl7_info_init_sized(pbsc_hl7_info *info, size_t size)
{
    pbsc_hl7_info full;

    memset(&full, 0, sizeof full);
    full.weight_kg = NAN;
    pbsc_sized_init(info, size, &full, sizeof full);
}

/* The versions read: v2.3 to v2.8 and their point releases. */
static const char *const versions[] = {"2.3", "2.3.1", "2.4",   "2.5",   "2.5.1", "2.6",
                                       "2.7", "2.7.1", "2.8",   "2.8.1", "2.8.2"};


/* "message 2, segment 7 " (the message's number when the caller gave one). */
static void
where(const struct reader *r, char *buf, size_t size)
{
    if (r->o.message > 0)
        pbsc_fmt(buf, size, "message %ld, segment %ld ", r->o.message, r->seg->number);
    else
        pbsc_fmt(buf, size, "segment %ld ", r->seg->number);
}

/* Refuses the message: "[message M, ]segment S FIELD: text", diag->line the segment. */
int
hl7_fail(const struct reader *r, int status, const char *field, long day, double value,
         const char *fmt, ...)
{
    char what[128], at[48];
    va_list ap;

    va_start(ap, fmt);
    pbsc_vfmt(what, sizeof what, fmt, ap);
    va_end(ap);
    where(r, at, sizeof at);
    pbsc_fail(r->diag, status, field, value, "%s%s: %s", at, field, what);
    if (r->diag != NULL) {
        r->diag->line = r->seg->number;
        r->diag->day = day;
    }
    return status;
}

/* A result not used: counted by the caller, the first one described in info->note. */
static void PBSC_PRINTF(3, 4)
skip_note(const struct reader *r, const char *field, const char *fmt, ...)
{
    char what[112], at[48];
    va_list ap;

    if (!r->count || r->info->note[0] != '\0')
        return;
    va_start(ap, fmt);
    pbsc_vfmt(what, sizeof what, fmt, ap);
    va_end(ap);
    where(r, at, sizeof at);
    pbsc_fmt(r->info->note, sizeof r->info->note, "%s%s: %s", at, field, what);
}

/* Field n's component c decoded into buf (truncated to fit: for names and ids). */
static void
copy_comp(const struct reader *r, int n, int c, char *buf, size_t size)
{
    hl7_span f = hl7_field(r->m, r->seg, n);

    hl7_text(r->m, c > 0 ? hl7_comp(r->m, f, c) : f, buf, size);
}

/* A decoded value that must be whole: PBSC_E_PARSE when too long or cut by its sender. */
int
hl7_value_text(const struct reader *r, hl7_span v, const char *field, char *buf, size_t size)
{
    int t = hl7_text(r->m, v, buf, size);

    if (t == HL7_TEXT_TRUNCATED)
        return hl7_fail(r, PBSC_E_PARSE, field, -1, NAN,
                        "the value ends in the truncation character: it was cut");
    if (t == HL7_TEXT_LONG)
        return hl7_fail(r, PBSC_E_PARSE, field, -1, NAN, "longer than %zu characters",
                        size - 1);
    return PBSC_OK;
}

static int
read_msh(struct reader *r)
{
    hl7_span type = hl7_field(r->m, r->seg, 9);
    char version[16];
    size_t i;
    int rc;

    if (!hl7_is(hl7_comp(r->m, type, 1), "ORU") || !hl7_is(hl7_comp(r->m, type, 2), "R01"))
        return hl7_fail(r, PBSC_E_UNKNOWN, "MSH-9", -1, NAN,
                        "message type '%.*s': ORU^R01 expected", (int)(type.n > 20 ? 20 : type.n),
                        type.s);
    if ((rc = hl7_value_text(r, hl7_comp(r->m, hl7_field(r->m, r->seg, 12), 1), "MSH-12", version,
                         sizeof version)) != PBSC_OK)
        return rc;
    for (i = 0; i < sizeof versions / sizeof versions[0]; i++)
        if (strcmp(version, versions[i]) == 0)
            break;
    if (i == sizeof versions / sizeof versions[0])
        return hl7_fail(r, PBSC_E_UNKNOWN, "MSH-12", -1, NAN,
                        "version '%s': 2.3 to 2.8 are read", version);
    pbsc_fmt(r->info->version, sizeof r->info->version, "%s", version);
    copy_comp(r, 10, 0, r->info->control_id, sizeof r->info->control_id);
    if (r->info->control_id[0] == '\0')
        return hl7_fail(r, PBSC_E_MISSING, "MSH-10", -1, NAN, "no message control id");
    copy_comp(r, 3, 1, r->info->sending_app, sizeof r->info->sending_app);
    copy_comp(r, 4, 1, r->info->sending_facility, sizeof r->info->sending_facility);
    copy_comp(r, 5, 1, r->info->receiving_app, sizeof r->info->receiving_app);
    copy_comp(r, 6, 1, r->info->receiving_facility, sizeof r->info->receiving_facility);
    return PBSC_OK;
}

/* PID-3: the first repetition with an ID; a second patient in the message is refused. */
static int
read_pid(struct reader *r)
{
    hl7_span f = hl7_field(r->m, r->seg, 3);
    char id[sizeof r->info->patient_id];
    int k;

    id[0] = '\0';
    for (k = 0; id[0] == '\0' && k < 64; k++) {
        hl7_span rep = hl7_rep(r->m, f, k);
        if (rep.n == 0 && k > 0)
            break;
        hl7_text(r->m, hl7_comp(r->m, rep, 1), id, sizeof id);
    }
    if (r->info->patient_id[0] != '\0' && strcmp(id, r->info->patient_id) != 0)
        return hl7_fail(r, PBSC_E_CONFLICT, "PID-3", -1, NAN,
                        "a second patient '%.40s' (the first is '%.40s')", id,
                        r->info->patient_id);
    memcpy(r->info->patient_id, id, sizeof id);
    return PBSC_OK;
}

/* OBR: its date (OBR-7) and specimen: SPM-4 of an SPM in the order's group (v2.5 on), else
 * OBR-15's first component. */
static void
read_obr(struct reader *r, size_t at, long number)
{
    hl7_seg next;
    hl7_span spec = hl7_sub(r->m, hl7_comp(r->m, hl7_field(r->m, r->seg, 15), 1), 1);

    r->obr_date = hl7_comp(r->m, hl7_field(r->m, r->seg, 7), 1);
    while (hl7_next(r->m, &at, &number, &next) && strcmp(next.id, "OBR") != 0)
        if (strcmp(next.id, "SPM") == 0) {
            spec = hl7_comp(r->m, hl7_field(r->m, &next, 4), 1);
            break;
        }
    hl7_text(r->m, spec, r->specimen, sizeof r->specimen);
}

/* The value into the course (or the weight into info) and the counts. */
static int
use(struct reader *r, const hl7_code *row, long day, double v, int preliminary)
{
    pbsc_hl7_info *in = r->info;
    pbsc_diag d;
    double old = NAN;
    int rc;

    if (row->measure == HL7_M_WEIGHT) {
        if (r->count && day >= in->weight_day)
            in->weight_kg = v, in->weight_day = day;
    } else if (r->apply) {
        if (pbsc_course_get(r->course, day, hl7_measure_quantity(row->measure), &old, NULL) ==
                PBSC_OK &&
            !isnan(old) && old != v)
            in->replaced++;
        rc = pbsc_course_set(r->course, day, hl7_measure_quantity(row->measure), v, &d);
        if (rc != PBSC_OK)
            return hl7_fail(r, rc, "OBX-5", day, v, "%s", d.text);
    }
    if (r->count) {
        in->used++;
        in->preliminary += preliminary != 0;
        if (in->first_day == 0 || day < in->first_day)
            in->first_day = day;
        if (day > in->last_day)
            in->last_day = day;
    }
    return PBSC_OK;
}

/* D or W: the value the course holds for that day is made "not measured". */
static void
withdraw(struct reader *r, const hl7_code *row, long day)
{
    double old = NAN;

    if (row->measure == HL7_M_WEIGHT) {
        if (r->count && r->info->weight_day == day)
            r->info->weight_kg = NAN, r->info->weight_day = 0;
    } else if (r->apply &&
               pbsc_course_get(r->course, day, hl7_measure_quantity(row->measure), &old, NULL) ==
                   PBSC_OK &&
               !isnan(old)) {
        (void)pbsc_course_set(r->course, day, hl7_measure_quantity(row->measure), NAN, NULL);
    }
    if (r->count)
        r->info->withdrawn++;
}

static int
read_obx(struct reader *r)
{
    const hl7_code *row;
    char why[96], status;
    pbsc_diag d;
    long day = 0;
    double v = NAN;
    int rc, unit = -1;

    if ((row = hl7_lookup(r, why, sizeof why)) == NULL) {
        if (r->o.strict)
            return hl7_fail(r, PBSC_E_UNKNOWN, "OBX-3", -1, NAN, "%s (strict)", why);
        skip_note(r, "OBX-3", "%s: not used", why);
        r->info->skipped_code += r->count != 0;
        return PBSC_OK;
    }
    if ((rc = hl7_result_status(r, &status)) != PBSC_OK)
        return rc;
    if (status == 's' || (status == 'p' && r->o.finals_only)) {
        skip_note(r, "OBX-11", "a %s result is not used",
                  status == 'p' ? "preliminary" : "not final");
        if (status == 'p')
            r->info->skipped_preliminary += r->count != 0;
        else
            r->info->skipped_status += r->count != 0;
        return PBSC_OK;
    }
    if ((rc = hl7_result_day(r, &day)) != PBSC_OK)
        return rc;
    if (status == 'w') {
        withdraw(r, row, day);
        return PBSC_OK;
    }
    if ((rc = hl7_result_value(r, &v)) != PBSC_OK ||
        (rc = hl7_result_unit(r, row, &unit)) != PBSC_OK) {
        if (r->diag != NULL)
            r->diag->day = day;
        return rc;
    }
    v *= hl7_unit_factor(unit);
    if ((rc = pbsc_need(hl7_measure_quantity(row->measure), v, hl7_measure_name(row->measure),
                        &d)) != PBSC_OK)
        return hl7_fail(r, rc, "OBX-5", day, v, "%s", d.text);
    return use(r, row, day, v, status == 'p');
}

/* A segment's id: three capitals or digits, then the field separator or the end. */
static int
segment_ok(const struct reader *r)
{
    const hl7_seg *s = r->seg;
    size_t i;

    if (s->s.n < 3 || (s->s.n > 3 && s->s.s[3] != r->m->enc.field))
        return 0;
    for (i = 0; i < 3; i++)
        if (!((s->id[i] >= 'A' && s->id[i] <= 'Z') || (s->id[i] >= '0' && s->id[i] <= '9')))
            return 0;
    return 1;
}

static int
pass(struct reader *r)
{
    size_t at = 0;
    long number = 0;
    hl7_seg seg;
    int rc = PBSC_OK;

    r->obr_date.s = NULL;
    r->obr_date.n = 0;
    r->specimen[0] = '\0';
    while (rc == PBSC_OK && hl7_next(r->m, &at, &number, &seg)) {
        r->seg = &seg;
        if (!segment_ok(r))
            rc = hl7_fail(r, PBSC_E_PARSE, "segment", -1, NAN, "'%.*s' is not a segment id",
                          (int)(seg.s.n > 8 ? 8 : seg.s.n), seg.s.s);
        else if (strcmp(seg.id, "MSH") == 0)
            rc = number == 1 ? read_msh(r)
                             : hl7_fail(r, PBSC_E_PARSE, "MSH", -1, NAN,
                                        "a second MSH: one message at a time");
        else if (strcmp(seg.id, "PID") == 0)
            rc = read_pid(r);
        else if (strcmp(seg.id, "OBR") == 0)
            read_obr(r, at, number);
        else if (strcmp(seg.id, "OBX") == 0)
            rc = read_obx(r);
    }
    return rc;
}

static int
check_args(const char *message, size_t length, const pbsc_hl7_options *options,
           pbsc_hl7_info *info, pbsc_diag *diag)
{
    if ((message == NULL && length > 0) || options == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, options == NULL ? "options" : "message", NAN,
                         "NULL argument");
    if (options->size < OPTIONS_MIN)
        return pbsc_fail(diag, PBSC_E_INVAL, "options", (double)options->size,
                         "options->size %zu: initialise it with pbsc_hl7_options_init()",
                         options->size);
    if (info != NULL && info->size < INFO_MIN)
        return pbsc_fail(diag, PBSC_E_INVAL, "info", (double)info->size,
                         "info->size %zu: initialise it with pbsc_hl7_info_init()", info->size);
    return PBSC_OK;
}

PBSC_API int
pbsc_hl7_read(const char *message, size_t length, const pbsc_hl7_options *options,
              pbsc_course *course, pbsc_hl7_info *info, pbsc_diag *diag)
{
    struct reader r;
    pbsc_hl7_info full;
    hl7_msg m;
    int rc;

    if ((rc = check_args(message, length, options, info, diag)) != PBSC_OK)
        return rc;
    memset(&r, 0, sizeof r);
    pbsc_hl7_options_init(&r.o);
    (void)pbsc_sized_in(&r.o, sizeof r.o, options, OPTIONS_MIN);
    if ((r.day1 = hl7_date_number(r.o.day1)) == 0)
        return pbsc_fail(diag, PBSC_E_INVAL, "day1", (double)r.o.day1,
                         "day1 %ld is not a date YYYYMMDD", r.o.day1);
    if ((rc = hl7_open(message, length, &m, diag)) != PBSC_OK)
        return rc;
    pbsc_hl7_info_init(&full);
    r.m = &m;
    r.course = course;
    r.info = &full;
    r.diag = diag;
    r.count = course == NULL; /* only reading: one pass */
    if ((rc = pass(&r)) != PBSC_OK)
        return rc;
    if (course != NULL) {
        pbsc_hl7_info_init(&full);
        r.apply = r.count = 1;
        if ((rc = pass(&r)) != PBSC_OK)
            return rc;
    }
    if (info != NULL)
        (void)pbsc_sized_out(info, &full, sizeof full, INFO_MIN);
    return PBSC_OK;
}

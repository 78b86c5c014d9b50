/* SPDX-License-Identifier: MIT */
/* HL7 v2.5.1 replies: a decision as an ORU^R01 advice message, and the ACK^R01 of a refused
 * message. Every text is escaped; the control id is a hash of the message (pbsc_hl7_advice(3)
 * states the rule). Written into the caller's buffer, snprintf-like (pbsc_format). */
#include "hl7_private.h"

#include <stddef.h>
#include <string.h>

#define DECISION_MIN (offsetof(pbsc_decision, ce_sigma) + sizeof(double))
#define REPLY_MIN (offsetof(pbsc_hl7_reply, processing) + sizeof(const char *))
#define SEG "\r" /* HL7 ends every segment with a carriage return */

PBSC_API void
pbsc_hl7_reply_init_sized(pbsc_hl7_reply *reply, size_t size)
{
    pbsc_hl7_reply full;

    memset(&full, 0, sizeof full);
    pbsc_sized_init(reply, size, &full, sizeof full);
}

/* What a writer reads: the reply's header, the decision or the refusal, the control id. */
struct reply {
    pbsc_hl7_reply r;
    const pbsc_hl7_info *request;
    const pbsc_decision *d; /* advice */
    int status;             /* ACK: the refusal */
    const pbsc_diag *diag;
    const char *ack_code;   /* "AE" or "AR" */
    char control[21];       /* "" while the hash is taken */
};

/* s with every delimiter and control byte escaped (\F\ \S\ \T\ \R\ \E\, \Xhh\). */
static void
put_text(pbsc_out *o, const char *s)
{
    char buf[128];
    size_t n = 0;

    for (; s != NULL && *s != '\0'; s++) {
        unsigned char c = (unsigned char)*s;
        char esc[8] = "";

        if (c == '|' || c == '^' || c == '&' || c == '~' || c == '\\')
            pbsc_fmt(esc, sizeof esc, "\\%c\\",
                     c == '|' ? 'F' : c == '^' ? 'S' : c == '&' ? 'T' : c == '~' ? 'R' : 'E');
        else if (c < 0x20 || c == 0x7F)
            pbsc_fmt(esc, sizeof esc, "\\X%02X\\", c);
        if (n + 8 >= sizeof buf) {
            buf[n] = '\0';
            pbsc_put(o, "%s", buf);
            n = 0;
        }
        if (esc[0] != '\0') {
            memcpy(buf + n, esc, strlen(esc));
            n += strlen(esc);
        } else {
            buf[n++] = (char)c;
        }
    }
    buf[n] = '\0';
    pbsc_put(o, "%s", buf);
}

static void
put_msh(pbsc_out *o, const struct reply *x, const char *type)
{
    const pbsc_hl7_info *q = x->request;

    pbsc_put(o, "MSH|^~\\&|");
    put_text(o, x->r.application != NULL ? x->r.application : "PBSC");
    pbsc_put(o, "|");
    put_text(o, x->r.facility);
    pbsc_put(o, "|");
    put_text(o, q != NULL ? q->sending_app : NULL);
    pbsc_put(o, "|");
    put_text(o, q != NULL ? q->sending_facility : NULL);
    pbsc_put(o, "|");
    put_text(o, x->r.datetime);
    pbsc_put(o, "||%s|%s|", type, x->control);
    put_text(o, x->r.processing != NULL ? x->r.processing : "P");
    pbsc_put(o, "|2.5.1" SEG);
}

/* ---- the advice ------------------------------------------------------------------------ */

/* The library's action table (coding system L): code and text, in pbsc_action order. */
static const char *const action_text[] = {
    "Continue G-CSF, count again tomorrow",
    "Apheresis today",
    "Mobilizing agent tonight, apheresis tomorrow",
    "Stop: goal collected",
    "Stop: minimum collected, goal out of reach",
    "Stop: mobilization failed",
    "A value the policy reads is missing",
    "Outside the policy: decide by hand",
    "Harvest in, goal not reached: decide tomorrow",
};

/* OBX-1 .. OBX-4 of result `*set`: "OBX|n|TYPE|CODE^TEXT^L||". */
static void
obx_head(pbsc_out *o, int *set, const char *type, const char *code, const char *text)
{
    pbsc_put(o, "OBX|%d|%s|%s^", ++*set, type, code);
    put_text(o, text);
    pbsc_put(o, "^L||");
}

/* OBX-6 .. OBX-14 after the value: unit, status, the decision day's date. */
static void
obx_tail(pbsc_out *o, const struct reply *x, const char *unit, const char *unit_text)
{
    long date = hl7_date_of(hl7_date_number(x->r.day1) + x->d->day - 1);

    if (unit != NULL) {
        pbsc_put(o, "|%s^", unit);
        put_text(o, unit_text);
        pbsc_put(o, "^UCUM");
    } else
        pbsc_put(o, "|");
    pbsc_put(o, "|||||%s|||%ld" SEG, x->request->preliminary > 0 ? "P" : "F", date);
}

static void
obx_number(pbsc_out *o, const struct reply *x, int *set, const char *code, const char *text,
           int decimals, double v, const char *unit, const char *unit_text)
{
    if (isnan(v))
        return;
    obx_head(o, set, "NM", code, text);
    pbsc_put(o, "%.*f", decimals, v == 0.0 ? 0.0 : v);
    obx_tail(o, x, unit, unit_text);
}

static void
obx_string(pbsc_out *o, const struct reply *x, int *set, const char *code, const char *text,
           const char *value)
{
    obx_head(o, set, "ST", code, text);
    put_text(o, value);
    obx_tail(o, x, NULL, NULL);
}

/* The collect decision's numbers: volume, the projected yield and its interval. */
static void
put_collect(pbsc_out *o, const struct reply *x, int *set)
{
    const pbsc_projection *p = &x->d->projection;
    char lo[64], hi[64];

    pbsc_fmt(lo, sizeof lo, "Projected yield, lower bound of the %g%% interval", p->level * 100);
    pbsc_fmt(hi, sizeof hi, "Projected yield, upper bound of the %g%% interval", p->level * 100);
    obx_number(o, x, set, "PBSCVOL", "Blood volume to process today", 1, x->d->volume_l, "L",
               "liter");
    obx_number(o, x, set, "PBSCYLD", "Projected yield, median", 2, p->median, "10*6/kg",
               "million CD34+ cells per kg recipient");
    obx_number(o, x, set, "PBSCYLO", lo, 2, p->lower, "10*6/kg",
               "million CD34+ cells per kg recipient");
    obx_number(o, x, set, "PBSCYHI", hi, 2, p->upper, "10*6/kg",
               "million CD34+ cells per kg recipient");
}

static void
put_warnings(pbsc_out *o, const struct reply *x, int *set)
{
    const char *sep = "";
    unsigned w;

    if (x->d->warnings == 0)
        return;
    obx_head(o, set, "CWE", "PBSCWRN", "Warnings");
    for (w = 1; w != 0 && w <= x->d->warnings; w <<= 1)
        if (x->d->warnings & w) {
            pbsc_put(o, "%s%s^^L", sep, pbsc_warning_name(w));
            sep = "~";
        }
    obx_tail(o, x, NULL, NULL);
}

static void
put_provenance(pbsc_out *o, const struct reply *x, int *set)
{
    const pbsc_decision *d = x->d;

    obx_string(o, x, set, "PBSCRUL", "Rule that fired", d->rule);
    obx_string(o, x, set, "PBSCPOL", "Policy", d->policy_id);
    obx_string(o, x, set, "PBSCPOV", "Policy version", d->policy_version);
    obx_string(o, x, set, "PBSCPOH", "Policy hash", d->policy_hash);
    obx_string(o, x, set, "PBSCMOD", "Model", d->model_id);
    obx_string(o, x, set, "PBSCMOH", "Model hash", d->model_hash);
    obx_string(o, x, set, "PBSCLIB", "Library version", d->library_version);
}

static void
advice_into(const void *obj, pbsc_out *o)
{
    const struct reply *x = obj;
    const pbsc_decision *d = x->d;
    const char *status = x->request->preliminary > 0 ? "P" : "F";
    long date = hl7_date_of(hl7_date_number(x->r.day1) + d->day - 1);
    int set = 0;

    put_msh(o, x, "ORU^R01^ORU_R01");
    pbsc_put(o, "PID|1||");
    put_text(o, x->request->patient_id);
    pbsc_put(o, SEG "OBR|1|||PBSCADV^Mobilization advice^L|||%ld|||||||||||||||", date);
    put_text(o, x->r.datetime);
    pbsc_put(o, "|||%s" SEG, status);
    obx_head(o, &set, "CWE", "PBSCACT", "Mobilization action");
    pbsc_put(o, "%s^%s^L", pbsc_action_name(d->action), action_text[d->action]);
    obx_tail(o, x, NULL, NULL);
    obx_number(o, x, &set, "PBSCDAY", "Course day", 0, (double)d->day, "d", "day");
    obx_string(o, x, &set, "PBSCMOM", "Decision point", pbsc_moment_name(d->moment));
    if (d->action == PBSC_ACTION_COLLECT)
        put_collect(o, x, &set);
    if (d->tonight.drug != PBSC_DRUG_NONE) {
        obx_string(o, x, &set, "PBSCDRG", "Drug tonight", pbsc_drug_name(d->tonight.drug));
        obx_number(o, x, &set, "PBSCMG", "Dose tonight", 1, d->tonight.mg, "mg", "milligram");
    }
    obx_number(o, x, &set, "PBSCCOL", "Collected so far", 2, d->collected, "10*6/kg",
               "million CD34+ cells per kg recipient");
    obx_number(o, x, &set, "PBSCGOL", "Goal", 2, d->goal, "10*6/kg",
               "million CD34+ cells per kg recipient");
    put_warnings(o, x, &set);
    put_provenance(o, x, &set);
    pbsc_put(o, "NTE|1|L|");
    put_text(o, d->reason);
    pbsc_put(o, SEG);
}

/* MSH-7: YYYYMMDDHHMM, seconds and a zone optional. */
static int
datetime_ok(const char *s)
{
    hl7_span v;
    size_t i, n;
    int ok;

    if (s == NULL)
        return 0;
    n = strlen(s);
    for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
        ;
    v.s = s;
    v.n = n;
    return (i == 12 || i == 14) && hl7_date(v, &ok) != 0 && ok;
}

static int
reply_in(const pbsc_hl7_reply *reply, struct reply *x, int advice)
{
    memset(x, 0, sizeof *x);
    if (reply == NULL || reply->size < REPLY_MIN)
        return PBSC_E_INVAL;
    pbsc_hl7_reply_init(&x->r);
    (void)pbsc_sized_in(&x->r, sizeof x->r, reply, REPLY_MIN);
    x->request = x->r.request;
    if (!datetime_ok(x->r.datetime) || (advice && x->request == NULL))
        return PBSC_E_INVAL;
    if (x->request != NULL && x->request->size < offsetof(pbsc_hl7_info, note))
        return PBSC_E_INVAL;
    if (advice && hl7_date_number(x->r.day1) == 0)
        return PBSC_E_INVAL;
    return PBSC_OK;
}

/* MSH-10: "PBSC" and the 16 hex digits of the FNV-1a 64 hash of the message written with an
 * empty MSH-10 (20 characters, the length v2.5.1 allows). */
static void
control_id(void (*write)(const void *, pbsc_out *), struct reply *x)
{
    char hex[17];

    x->control[0] = '\0';
    pbsc_hash_text(write, x, hex);
    pbsc_fmt(x->control, sizeof x->control, "PBSC%s", hex);
}

PBSC_API int
pbsc_hl7_advice(const pbsc_decision *decision, const pbsc_hl7_reply *reply, char *buffer,
                size_t size, size_t *needed)
{
    struct reply x;
    int rc;

    if (decision == NULL || decision->size < DECISION_MIN ||
        (unsigned)decision->action >= sizeof action_text / sizeof action_text[0])
        return PBSC_E_INVAL;
    if ((rc = reply_in(reply, &x, 1)) != PBSC_OK)
        return rc;
    x.d = decision;
    control_id(advice_into, &x);
    return pbsc_format(advice_into, &x, buffer, size, needed);
}

/* ---- the ACK of a refused message -------------------------------------------------------- */

/* HL7 table 0357 (message error condition codes) for a status. */
static const char *
error_code(int status, const char *field)
{
    if (strcmp(field, "MSH-9") == 0)
        return "200^Unsupported message type^HL70357";
    if (strcmp(field, "MSH-12") == 0)
        return "203^Unsupported version id^HL70357";
    switch (status) {
    case PBSC_E_MISSING:
        return "101^Required field missing^HL70357";
    case PBSC_E_PARSE:
        return "102^Data type error^HL70357";
    case PBSC_E_UNKNOWN:
        return "103^Table value not found^HL70357";
    default:
        return "207^Application internal error^HL70357";
    }
}

/* ERR-2 (ERL): the segment id and number and the field of "OBX-6"; empty when unknown. */
static void
put_location(pbsc_out *o, const struct reply *x, const char *field)
{
    const char *dash = strchr(field, '-');
    size_t i;

    if (dash == NULL || dash - field != 3 || x->diag->line <= 0)
        return;
    for (i = 1; dash[i] != '\0'; i++)
        if (dash[i] < '0' || dash[i] > '9' || i > 3)
            return;
    pbsc_put(o, "%.3s^%ld^%s", field, x->diag->line, dash + 1);
}

static void
ack_into(const void *obj, pbsc_out *o)
{
    const struct reply *x = obj;
    const char *field = x->diag != NULL ? x->diag->field : "";
    const char *text = x->diag != NULL && x->diag->text[0] != '\0' ? x->diag->text
                                                                   : pbsc_strerror(x->status);

    put_msh(o, x, "ACK^R01^ACK");
    pbsc_put(o, "MSA|%s|", x->ack_code);
    put_text(o, x->request != NULL ? x->request->control_id : NULL);
    pbsc_put(o, SEG "ERR||");
    if (x->diag != NULL)
        put_location(o, x, field);
    pbsc_put(o, "|%s|E||||", error_code(x->status, field));
    put_text(o, text);
    pbsc_put(o, SEG);
}

/* AR (rejected) when the message's header could not be read or names a type or version the
 * reader does not take; AE (error) when its content was refused. */
static const char *
ack_code(const pbsc_hl7_info *request, const pbsc_diag *diag)
{
    if (request == NULL || request->control_id[0] == '\0')
        return "AR";
    if (diag != NULL && (strcmp(diag->field, "MSH-9") == 0 || strcmp(diag->field, "MSH-12") == 0))
        return "AR";
    return "AE";
}

/* The MSH of a refused message, read as far as it goes (its control id, its sender). */
static void
request_of(const char *message, size_t length, pbsc_hl7_info *info)
{
    hl7_msg m;
    hl7_seg seg;
    size_t at = 0;
    long number = 0;

    pbsc_hl7_info_init(info);
    if (message == NULL || hl7_open(message, length, &m, NULL) != PBSC_OK ||
        !hl7_next(&m, &at, &number, &seg))
        return;
    hl7_text(&m, hl7_field(&m, &seg, 10), info->control_id, sizeof info->control_id);
    hl7_text(&m, hl7_comp(&m, hl7_field(&m, &seg, 3), 1), info->sending_app,
             sizeof info->sending_app);
    hl7_text(&m, hl7_comp(&m, hl7_field(&m, &seg, 4), 1), info->sending_facility,
             sizeof info->sending_facility);
}

PBSC_API int
pbsc_hl7_ack(const char *message, size_t length, const pbsc_hl7_reply *reply, int status,
             const pbsc_diag *diag, char *buffer, size_t size, size_t *needed)
{
    pbsc_hl7_info request;
    struct reply x;
    int rc;

    if ((message == NULL && length > 0) || status <= PBSC_OK)
        return PBSC_E_INVAL;
    if ((rc = reply_in(reply, &x, 0)) != PBSC_OK)
        return rc;
    request_of(message, length, &request);
    x.request = &request;
    x.status = status;
    x.diag = diag;
    x.ack_code = ack_code(&request, diag);
    control_id(ack_into, &x);
    return pbsc_format(ack_into, &x, buffer, size, needed);
}

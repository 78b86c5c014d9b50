/* SPDX-License-Identifier: MIT */
/* Replaying a decision record: the decision made again from the recorded inputs and compared
 * with the recorded one, member by member, bit for bit. */
#include "record_private.h"

#include <string.h>

/* The 1.0 layout of pbsc_record_check ends with `text`. */
#define CHECK_MIN (offsetof(pbsc_record_check, text) + sizeof(((pbsc_record_check *)0)->text))

PBSC_API void
pbsc_record_check_init_sized(pbsc_record_check *check, size_t size)
{
    pbsc_record_check full;

    memset(&full, 0, sizeof full);
    full.day = -1;
    pbsc_sized_init(check, size, &full, sizeof full);
}

/* A member's value as the record writes it, for the sentence. */
static void
value_text(const pbsc_rfield *f, const pbsc_decision *d, char *out, size_t size)
{
    const char *at = (const char *)d + f->offset;
    pbsc_jw w = {out, size - 1, 0, 0, 0};

    switch (f->kind) {
    case R_STR:
        pbsc_fmt(out, size, "'%.*s'", (int)(size - 3), at);
        return;
    case R_DOUBLE:
        pbsc_jw_number(&w, *(const double *)(const void *)at);
        break;
    default: { /* "name":value, without the name */
        char member[96], *colon;
        pbsc_jw m = {member, sizeof member - 1, 0, 0, 0};
        pbsc_rec_put_fields(&m, f, 1, d);
        member[m.len < sizeof member - 1 ? m.len : sizeof member - 1] = '\0';
        colon = strchr(member, ':');
        pbsc_fmt(out, size, "%s", colon != NULL ? colon + 1 : member);
        return;
    }
    }
    out[w.len < size - 1 ? w.len : size - 1] = '\0';
}

/* Two values of a member are the same: bytes up to the NUL for a string, bits for a double
 * (every NaN alike: the record writes each as null). */
static int
same_member(const pbsc_rfield *f, const pbsc_decision *a, const pbsc_decision *b)
{
    const char *x = (const char *)a + f->offset, *y = (const char *)b + f->offset;
    double u, v;

    switch (f->kind) {
    case R_STR:
        return strncmp(x, y, f->size) == 0;
    case R_DOUBLE:
        memcpy(&u, x, sizeof u);
        memcpy(&v, y, sizeof v);
        return (isnan(u) && isnan(v)) || memcmp(&u, &v, sizeof u) == 0;
    case R_OPEN:
    case R_CLOSE:
        return 1;
    default:
        return memcmp(x, y, f->size) == 0;
    }
}

/* The first member that differs, the library's version last (a record replayed by another
 * version that decides alike differs only there); NULL when none. */
static const pbsc_rfield *
first_difference(const pbsc_decision *a, const pbsc_decision *b)
{
    const pbsc_rfield *version = NULL;
    size_t i;

    for (i = 0; i < pbsc_rec_decision_n; i++) {
        const pbsc_rfield *f = &pbsc_rec_decision[i];
        if (strcmp(f->name, "library_version") == 0)
            version = f;
        else if (!same_member(f, a, b))
            return f;
    }
    return version != NULL && !same_member(version, a, b) ? version : NULL;
}

static void
compare(const pbsc_rec_loaded *r, const pbsc_decision *replayed, pbsc_record_check *c)
{
    const pbsc_rfield *f = first_difference(&r->decision, replayed);
    char was[96], now[96], part[200], where[48];

    part[0] = '\0';
    if (f != NULL) {
        value_text(f, &r->decision, was, sizeof was);
        value_text(f, replayed, now, sizeof now);
        pbsc_fmt(c->field, sizeof c->field, "%s", f->name);
        pbsc_fmt(part, sizeof part, "%s: recorded %s, replayed %s", f->name, was, now);
    }
    c->same = f == NULL && r->input[0] == '\0';
    pbsc_fmt(c->input, sizeof c->input, "%s", r->input);
    c->day = r->day;
    if (c->same)
        pbsc_fmt(c->text, sizeof c->text, "day %ld %s, %s by %s", replayed->day,
                 pbsc_moment_name(replayed->moment), pbsc_action_name(replayed->action),
                 replayed->rule);
    else if (r->input[0] != '\0') {
        if (r->day >= 0)
            pbsc_fmt(where, sizeof where, "%s (day %ld)", r->input, r->day);
        else
            pbsc_fmt(where, sizeof where, "%s", r->input);
        pbsc_fmt(c->text, sizeof c->text, "%s: %s since the record was written; %s", where,
                 r->why, f != NULL ? part : "the decision is the same");
    }
    else
        pbsc_fmt(c->text, sizeof c->text, "%s", part);
}

PBSC_API int
pbsc_record_replay(const char *text, size_t length, pbsc_record_check *check, pbsc_diag *diag)
{
    pbsc_record_check full;
    pbsc_decision d;
    pbsc_rec_loaded r;
    int rc;

    if ((text == NULL && length > 0) || check == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, text == NULL ? "text" : "check", NAN,
                         "NULL argument");
    if (check->size < CHECK_MIN)
        return pbsc_fail(diag, PBSC_E_INVAL, "check", (double)check->size,
                         "check->size %zu: initialise it with pbsc_record_check_init()",
                         check->size);
    if ((rc = pbsc_rec_load(text != NULL ? text : "", length, &r, diag)) != PBSC_OK)
        return rc;
    pbsc_decision_init(&d);
    rc = pbsc_decide(r.course, r.policy, r.model, r.decision.day, r.decision.moment, &d, diag);
    if (rc == PBSC_OK) {
        pbsc_record_check_init(&full);
        compare(&r, &d, &full);
        rc = pbsc_sized_out(check, &full, sizeof full, CHECK_MIN);
    }
    pbsc_rec_unload(&r);
    return rc;
}

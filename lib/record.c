/* SPDX-License-Identifier: MIT */
/* The decision record (pbsc-record(5)): the writer, pbsc_record_format(), by the member
 * tables of lib/record_fields.c. */
#include "record_private.h"

#include <stddef.h>
#include <string.h>

/* ---- writing members ----------------------------------------------------------------- */

static void
put_name(pbsc_jw *w, int first, const char *name)
{
    pbsc_jw_lit(w, first ? "\"" : ",\"");
    pbsc_jw_lit(w, name);
    pbsc_jw_lit(w, "\":");
}

static void
put_warnings(pbsc_jw *w, unsigned bits)
{
    unsigned b;
    int first = 1;

    pbsc_jw_lit(w, "{\"bits\":");
    pbsc_jw_size(w, bits);
    pbsc_jw_lit(w, ",\"names\":[");
    for (b = 1; b != 0; b <<= 1)
        if (bits & b) {
            pbsc_jw_lit(w, first ? "\"" : ",\"");
            pbsc_jw_lit(w, pbsc_warning_name(b));
            pbsc_jw_lit(w, "\"");
            first = 0;
        }
    pbsc_jw_lit(w, "]}");
}

/* The member's name after its object's prefix ("tonight.mg" is "mg" inside "tonight"). */
static const char *
leaf(const char *name)
{
    const char *dot = strrchr(name, '.');

    return dot != NULL ? dot + 1 : name;
}

static void
put_field(pbsc_jw *w, const pbsc_rfield *f, const char *at, int first)
{
    const char *name = leaf(f->name), *e;
    int i;

    if (f->kind == R_STR) {
        const char *nul = memchr(at, '\0', f->size);
        pbsc_jw_member(w, first, name, at, nul != NULL ? (size_t)(nul - at) : f->size);
        return;
    }
    put_name(w, first, name);
    switch (f->kind) {
    case R_LONG:
        pbsc_jw_long(w, *(const long *)(const void *)at);
        break;
    case R_SIZE:
        pbsc_jw_size(w, *(const size_t *)(const void *)at);
        break;
    case R_INT:
        pbsc_jw_long(w, *(const int *)(const void *)at);
        break;
    case R_BOOL:
        pbsc_jw_lit(w, *(const int *)(const void *)at ? "true" : "false");
        break;
    case R_DOUBLE:
        pbsc_jw_number(w, *(const double *)(const void *)at);
        break;
    case R_ENUM:
        memcpy(&i, at, sizeof i);
        e = f->enum_name(i);
        pbsc_jw_lit(w, "\"");
        pbsc_jw_lit(w, e != NULL ? e : "invalid");
        pbsc_jw_lit(w, "\"");
        break;
    case R_WARN:
        put_warnings(w, *(const unsigned *)(const void *)at);
        break;
    case R_OPEN:
        pbsc_jw_lit(w, "{");
        break;
    case R_STR:
    case R_CLOSE:
    default:
        break;
    }
}

void
pbsc_rec_put_fields(pbsc_jw *w, const pbsc_rfield *f, size_t n, const void *obj)
{
    size_t i;
    int first = 1;

    for (i = 0; i < n; i++) {
        if (f[i].kind == R_CLOSE) {
            pbsc_jw_lit(w, "}");
            first = 0;
            continue;
        }
        put_field(w, &f[i], (const char *)obj + f[i].offset, first);
        first = f[i].kind == R_OPEN;
    }
}

/* ---- the inputs, with their hashes ----------------------------------------------------- */

/* ,"hash":"<FNV-1a 64 of the bytes since hashing began>" */
static void
put_hash(pbsc_jw *w)
{
    char hex[17];

    pbsc_hex64(w->hash, hex);
    w->hashing = 0;
    pbsc_jw_lit(w, ",\"hash\":\"");
    pbsc_jw_lit(w, hex);
    pbsc_jw_lit(w, "\"");
}

static void
row_body(pbsc_jw *w, const pbsc_row *r)
{
    pbsc_jw_lit(w, "{");
    pbsc_rec_put_fields(w, pbsc_rec_row, pbsc_rec_row_n, r);
}

/* The course object's members before its hash: regimen, goal, minimum, person. */
static void
course_body(pbsc_jw *w, const pbsc_course *c)
{
    pbsc_jw_lit(w, "{\"regimen\":\"");
    pbsc_jw_lit(w, pbsc_rec_regimen_name((int)c->regimen));
    pbsc_jw_lit(w, "\",\"goal\":");
    pbsc_jw_number(w, c->goal);
    pbsc_jw_lit(w, ",\"minimum\":");
    pbsc_jw_number(w, c->minimum);
    pbsc_jw_lit(w, ",\"person\":{");
    pbsc_rec_put_fields(w, pbsc_rec_person, pbsc_rec_person_n, &c->person);
    pbsc_jw_lit(w, "}");
}

void
pbsc_rec_row_hash(const pbsc_row *row, char hex[17])
{
    pbsc_jw w = {NULL, 0, 0, 1, PBSC_FNV_BASIS};

    row_body(&w, row);
    pbsc_hex64(w.hash, hex);
}

void
pbsc_rec_course_hash(const pbsc_course *course, char hex[17])
{
    pbsc_jw w = {NULL, 0, 0, 1, PBSC_FNV_BASIS};

    course_body(&w, course);
    pbsc_hex64(w.hash, hex);
}

static void
put_course(pbsc_jw *w, const pbsc_course *c, size_t rows)
{
    size_t i;

    w->hashing = 1;
    w->hash = PBSC_FNV_BASIS;
    course_body(w, c);
    put_hash(w);
    pbsc_jw_lit(w, ",\"days\":[");
    for (i = 0; i < rows; i++) {
        if (i > 0)
            pbsc_jw_lit(w, ",");
        w->hashing = 1;
        w->hash = PBSC_FNV_BASIS;
        row_body(w, &c->days[i]);
        put_hash(w);
        pbsc_jw_lit(w, "}");
    }
    pbsc_jw_lit(w, "]}");
}

/* ---- the record ------------------------------------------------------------------------ */

struct rec {
    const pbsc_course *c;
    const pbsc_policy *p;
    const pbsc_model *m;
    const pbsc_decision *d;
    size_t rows;       /* the rows up to the decision's day */
    const char *ptext; /* a site policy's pbsc-policy(5) text, or NULL for a preset */
    size_t plen;
    const char *mtext; /* a model's pbsc-model(5) text, or NULL for the defaults */
    size_t mlen;
};

static void
put_str(pbsc_jw *w, const char *name, const char *s)
{
    pbsc_jw_member(w, 0, name, s, strlen(s));
}

static void
put_policy(pbsc_jw *w, const struct rec *r)
{
    pbsc_jw_lit(w, ",\"policy\":{\"kind\":");
    pbsc_jw_lit(w, r->ptext == NULL ? "\"preset\"" : "\"site\"");
    put_str(w, "id", r->p->id);
    put_str(w, "version", r->p->version);
    put_str(w, "hash", r->p->hash);
    if (r->ptext != NULL)
        pbsc_jw_member(w, 0, "text", r->ptext, r->plen);
    pbsc_jw_lit(w, "}");
}

static void
put_model(pbsc_jw *w, const struct rec *r)
{
    pbsc_jw_lit(w, ",\"model\":{\"kind\":");
    pbsc_jw_lit(w, r->mtext == NULL ? "\"defaults\"" : "\"file\"");
    put_str(w, "id", r->m->id);
    put_str(w, "version", r->m->version);
    pbsc_jw_lit(w, r->m->fitted ? ",\"fitted\":true" : ",\"fitted\":false");
    put_str(w, "hash", r->m->hash);
    if (r->mtext != NULL)
        pbsc_jw_member(w, 0, "text", r->mtext, r->mlen);
    pbsc_jw_lit(w, "}");
}

static void
put_record(pbsc_jw *w, const struct rec *r)
{
    pbsc_jw_lit(w, "{\"format\":\"" PBSC_RECORD_FORMAT "\",\"version\":");
    pbsc_jw_long(w, PBSC_RECORD_VERSION);
    put_str(w, "library", pbsc_version_string());
    put_policy(w, r);
    put_model(w, r);
    pbsc_jw_lit(w, ",\"course\":");
    put_course(w, r->c, r->rows);
    pbsc_jw_lit(w, ",\"decision\":{");
    pbsc_rec_put_fields(w, pbsc_rec_decision, pbsc_rec_decision_n, r->d);
    pbsc_jw_lit(w, "}}\n");
}

/* Every enum of the decision names a value (a decision from pbsc_decide() always does). */
static int
enums_valid(const pbsc_decision *d)
{
    size_t i;

    for (i = 0; i < pbsc_rec_decision_n; i++) {
        const pbsc_rfield *f = &pbsc_rec_decision[i];
        int v;
        if (f->kind != R_ENUM)
            continue;
        memcpy(&v, (const char *)d + f->offset, sizeof v);
        if (f->enum_name(v) == NULL)
            return 0;
    }
    return 1;
}

/* A preset is recorded by id (the library has its text); a site policy with its text. */
static int
is_preset(const pbsc_policy *p)
{
    const pbsc_policy *preset;

    return pbsc_policy_find(p->id, &preset, NULL) == PBSC_OK && strcmp(preset->hash, p->hash) == 0;
}

static int
is_defaults(const pbsc_model *m)
{
    return strcmp(m->id, "defaults") == 0 && strcmp(m->hash, pbsc_model_default()->hash) == 0;
}

/* The text of a site policy or a model into buf[size], else into an allocation (*owned). */
static int
text_of(int (*format)(const void *, char *, size_t, size_t *), const void *obj, char *buf,
        size_t size, const char **text, size_t *len, char **owned)
{
    size_t need = 0;

    format(obj, NULL, 0, &need);
    if (need > size) {
        if ((*owned = pbsc_alloc(need)) == NULL)
            return PBSC_E_NOMEM;
        buf = *owned;
        size = need;
    }
    format(obj, buf, size, NULL);
    *text = buf;
    *len = need - 1;
    return PBSC_OK;
}

static int
policy_text(const void *p, char *buf, size_t size, size_t *needed)
{
    return pbsc_policy_format(p, buf, size, needed);
}

static int
model_text(const void *m, char *buf, size_t size, size_t *needed)
{
    return pbsc_model_format(m, buf, size, needed);
}

/* Checks the arguments and finds the rows the decision read. */
static int
prepare(struct rec *r, pbsc_decision *d)
{
    size_t last;

    if (!enums_valid(d))
        return PBSC_E_INVAL;
    if (strcmp(d->policy_hash, r->p->hash) != 0 || strcmp(d->model_hash, r->m->hash) != 0)
        return PBSC_E_CONFLICT; /* the decision was not made with this policy or model */
    if (d->day <= 0 || pbsc_course_index(r->c, d->day, &last, NULL) != PBSC_OK)
        return PBSC_E_NODATA;
    r->rows = last + 1;
    r->d = d;
    return PBSC_OK;
}

static int
write_out(const struct rec *r, char *buffer, size_t size, size_t *needed)
{
    pbsc_jw w = {NULL, 0, 0, 0, 0};

    put_record(&w, r); /* measure */
    if (needed != NULL)
        *needed = w.len + 1;
    if (buffer == NULL)
        return PBSC_OK;
    if (size < w.len + 1)
        return PBSC_E_RANGE;
    w.buf = buffer;
    w.size = size;
    w.len = 0;
    put_record(&w, r);
    buffer[w.len] = '\0';
    return PBSC_OK;
}

PBSC_API int
pbsc_record_format(const pbsc_course *course, const pbsc_policy *policy, const pbsc_model *model,
                   const pbsc_decision *decision, char *buffer, size_t size, size_t *needed)
{
    char ptext[4096], mtext[8192], *pown = NULL, *mown = NULL;
    pbsc_decision d;
    struct rec r;
    int rc;

    if (course == NULL || policy == NULL || decision == NULL || (buffer == NULL && size > 0))
        return PBSC_E_INVAL;
    pbsc_decision_init(&d);
    if (pbsc_sized_in(&d, sizeof d, decision, PBSC_DECISION_MIN) != PBSC_OK)
        return PBSC_E_INVAL;
    memset(&r, 0, sizeof r);
    r.c = course;
    r.p = policy;
    r.m = model != NULL ? model : pbsc_model_default();
    if ((rc = prepare(&r, &d)) != PBSC_OK)
        return rc;
    if (!is_preset(policy) &&
        (rc = text_of(policy_text, policy, ptext, sizeof ptext, &r.ptext, &r.plen, &pown)) !=
            PBSC_OK)
        return rc;
    if (!is_defaults(r.m) &&
        (rc = text_of(model_text, r.m, mtext, sizeof mtext, &r.mtext, &r.mlen, &mown)) !=
            PBSC_OK) {
        pbsc_dealloc(pown);
        return rc;
    }
    rc = write_out(&r, buffer, size, needed);
    pbsc_dealloc(pown);
    pbsc_dealloc(mown);
    return rc;
}

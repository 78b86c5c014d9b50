/* SPDX-License-Identifier: MIT */
/* A decision record read back (pbsc-record(5)): the policy, the model, the course and the
 * recorded decision, each input checked against the hash the writer gave it; and
 * pbsc_record_read(). */
#include "record_read.h"

#include <errno.h>
#include <string.h>

/* The first input that no longer matches what the writer recorded. */
static void
changed(pbsc_rec_loaded *out, const char *input, long day, const char *why)
{
    if (out->input[0] != '\0')
        return;
    pbsc_fmt(out->input, sizeof out->input, "%s", input);
    out->day = day;
    pbsc_fmt(out->why, sizeof out->why, "%s", why);
}

static const char *
policy_kind(int v)
{
    return v == 0 ? "preset" : v == 1 ? "site" : NULL;
}

static const char *
model_kind(int v)
{
    return v == 0 ? "defaults" : v == 1 ? "file" : NULL;
}

/* id, version and hash of a policy or model object. */
struct ident {
    int kind;
    char id[32], version[16], hash[17];
};

static int
read_ident(const struct rd *r, json_t *obj, const char *(*kind)(int), struct ident *id)
{
    int rc;

    if ((rc = pbsc_rd_enum(r, obj, "kind", kind, &id->kind)) != PBSC_OK ||
        (rc = pbsc_rd_string(r, obj, "id", id->id, sizeof id->id)) != PBSC_OK ||
        (rc = pbsc_rd_string(r, obj, "version", id->version, sizeof id->version)) != PBSC_OK)
        return rc;
    return pbsc_rd_string(r, obj, "hash", id->hash, sizeof id->hash);
}

/* A preset by id, copied so that the caller frees whatever policy it gets. */
static int
load_preset(const struct rd *r, const struct ident *id, pbsc_policy **out)
{
    const pbsc_policy *preset;
    int rc;

    if ((rc = pbsc_policy_find(id->id, &preset, r->diag)) != PBSC_OK)
        return rc;
    if (strcmp(preset->hash, id->hash) != 0 || strcmp(preset->version, id->version) != 0)
        return pbsc_fail(r->diag, PBSC_E_CONFLICT, "hash", NAN,
                         "policy: this library's preset %s is version %s, hash %s; the record's "
                         "is version %s, hash %s: it cannot be replayed here",
                         preset->id, preset->version, preset->hash, id->version, id->hash);
    if ((*out = pbsc_alloc(sizeof **out)) == NULL)
        return pbsc_fail(r->diag, PBSC_E_NOMEM, "policy", NAN, "out of memory");
    **out = *preset;
    (*out)->allocated = 1;
    return PBSC_OK;
}

static int
load_policy(json_t *root, pbsc_rec_loaded *out, pbsc_diag *diag)
{
    static const char *const keys[] = {"kind", "id", "id_hex", "version", "version_hex", "hash",
                                       "text", "text_hex", NULL};
    struct rd r = {diag, "policy", -1};
    json_t *obj = json_object_get(root, "policy");
    struct ident id;
    const char *text, *bad;
    char *owned;
    size_t n;
    int rc;

    if (!json_is_object(obj))
        return pbsc_rd_fail(&r, obj == NULL ? PBSC_E_MISSING : PBSC_E_PARSE, "", "no object");
    if ((bad = pbsc_rd_unknown(obj, keys)) != NULL)
        return pbsc_rd_fail(&r, PBSC_E_UNKNOWN, bad, "not a member of pbsc-record(5)");
    if ((rc = read_ident(&r, obj, policy_kind, &id)) != PBSC_OK)
        return rc;
    if (id.kind == 0)
        return load_preset(&r, &id, &out->policy);
    if ((rc = pbsc_rd_bytes(&r, obj, "text", &text, &n, &owned)) != PBSC_OK)
        return rc;
    rc = pbsc_policy_parse(text, n, &out->policy, diag);
    pbsc_dealloc(owned);
    if (rc != PBSC_OK)
        return rc;
    if (strcmp(out->policy->hash, id.hash) != 0)
        changed(out, "policy.text", -1, "the policy's text does not have the recorded hash");
    else if (strcmp(out->policy->id, id.id) != 0 || strcmp(out->policy->version, id.version) != 0)
        changed(out, "policy", -1, "the policy's id or version is not its text's");
    return PBSC_OK;
}

static int
load_model(json_t *root, pbsc_rec_loaded *out, pbsc_diag *diag)
{
    static const char *const keys[] = {"kind", "id", "id_hex", "version", "version_hex", "fitted",
                                       "hash", "text", "text_hex", NULL};
    struct rd r = {diag, "model", -1};
    json_t *obj = json_object_get(root, "model");
    struct ident id;
    const char *text, *bad;
    char *owned;
    size_t n;
    int rc, fitted;

    if (!json_is_object(obj))
        return pbsc_rd_fail(&r, obj == NULL ? PBSC_E_MISSING : PBSC_E_PARSE, "", "no object");
    if ((bad = pbsc_rd_unknown(obj, keys)) != NULL)
        return pbsc_rd_fail(&r, PBSC_E_UNKNOWN, bad, "not a member of pbsc-record(5)");
    if ((rc = read_ident(&r, obj, model_kind, &id)) != PBSC_OK ||
        (rc = pbsc_rd_bool(&r, obj, "fitted", &fitted)) != PBSC_OK)
        return rc;
    if (id.kind == 0) {
        if (strcmp(pbsc_model_default()->hash, id.hash) != 0)
            return pbsc_fail(diag, PBSC_E_CONFLICT, "hash", NAN,
                             "model: this library's literature model has hash %s, the record's "
                             "%s: it cannot be replayed here",
                             pbsc_model_default()->hash, id.hash);
        return pbsc_model_new(&out->model, diag);
    }
    if ((rc = pbsc_rd_bytes(&r, obj, "text", &text, &n, &owned)) != PBSC_OK)
        return rc;
    rc = pbsc_model_parse(text, n, &out->model, diag);
    pbsc_dealloc(owned);
    if (rc != PBSC_OK)
        return rc;
    if (strcmp(out->model->hash, id.hash) != 0)
        changed(out, "model.text", -1, "the model's text does not have the recorded hash");
    else if (strcmp(out->model->id, id.id) != 0 || strcmp(out->model->version, id.version) != 0 ||
             out->model->fitted != fitted)
        changed(out, "model", -1, "the model's id, version or fitted is not its text's");
    return PBSC_OK;
}

/* The course: regimen, goal, minimum and person, its hash checked. */
static int
load_head(json_t *obj, pbsc_rec_loaded *out, pbsc_diag *diag)
{
    static const char *const keys[] = {"regimen", "goal", "minimum", "person", "hash", "days",
                                       NULL};
    struct rd r = {diag, "course", -1}, rp = {diag, "course.person", -1};
    json_t *person = json_object_get(obj, "person");
    char hash[17], want[17];
    double goal, minimum;
    const char *bad;
    pbsc_person p;
    int rc, regimen;

    if ((bad = pbsc_rd_unknown(obj, keys)) != NULL)
        return pbsc_rd_fail(&r, PBSC_E_UNKNOWN, bad, "not a member of pbsc-record(5)");
    if (!json_is_object(person))
        return pbsc_rd_fail(&r, person == NULL ? PBSC_E_MISSING : PBSC_E_PARSE, "person",
                            "not an object");
    pbsc_person_init(&p);
    if ((rc = pbsc_rd_enum(&r, obj, "regimen", pbsc_rec_regimen_name, &regimen)) != PBSC_OK ||
        (rc = pbsc_rd_number(&r, obj, "goal", &goal)) != PBSC_OK ||
        (rc = pbsc_rd_number(&r, obj, "minimum", &minimum)) != PBSC_OK ||
        (rc = pbsc_rd_fields(&rp, person, pbsc_rec_person, pbsc_rec_person_n, NULL, &p)) !=
            PBSC_OK ||
        (rc = pbsc_rd_string(&r, obj, "hash", want, sizeof want)) != PBSC_OK ||
        (rc = pbsc_course_new(&p, (pbsc_regimen)regimen, goal, minimum, &out->course, diag)) !=
            PBSC_OK)
        return rc;
    pbsc_rec_course_hash(out->course, hash);
    if (strcmp(hash, want) != 0)
        changed(out, "course", -1, "the regimen, goal, minimum or person changed");
    return PBSC_OK;
}

/* The quantity of each measure of pbsc_rec_row, after `day`. */
static const pbsc_quantity row_quantity[] = {
    PBSC_Q_CD34_UL,  PBSC_Q_WBC,       PBSC_Q_PLT,           PBSC_Q_HCT,
    PBSC_Q_VOLUME_L, PBSC_Q_COLLECTED, PBSC_Q_PLERIXAFOR_MG, PBSC_Q_MOTIXAFORTIDE_MG,
};

static int
load_row(json_t *obj, size_t i, long after, pbsc_rec_loaded *out, pbsc_diag *diag)
{
    static const char *const extra[] = {"hash", NULL};
    char where[32], hash[17], want[17];
    struct rd r = {diag, where, -1};
    pbsc_row row;
    size_t k;
    int rc;

    pbsc_fmt(where, sizeof where, "course.days[%zu]", i);
    if (!json_is_object(obj))
        return pbsc_rd_fail(&r, PBSC_E_PARSE, "", "not an object");
    if ((rc = pbsc_rd_integer(&r, obj, "day", 1, 366, &r.day)) != PBSC_OK)
        return rc;
    if (r.day <= after)
        return pbsc_rd_fail(&r, r.day == after ? PBSC_E_DUPLICATE : PBSC_E_ORDER, "day",
                            "days must increase");
    if ((rc = pbsc_rd_fields(&r, obj, pbsc_rec_row, pbsc_rec_row_n, extra, &row)) != PBSC_OK ||
        (rc = pbsc_rd_string(&r, obj, "hash", want, sizeof want)) != PBSC_OK)
        return rc;
    for (k = 0; k < sizeof row_quantity / sizeof row_quantity[0]; k++) {
        double v = *(const double *)(const void *)((const char *)&row + pbsc_rec_row[k + 1].offset);
        /* the count creates the row even when not measured (a day with nothing recorded) */
        if ((k == 0 || !isnan(v)) &&
            (rc = pbsc_course_set(out->course, row.day, row_quantity[k], v, diag)) != PBSC_OK)
            return rc;
    }
    pbsc_rec_row_hash(&row, hash);
    if (strcmp(hash, want) != 0)
        changed(out, where, row.day, "the row changed");
    return PBSC_OK;
}

static int
load_course(json_t *root, pbsc_rec_loaded *out, pbsc_diag *diag)
{
    struct rd r = {diag, "course", -1};
    json_t *obj = json_object_get(root, "course"), *days, *row;
    size_t i;
    long after = 0;
    int rc;

    if (!json_is_object(obj))
        return pbsc_rd_fail(&r, obj == NULL ? PBSC_E_MISSING : PBSC_E_PARSE, "", "no object");
    if ((rc = load_head(obj, out, diag)) != PBSC_OK)
        return rc;
    days = json_object_get(obj, "days");
    if (!json_is_array(days) || json_array_size(days) == 0)
        return pbsc_rd_fail(&r, days == NULL ? PBSC_E_MISSING : PBSC_E_PARSE, "days",
                            "not an array of rows");
    json_array_foreach(days, i, row) {
        if ((rc = load_row(row, i, after, out, diag)) != PBSC_OK)
            return rc;
        after = pbsc_course_day(out->course, i);
    }
    return PBSC_OK;
}

static int
load_top(json_t *root, pbsc_rec_loaded *out, pbsc_diag *diag)
{
    static const char *const keys[] = {"format",  "version", "library", "library_hex",
                                       "policy",  "model",   "course",  "decision", NULL};
    struct rd r = {diag, "", -1}, rd = {diag, "decision", -1};
    json_t *decision = json_object_get(root, "decision");
    char format[16];
    const char *bad;
    long version;
    int rc;

    if ((rc = pbsc_rd_string(&r, root, "format", format, sizeof format)) != PBSC_OK &&
        rc != PBSC_E_RANGE)
        return rc;
    if (rc != PBSC_OK || strcmp(format, PBSC_RECORD_FORMAT) != 0)
        return pbsc_fail(diag, PBSC_E_PARSE, "format", NAN, "not a pbsc-record(5) document");
    if ((rc = pbsc_rd_integer(&r, root, "version", 1, PBSC_RECORD_VERSION, &version)) != PBSC_OK)
        return rc;
    if ((bad = pbsc_rd_unknown(root, keys)) != NULL)
        return pbsc_rd_fail(&r, PBSC_E_UNKNOWN, bad, "not a member of pbsc-record(5)");
    if ((rc = pbsc_rd_string(&r, root, "library", out->library, sizeof out->library)) !=
            PBSC_OK ||
        (rc = load_policy(root, out, diag)) != PBSC_OK ||
        (rc = load_model(root, out, diag)) != PBSC_OK ||
        (rc = load_course(root, out, diag)) != PBSC_OK)
        return rc;
    if (!json_is_object(decision))
        return pbsc_rd_fail(&r, decision == NULL ? PBSC_E_MISSING : PBSC_E_PARSE, "decision",
                            "not an object");
    return pbsc_rd_fields(&rd, decision, pbsc_rec_decision, pbsc_rec_decision_n, NULL,
                          &out->decision);
}

void
pbsc_rec_unload(pbsc_rec_loaded *r)
{
    pbsc_course_free(r->course);
    pbsc_policy_free(r->policy);
    pbsc_model_free(r->model);
    r->course = NULL;
    r->policy = NULL;
    r->model = NULL;
}

int
pbsc_rec_load(const char *text, size_t length, pbsc_rec_loaded *out, pbsc_diag *diag)
{
    json_error_t err;
    json_t *root;
    int rc;

    memset(out, 0, sizeof *out);
    out->day = -1;
    pbsc_decision_init(&out->decision);
    errno = 0;
    root = json_loadb(text, length, JSON_REJECT_DUPLICATES, &err);
    if (root == NULL) {
        /* jansson reports some failed allocations as syntax errors: malloc's ENOMEM tells */
        rc = json_error_code(&err) == json_error_out_of_memory || errno == ENOMEM ? PBSC_E_NOMEM
                                                                                   : PBSC_E_PARSE;
        pbsc_fail(diag, rc, "record", NAN, "line %d, column %d: %.100s", err.line, err.column,
                  err.text);
        if (diag != NULL)
            diag->line = err.line;
        return rc;
    }
    /* jansson 2.14 parses on past an allocation that failed in a string's buffer, dropping a
     * byte: a tree built so is not the text. malloc's ENOMEM says so, unless jansson
     * cleared errno since (it does before each number); the hashes catch most of the rest */
    if (errno == ENOMEM)
        rc = pbsc_fail(diag, PBSC_E_NOMEM, "record", NAN, "out of memory");
    else if (!json_is_object(root))
        rc = pbsc_fail(diag, PBSC_E_PARSE, "record", NAN, "not a JSON object");
    else
        rc = load_top(root, out, diag);
    json_decref(root);
    if (rc != PBSC_OK)
        pbsc_rec_unload(out);
    return rc;
}

PBSC_API int
pbsc_record_read(const char *text, size_t length, pbsc_course **course, pbsc_policy **policy,
                 pbsc_model **model, pbsc_decision *decision, pbsc_diag *diag)
{
    pbsc_rec_loaded r;
    int rc;

    if ((text == NULL && length > 0) || course == NULL || policy == NULL || model == NULL ||
        decision == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         text == NULL       ? "text"
                         : course == NULL   ? "course"
                         : policy == NULL   ? "policy"
                         : model == NULL    ? "model"
                                            : "decision",
                         NAN, "NULL argument");
    if (decision->size < PBSC_DECISION_MIN)
        return pbsc_fail(diag, PBSC_E_INVAL, "decision", (double)decision->size,
                         "decision->size %zu: initialise it with pbsc_decision_init()",
                         decision->size);
    if ((rc = pbsc_rec_load(text != NULL ? text : "", length, &r, diag)) != PBSC_OK)
        return rc;
    *course = r.course;
    *policy = r.policy;
    *model = r.model;
    return pbsc_sized_out(decision, &r.decision, sizeof r.decision, PBSC_DECISION_MIN);
}

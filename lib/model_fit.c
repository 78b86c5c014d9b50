/* SPDX-License-Identifier: MIT */
/* A model's fit record in its file (pbsc-model(5)): which parts were fitted from a site's
 * history (fitted_parts), which fitted spreads were raised to their floor (floored), and what
 * each part's fit could not do (ce_note, apheresis_note, risk_note). */
#include "pbsc_private.h"

#include <string.h>

/* The parts in PBSC_PART_* bit order, and the sigma each part's floor applies to. */
static const char *const parts[] = {"ce", "apheresis", "risk", "count_slope", "ce_volume"};
#define NPARTS (sizeof parts / sizeof parts[0])
static const char *const sigmas[] = {"ce_sigma", "apheresis_sigma"};
static const char *const note_keys[PBSC_NOTES] = {"ce_note", "apheresis_note", "risk_note"};

enum { K_PARTS, K_FLOORED, K_NOTE0 }; /* bit of each key in `seen`: K_NOTE0 + i for notes */

static int
key_is(const char *k, size_t kn, const char *name)
{
    return strlen(name) == kn && strncmp(k, name, kn) == 0;
}

/* A list of distinct words of `words` (n of them, `list` in a sentence) into bits. */
static int
parse_words(const char *key, const char *const *words, size_t n, const char *list, const char *v,
            size_t vn, unsigned *bits, pbsc_diag *diag)
{
    size_t i, wn;

    *bits = 0;
    while (vn > 0) {
        const char *w = v;
        while (vn > 0 && *v != ' ' && *v != '\t')
            v++, vn--;
        wn = (size_t)(v - w);
        for (i = 0; i < n && !key_is(w, wn, words[i]); i++)
            ;
        if (i == n)
            return pbsc_fail(diag, PBSC_E_PARSE, key, NAN, "%s: '%.*s' is not %s", key,
                             (int)(wn > 20 ? 20 : wn), w, list);
        if (*bits & (1u << i))
            return pbsc_fail(diag, PBSC_E_PARSE, key, NAN, "%s: '%s' is named twice", key,
                             words[i]);
        *bits |= 1u << i;
        while (vn > 0 && (*v == ' ' || *v == '\t'))
            v++, vn--;
    }
    return PBSC_OK;
}

int
pbsc_model_fit_line(pbsc_model *m, const char *k, size_t kn, const char *v, size_t vn,
                    unsigned *seen, int *rc, pbsc_diag *diag)
{
    struct pbsc_model_fit *f = &m->fit;
    const char *name;
    unsigned key;

    if (key_is(k, kn, "fitted_parts"))
        key = K_PARTS, name = "fitted_parts";
    else if (key_is(k, kn, "floored"))
        key = K_FLOORED, name = "floored";
    else {
        for (key = 0; key < PBSC_NOTES && !key_is(k, kn, note_keys[key]); key++)
            ;
        if (key == PBSC_NOTES)
            return 0;
        name = note_keys[key];
        key += K_NOTE0;
    }
    if (*seen & (1u << key))
        *rc = pbsc_fail(diag, PBSC_E_DUPLICATE, name, NAN, "%s is given twice", name);
    else if (key == K_PARTS)
        *rc = parse_words(name, parts, NPARTS, "ce, apheresis, risk, count_slope or ce_volume", v,
                          vn, &f->parts, diag);
    else if (key == K_FLOORED)
        *rc = parse_words(name, sigmas, 2, "ce_sigma or apheresis_sigma", v, vn, &f->floored, diag);
    else if (!pbsc_kv_copy(f->note[key - K_NOTE0], PBSC_NOTE_SIZE, v, vn))
        *rc = pbsc_fail(diag, PBSC_E_RANGE, name, NAN, "%s: too long (at most %d bytes)", name,
                        PBSC_NOTE_SIZE - 1);
    else
        *rc = PBSC_OK;
    *seen |= 1u << key;
    return 1;
}

/* The record must be true of the model it is in: parts only of a fitted model, a floor only
 * of a fitted part, notes only with the parts, and the risk part exactly when there are risk
 * terms. */
int
pbsc_model_fit_check(const pbsc_model *m, pbsc_diag *diag)
{
    const struct pbsc_model_fit *f = &m->fit;
    int i;

    if (f->parts != 0 && !m->fitted)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "fitted_parts", NAN,
                         "fitted_parts names parts fitted from a history, but fitted is no");
    if ((f->floored & ~f->parts) != 0)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "floored", NAN,
                         "floored names the sigma of a part fitted_parts does not name");
    for (i = 0; i < PBSC_NOTES; i++)
        if (f->note[i][0] != '\0' && f->parts == 0)
            return pbsc_fail(diag, PBSC_E_CONFLICT, note_keys[i], NAN,
                             "%s is a note of a fit, and the file has no fitted_parts",
                             note_keys[i]);
    if ((f->parts & (PBSC_PART_COUNT_SLOPE | PBSC_PART_CE_VOLUME)) != 0 &&
        (f->parts & PBSC_PART_CE) == 0)
        return pbsc_fail(diag, PBSC_E_CONFLICT, "fitted_parts", NAN,
                         "fitted_parts names count_slope or ce_volume, fitted with the CE, "
                         "and not ce");
    if (f->parts != 0 && ((f->parts & PBSC_PART_RISK) != 0) != (m->terms > 0))
        return pbsc_fail(diag, PBSC_E_CONFLICT, "fitted_parts", NAN,
                         m->terms > 0 ? "the file has risk lines, and fitted_parts does not name "
                                        "risk"
                                      : "fitted_parts names risk, and the file has no risk lines");
    return PBSC_OK;
}

static void
put_words(pbsc_out *o, const char *key, const char *const *words, size_t n, unsigned bits)
{
    size_t i;

    pbsc_put(o, "%s =", key);
    for (i = 0; i < n; i++)
        if (bits & (1u << i))
            pbsc_put(o, " %s", words[i]);
    pbsc_put(o, "\n");
}

void
pbsc_model_fit_put(const pbsc_model *m, pbsc_out *o)
{
    const struct pbsc_model_fit *f = &m->fit;
    int i;

    if (f->parts != 0)
        put_words(o, "fitted_parts", parts, NPARTS, f->parts);
    if (f->floored != 0)
        put_words(o, "floored", sigmas, 2, f->floored);
    for (i = 0; i < PBSC_NOTES; i++)
        if (f->note[i][0] != '\0')
            pbsc_put(o, "%s = %s\n", note_keys[i], f->note[i]);
}

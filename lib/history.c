/* SPDX-License-Identifier: MIT */
/* A site's history of aphereses for calibration, validated row by row as it is added. */
#include "calibrate_private.h"

#include <math.h>
#include <string.h>

PBSC_API void
pbsc_history_row_init(pbsc_history_row *row)
{
    if (row == NULL)
        return;
    row->patient = -1;
    row->cd34 = NAN;
    row->processed_l = NAN;
    row->weight_kg = NAN;
    row->recipient_kg = NAN;
    row->collected = NAN;
    row->wbc = NAN;
    row->hct = NAN;
    row->next_cd34 = NAN;
    row->poor = -1;
}

PBSC_API int
pbsc_history_new(const char *const *covariates, size_t count, pbsc_history **history,
                 pbsc_diag *diag)
{
    pbsc_history *h;
    size_t i, j;

    if (history == NULL || (covariates == NULL && count > 0))
        return pbsc_fail(diag, PBSC_E_INVAL, history == NULL ? "history" : "covariates", NAN,
                         "NULL argument");
    if (count > MAX_COVARIATES)
        return pbsc_fail(diag, PBSC_E_RANGE, "covariates", (double)count,
                         "%zu covariates: at most %d", count, MAX_COVARIATES);
    for (i = 0; i < count; i++) {
        if (covariates[i] == NULL || covariates[i][0] == '\0' || strlen(covariates[i]) > 31 ||
            strchr(covariates[i], ' ') != NULL || strchr(covariates[i], '\t') != NULL ||
            strcmp(covariates[i], "intercept") == 0)
            return pbsc_fail(diag, PBSC_E_INVAL, "covariates", (double)i,
                             "covariate %zu: a name of 1-31 characters without spaces, not "
                             "'intercept'",
                             i);
        for (j = 0; j < i; j++)
            if (strcmp(covariates[i], covariates[j]) == 0)
                return pbsc_fail(diag, PBSC_E_DUPLICATE, "covariates", (double)i,
                                 "covariate '%s' is named twice", covariates[i]);
    }
    h = pbsc_alloc(sizeof *h);
    if (h == NULL)
        return pbsc_fail(diag, PBSC_E_NOMEM, "history", NAN, "out of memory");
    memset(h, 0, sizeof *h);
    h->k = count;
    for (i = 0; i < count; i++)
        pbsc_kv_copy(h->name[i], sizeof h->name[i], covariates[i], strlen(covariates[i]));
    *history = h;
    return PBSC_OK;
}

PBSC_API void
pbsc_history_free(pbsc_history *history)
{
    if (history == NULL)
        return;
    pbsc_dealloc(history->rows);
    pbsc_dealloc(history->x);
    pbsc_dealloc(history);
}

PBSC_API size_t
pbsc_history_length(const pbsc_history *history)
{
    return history == NULL ? 0 : history->n;
}

static int
check_row(const pbsc_history_row *r, pbsc_diag *diag)
{
    int rc;

    if ((rc = pbsc_need(PBSC_Q_CD34_UL, r->cd34, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_need(PBSC_Q_VOLUME_L, r->processed_l, "processed_l", diag)) != PBSC_OK ||
        (rc = pbsc_need(PBSC_Q_WEIGHT_KG, r->weight_kg, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_WEIGHT_KG, r->recipient_kg, "recipient_kg", diag)) != PBSC_OK ||
        (rc = pbsc_need(PBSC_Q_COLLECTED, r->collected, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_WBC, r->wbc, NULL, diag)) != PBSC_OK ||
        (rc = pbsc_optional(PBSC_Q_CD34_UL, r->next_cd34, "next_cd34", diag)) != PBSC_OK)
        return rc;
    if (r->cd34 == 0.0)
        return pbsc_fail(diag, PBSC_E_RANGE, "cd34", 0.0,
                         "cd34 0/uL: the collection efficiency is undefined");
    if (!isnan(r->hct) && !(r->hct > 0.0 && r->hct <= 100.0))
        return pbsc_fail(diag, isinf(r->hct) ? PBSC_E_NOTFINITE : PBSC_E_RANGE, "hct", r->hct,
                         "hct %g %% is outside (0, 100]", r->hct);
    if (r->poor < -1 || r->poor > 1)
        return pbsc_fail(diag, PBSC_E_INVAL, "poor", (double)r->poor,
                         "poor must be -1 (not recorded), 0 or 1");
    if (r->patient < -1)
        return pbsc_fail(diag, PBSC_E_INVAL, "patient", (double)r->patient,
                         "patient must be -1 (unknown) or an id >= 0");
    return PBSC_OK;
}

PBSC_API int
pbsc_history_add(pbsc_history *history, const pbsc_history_row *row, const double *covariates,
                 pbsc_diag *diag)
{
    size_t i;
    int rc;

    if (history == NULL || row == NULL || (covariates == NULL && history->k > 0))
        return pbsc_fail(diag, PBSC_E_INVAL,
                         history == NULL ? "history"
                         : row == NULL   ? "row"
                                         : "covariates",
                         NAN, "NULL argument");
    if ((rc = check_row(row, diag)) != PBSC_OK)
        goto fail;
    for (i = 0; i < history->k; i++) {
        if (isinf(covariates[i])) {
            rc = pbsc_fail(diag, PBSC_E_NOTFINITE, history->name[i], covariates[i],
                           "%s is infinite", history->name[i]);
            goto fail;
        }
    }
    if (history->n == history->cap) {
        size_t cap = history->cap ? 2 * history->cap : 64;
        pbsc_history_row *rows = pbsc_realloc(history->rows, cap * sizeof *rows);
        double *x;

        if (rows == NULL) {
            rc = pbsc_fail(diag, PBSC_E_NOMEM, "history", NAN, "out of memory");
            goto fail;
        }
        history->rows = rows;
        if (history->k > 0) {
            x = pbsc_realloc(history->x, cap * history->k * sizeof *x);
            if (x == NULL) {
                rc = pbsc_fail(diag, PBSC_E_NOMEM, "history", NAN, "out of memory");
                goto fail;
            }
            history->x = x;
        }
        history->cap = cap;
    }
    history->rows[history->n] = *row;
    for (i = 0; i < history->k; i++)
        history->x[history->n * history->k + i] = covariates[i];
    history->n++;
    return PBSC_OK;
fail:
    /* the row's index (0-based) as diag->line: a CSV reader adds its header offset */
    if (diag != NULL)
        diag->line = (long)history->n;
    return rc;
}

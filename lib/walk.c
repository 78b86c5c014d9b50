/* SPDX-License-Identifier: MIT */
/* The incremental walk (pbsc_walk_new(3)): pbsc_decide()'s walk kept between calls, so a
 * course that grows a day at a time is decided in O(days) rather than O(days^2), with the
 * decisions pbsc_decide() gives at the same points. */
#include "decide_private.h"

#include <stddef.h>
#include <string.h>

/* The 1.0 layout of pbsc_decision ends with ce_sigma (lib/decide.c). */
#define DECISION_MIN (offsetof(pbsc_decision, ce_sigma) + sizeof(double))

int
pbsc_walk_init(struct pbsc_walk *k, const pbsc_course *course, const pbsc_policy *policy,
               const pbsc_model *model, pbsc_diag *diag)
{
    memset(k, 0, sizeof *k);
    return pbsc_walk_start(&k->w, course, policy, model, diag);
}

/* The current row's evening; every point of the walk is decided whole. */
static int
evening(struct pbsc_walk *k)
{
    int rc;

    pbsc_walk_check_apheresis(&k->w, k->row);
    if ((rc = pbsc_walk_step(&k->w, k->row, PBSC_EVENING, 0, &k->e)) != PBSC_OK)
        return rc;
    k->e.warnings |= k->w.warnings;
    k->state = 2;
    return PBSC_OK;
}

/* The current row is over: its evening, when it records an apheresis (as pbsc_decide's walk
 * decides it), then its evening dose against the day's last advice. */
static int
close_day(struct pbsc_walk *k)
{
    const pbsc_row *r = &k->w.c->days[k->row];
    int rc;

    if (k->state == 1 && PBSC_ROW_APHERESIS(r) && (rc = evening(k)) != PBSC_OK)
        return rc;
    pbsc_walk_check_dose(&k->w, k->row, PBSC_ROW_APHERESIS(r) ? &k->e : &k->m);
    return PBSC_OK;
}

static int
morning(struct pbsc_walk *k, size_t i)
{
    int rc;

    if (k->state != 0 && (rc = close_day(k)) != PBSC_OK)
        return rc;
    if ((rc = pbsc_walk_step(&k->w, i, PBSC_MORNING, 0, &k->m)) != PBSC_OK)
        return rc;
    k->m.warnings |= k->w.warnings;
    k->row = i;
    k->state = 1;
    return PBSC_OK;
}

int
pbsc_walk_point(struct pbsc_walk *k, size_t row, pbsc_moment moment, pbsc_decision *d,
                pbsc_diag *diag)
{
    const pbsc_course *c = k->w.c;
    size_t i;
    int rc;

    k->w.diag = diag;
    if (k->state != 0 &&
        (row < k->row || (row == k->row && (moment == PBSC_MORNING || k->state == 2))))
        return pbsc_fail(diag, PBSC_E_ORDER, "day", (double)c->days[row].day,
                         "day %ld %s: already decided by this walk (a walk goes forward)",
                         c->days[row].day, pbsc_moment_name(moment));
    if (k->state != 0 && row == k->row) { /* this row's evening */
        if ((rc = evening(k)) != PBSC_OK)
            return rc;
        *d = k->e;
        return PBSC_OK;
    }
    for (i = k->state == 0 ? 0 : k->row + 1; i <= row; i++)
        if ((rc = morning(k, i)) != PBSC_OK)
            return rc;
    if (moment == PBSC_EVENING && (rc = evening(k)) != PBSC_OK)
        return rc;
    *d = moment == PBSC_MORNING ? k->m : k->e;
    return PBSC_OK;
}

PBSC_API int
pbsc_walk_new(const pbsc_course *course, const pbsc_policy *policy, const pbsc_model *model,
              pbsc_walk **walk, pbsc_diag *diag)
{
    struct pbsc_walk *k;
    int rc;

    if (course == NULL || policy == NULL || walk == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL,
                         course == NULL   ? "course"
                         : policy == NULL ? "policy"
                                          : "walk",
                         NAN, "NULL argument");
    if ((k = pbsc_alloc(sizeof *k)) == NULL)
        return pbsc_fail(diag, PBSC_E_NOMEM, "walk", NAN, "out of memory");
    if ((rc = pbsc_walk_init(k, course, policy, model, diag)) != PBSC_OK) {
        pbsc_dealloc(k);
        return rc;
    }
    *walk = k;
    return PBSC_OK;
}

PBSC_API int
pbsc_walk_next(pbsc_walk *walk, long day, pbsc_moment moment, pbsc_decision *decision,
               pbsc_diag *diag)
{
    pbsc_decision d;
    size_t row;
    int rc;

    if (walk == NULL || decision == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, walk == NULL ? "walk" : "decision", NAN,
                         "NULL argument");
    if (decision->size < DECISION_MIN)
        return pbsc_fail(diag, PBSC_E_INVAL, "decision", (double)decision->size,
                         "decision->size %zu: initialise it with pbsc_decision_init()",
                         decision->size);
    if (moment != PBSC_MORNING && moment != PBSC_EVENING)
        return pbsc_fail(diag, PBSC_E_INVAL, "moment", NAN, "unknown moment %d", (int)moment);
    if ((rc = pbsc_course_index(walk->w.c, day, &row, diag)) != PBSC_OK ||
        (rc = pbsc_walk_point(walk, row, moment, &d, diag)) != PBSC_OK)
        return rc;
    return pbsc_sized_out(decision, &d, sizeof d, DECISION_MIN);
}

PBSC_API void
pbsc_walk_free(pbsc_walk *walk)
{
    pbsc_dealloc(walk);
}

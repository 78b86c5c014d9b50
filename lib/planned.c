/* SPDX-License-Identifier: MIT */
/* A mobilizer planned whatever the count (the policy keys planned_drug, planned_day,
 * planned_every, planned_doses): the up-front plerixafor of the phase III trials and
 * motixafortide (pbsc-rules(7)). The rest of the course is the published-rules engine's. */
#include "decide_private.h"

/*
 * The morning, before the first apheresis and the first planned dose (after the common
 * checks and a pending dose, which collect.after_plerixafor decides):
 *   wait.gcsf            before the planned day
 *   planned.dose         the planned day: the first dose tonight (action plerixafor, the
 *                        drug in `tonight`), apheresis tomorrow; no count is read
 *   outside.deviation    after the planned day, no dose recorded on its evening
 * The evening of an apheresis (after the common checks: goal, sessions, last day):
 *   planned.next         the next apheresis is one a dose prepares (the 1st, 1 + every,
 *                        1 + 2 x every, ...) and doses are left: a dose tonight (continue)
 *   otherwise the published-rules evening decides (salvage, continue.tomorrow).
 */

static const char *
drug(const struct ctx *x)
{
    return pbsc_drug_name(x->p->planned_drug);
}

/* Doses of the planned drug given before tonight. */
static long
given(const struct ctx *x)
{
    return (long)(x->p->planned_drug == PBSC_DRUG_MOTIXAFORTIDE ? x->h.motixafortide_doses
                                                                  : x->h.doses);
}

int
pbsc_planned_morning(struct ctx *x, int *rc)
{
    const struct history *h = &x->h;
    long day = h->today->day, planned = x->p->planned_day;
    char why[96];

    *rc = PBSC_OK;
    if (x->p->planned_drug == PBSC_DRUG_NONE || h->aphereses > 0 || h->last_dose != NULL)
        return 0;
    x->d->cd34 = h->today->cd34;
    if (day < planned)
        return pbsc_say(x, PBSC_ACTION_WAIT, "wait.gcsf",
                        "day %ld: continue G-CSF, %s is planned on the evening of day %ld", day,
                        drug(x), planned),
               1;
    if (day > planned)
        return pbsc_say(x, PBSC_ACTION_OUTSIDE_POLICY, "outside.deviation",
                        "day %ld: the %s planned on the evening of day %ld was not recorded",
                        day, drug(x), planned),
               1;
    if ((*rc = pbsc_tonight_drug(x, x->p->planned_drug, 0)) != PBSC_OK)
        return 1;
    pbsc_fmt(why, sizeof why, "day %ld: %s planned whatever the count", day, drug(x));
    pbsc_say(x, PBSC_ACTION_PLERIXAFOR, "planned.dose",
             "%s: %s %.2f mg tonight (dose 1), apheresis day %ld", why, drug(x),
             x->d->tonight.mg, x->d->tonight.apheresis_day);
    return 1;
}

int
pbsc_planned_evening(struct ctx *x, int *rc)
{
    /* the apheresis tomorrow would be number n = aphereses + 1; a dose prepares the 1st,
     * the (1 + every)th, ...: (n - 1) % every == 0 */
    long next = (long)x->h.aphereses + 1, every = x->p->planned_every;

    *rc = PBSC_OK;
    if (x->p->planned_drug == PBSC_DRUG_NONE || every < 1 || (next - 1) % every != 0 ||
        given(x) >= x->p->planned_doses)
        return 0;
    if ((*rc = pbsc_tonight_drug(x, x->p->planned_drug, 0)) != PBSC_OK)
        return 1;
    pbsc_say(x, PBSC_ACTION_CONTINUE, "planned.next",
             "day %ld: %.2f x10^6/kg of %g collected: %s %.2f mg tonight (dose %d of at most "
             "%ld, planned before apheresis %ld), apheresis day %ld",
             x->h.today->day, x->h.collected, x->d->goal, drug(x), x->d->tonight.mg,
             x->d->tonight.number, x->p->planned_doses, next, x->d->tonight.apheresis_day);
    return 1;
}

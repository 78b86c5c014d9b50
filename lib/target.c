/* SPDX-License-Identifier: MIT */
/* Dose targets (minimum and goal, x10^6 CD34+/kg recipient) with their sources. */
#include "pbsc_private.h"

#include <math.h>
#include <string.h>

/* The dose targets, each with its source in pbsc-sources(7) (Dose targets). */
static const pbsc_target targets[] = {
    {"min2", "1", "minimum for one autologous transplant", 2.0, 2.0,
     "seed review (Han & Xu 2025); IMWG, Giralt S et al., Leukemia 2009"},
    {"auto5", "1", "single autologous transplant", 2.0, 5.0,
     "seed review (Han & Xu 2025); IMWG, Giralt S et al., Leukemia 2009; Gertz MA, BMT 2010"},
    {"tandem8", "1", "myeloma, two transplants (tandem or salvage)", 4.0, 8.0,
     "seed review (Han & Xu 2025); J Clin Apher, doi 10.1002/jca.21591"},
    {"tandem10", "1", "myeloma, two transplants (tandem or salvage)", 4.0, 10.0,
     "seed review (Han & Xu 2025); J Clin Apher, doi 10.1002/jca.21591"},
    {"allo", "1", "allogeneic donor, per kg of the recipient", 2.0, 4.0,
     "Italian donor series, Transfusion (trf.12612); Kayser S et al., Transfus Med Hemother "
     "2023 (PMID 37899994): minimum 2-4, goal 4-8; the lower end of each range, sites set "
     "their own"},
};

#define NTARGETS (sizeof targets / sizeof targets[0])

PBSC_API size_t
pbsc_target_count(void)
{
    return NTARGETS;
}

PBSC_API const pbsc_target *
pbsc_target_get(size_t i)
{
    return i < NTARGETS ? &targets[i] : NULL;
}

PBSC_API int
pbsc_target_find(const char *id, const pbsc_target **target, pbsc_diag *diag)
{
    size_t i;

    if (id == NULL || target == NULL)
        return pbsc_fail(diag, PBSC_E_INVAL, id == NULL ? "id" : "target", NAN, "NULL argument");
    for (i = 0; i < NTARGETS; i++) {
        if (strcmp(targets[i].id, id) == 0) {
            *target = &targets[i];
            return PBSC_OK;
        }
    }
    return pbsc_fail(diag, PBSC_E_UNKNOWN, "target", NAN, "no target preset named '%.40s'", id);
}

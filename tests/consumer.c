/* SPDX-License-Identifier: MIT */
/* An outside program built against an installed libpbsc through pkg-config (run by .ci/run). */
#include <pbsc.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

static int
fail(const char *what, int status, const pbsc_diag *diag)
{
    fprintf(stderr, "consumer: %s", what);
    if (status != PBSC_OK)
        fprintf(stderr, ": %s (%d)", pbsc_strerror(status), status);
    if (diag != NULL && diag->text[0] != '\0')
        fprintf(stderr, ": %s", diag->text);
    fputc('\n', stderr);
    return 1;
}

int
main(void)
{
    const char *version = pbsc_version_string();
    const pbsc_ce_model *ce;
    pbsc_session s;
    pbsc_projection out;
    pbsc_diag diag;
    int rc;

    if (version == NULL)
        return fail("pbsc_version_string() returned NULL", PBSC_OK, NULL);
    printf("libpbsc %s\n", version);
    if (strcmp(version, PBSC_VERSION_STRING) != 0) {
        fprintf(stderr, "consumer: library is %s but <pbsc.h> says %s\n", version,
                PBSC_VERSION_STRING);
        return 1;
    }
    if (pbsc_version_number() != (unsigned long)PBSC_VERSION_NUMBER) {
        fprintf(stderr, "consumer: pbsc_version_number() is 0x%06lx, header says 0x%06lx\n",
                pbsc_version_number(), (unsigned long)PBSC_VERSION_NUMBER);
        return 1;
    }

    ce = pbsc_ce_default();
    if (ce == NULL)
        return fail("pbsc_ce_default() returned NULL", PBSC_OK, NULL);

    /* 100 CD34/uL, 10 L processed from a 60 kg autologous patient. */
    pbsc_session_init(&s);
    s.cd34 = 100.0;
    s.weight_kg = 60.0;
    s.volume_l = 10.0;

    pbsc_diag_clear(&diag);
    rc = pbsc_yield_project(&s, ce, 0.90, 2.0, &out, &diag);
    if (rc != PBSC_OK)
        return fail("pbsc_yield_project() failed", rc, &diag);
    if (!isfinite(out.median) || !(out.median > 0.0))
        return fail("projected median is not a positive finite number", PBSC_OK, NULL);
    if (!(out.lower <= out.median && out.median <= out.upper))
        return fail("projected interval does not contain the median", PBSC_OK, NULL);

    printf("ce %s: median %.3g x10^6 CD34+/kg (90%%: %.3g-%.3g), P(>= 2) = %.3f\n",
           ce->id != NULL ? ce->id : "?", out.median, out.lower, out.upper, out.p_dose);
    return 0;
}

/* SPDX-License-Identifier: MIT */
/* A policy's identity: its info (pbsc_policy_info_get(3)), and a site file cannot take a
 * shipped preset's id (pbsc-policy(5)). */
#include "pbsc_private.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

/* The 1.0 layout of pbsc_policy_info ends with `hash`. */
#define INFO_MIN (offsetof(pbsc_policy_info, hash) + sizeof(const char *))

PBSC_API void
pbsc_policy_info_init_sized(pbsc_policy_info *info, size_t size)
{
    pbsc_policy_info full;

    memset(&full, 0, sizeof full);
    pbsc_sized_init(info, size, &full, sizeof full);
}

PBSC_API int
pbsc_policy_info_get(const pbsc_policy *policy, pbsc_policy_info *info)
{
    pbsc_policy_info full;

    if (policy == NULL || info == NULL)
        return PBSC_E_INVAL;
    pbsc_policy_info_init(&full);
    full.id = policy->id;
    full.version = policy->version;
    full.name = policy->name;
    full.source = policy->source;
    full.provenance = policy->provenance;
    full.scope = policy->scope;
    full.regimens = policy->regimens;
    full.model_based = policy->forecast;
    full.hash = policy->hash;
    full.diagnoses = policy->diagnoses;
    return pbsc_sized_out(info, &full, sizeof full, INFO_MIN);
}

/* The line of the (last) `key = ...` line of a policy text, or 0. */
static long
key_line(const char *text, size_t length, const char *key)
{
    size_t at = 0, n = strlen(key);
    long line = 0, found = 0;

    while (at < length) {
        const char *s = text + at, *nl = memchr(s, '\n', length - at);
        size_t len = nl != NULL ? (size_t)(nl - s) : length - at, i = 0;

        line++;
        while (i < len && (s[i] == ' ' || s[i] == '\t'))
            i++;
        if (len - i > n && memcmp(s + i, key, n) == 0 &&
            (s[i + n] == ' ' || s[i + n] == '\t' || s[i + n] == '='))
            found = line;
        at += len + (nl != NULL);
    }
    return found;
}

/* A site policy cannot take a shipped preset's id: its decisions would be recorded as the
 * preset's. A file that is the preset itself (the same text: pbsc_policy_format() of the
 * preset read back) is the preset and keeps its id. */
int
pbsc_policy_check_identity(const pbsc_policy *p, const char *text, size_t length,
                           pbsc_diag *diag)
{
    size_t i;

    for (i = 0; i < pbsc_policy_count(); i++) {
        const pbsc_policy *preset = pbsc_policy_get(i);
        if (strcmp(p->id, preset->id) == 0 && strcmp(p->hash, preset->hash) != 0) {
            pbsc_fail(diag, PBSC_E_CONFLICT, "id", NAN,
                      "id '%s' is a shipped preset's and this policy differs from it: give "
                      "the site's policy its own id",
                      p->id);
            if (diag != NULL)
                diag->line = key_line(text, length, "id");
            return PBSC_E_CONFLICT;
        }
    }
    return PBSC_OK;
}

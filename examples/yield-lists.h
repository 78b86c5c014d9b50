/* SPDX-License-Identifier: MIT */
/* pbsc-yield's preset lists (examples/yield-lists.c): the text ones return non-zero when
 * memory runs out. */
#ifndef PBSC_YIELD_LISTS_H
#define PBSC_YIELD_LISTS_H

int yield_list_devices_text(void);
void yield_list_devices_json(void);
void yield_list_devices_tsv(void);
int yield_list_targets_text(void);
void yield_list_targets_json(void);
void yield_list_targets_tsv(void);

#endif /* PBSC_YIELD_LISTS_H */

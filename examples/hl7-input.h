/* SPDX-License-Identifier: MIT */
/* pbsc-hl7's input (examples/hl7-input.c): the files read whole and cut into messages. */
#ifndef PBSC_HL7_INPUT_H
#define PBSC_HL7_INPUT_H

#include <stddef.h>

/* One message of the input, where it came from. */
struct message {
    const char *text;
    size_t length;
    const char *path; /* as messages name it ("<stdin>" for "-") */
};

/* Everything read: the inputs' bytes and the messages cut from them. */
struct input {
    char **buffers;
    size_t nbuffers;
    struct message *m;
    size_t n, cap;
};

/* Reads every path ("-": standard input) and cuts the messages, in order; CLI_EXIT_OK, or
 * CLI_EXIT_INPUT printed (no message at all is one). input_free() either way. */
int read_inputs(char *const *paths, int npaths, struct input *in);
void input_free(struct input *in);

#endif /* PBSC_HL7_INPUT_H */

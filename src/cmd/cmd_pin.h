/*
 * cmd_pin.h - the PIN of a PKCS#11 token for the commands that sign
 * (`canhgac sign`, `canhgac report --sign`): the first line of a PIN file,
 * or asked once on the terminal with echo off. The result is kept for the
 * token's later logins in the same run (the signing library may ask more
 * than once) and wiped by cmd_pin_clear.
 *
 * Ownership: cmd_pin holds its PIN in itself; the caller keeps the file
 * path alive.
 */
#ifndef CG_CMD_PIN_H
#define CG_CMD_PIN_H

#include <stdbool.h>
#include <stddef.h>

#include "cli.h"
#include "core/limits.h"
#include "sign/sign.h"

typedef struct cmd_pin {
	const cg_cli *cli; /* where a failure is said */
	const char *file;  /* --pin-file, or NULL: the terminal */
	char pin[CG_SIGN_MAX_PIN];
	bool have;
} cmd_pin;

/* A cg_pin_fn (sign/sign.h) whose ud is a cmd_pin: the PIN into
 * pin[0..pin_max), 0; -1 (said on stderr) when there is none. */
int cmd_pin_read(void *ud, const char *token, char *pin, size_t pin_max);
/* Wipes the PIN held. */
void cmd_pin_clear(cmd_pin *p);

#endif

/*
 * cmd_pin.c - see cmd_pin.h. The terminal is /dev/tty, not stdin: the
 * commands may read a document from a pipe, and the PIN must never be
 * taken from it. Echo is turned off while it is typed and restored even
 * when nothing is read.
 */
#include "cmd_pin.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>

#include "core/fileio.h"
#include "core/msg.h"

/* The first line of the PIN file into p->pin; its length, or -1. */
static int from_file(cmd_pin *p)
{
	cg_buf b, why;
	cg_buf_init(&b, CG_SIGN_MAX_PIN);
	cg_buf_init(&why, 1024);
	cg_err err = cg_read_file(p->file, &b, &why);
	if (err) {
		if (p->cli)
			cg_cli_error(p->cli, "--pin-file: %s", cg_buf_cstr(&why));
		cg_buf_free(&why);
		cg_buf_free(&b);
		return -1;
	}
	cg_buf_free(&why);
	size_t n = 0;
	while (n < b.len && b.ptr[n] != '\n' && b.ptr[n] != '\r' && n < sizeof p->pin - 1)
		n++;
	memcpy(p->pin, b.ptr, n);
	explicit_bzero(b.ptr, b.len);
	cg_buf_free(&b);
	return (int)n;
}

/* The PIN typed on the terminal, echo off; its length, or -1. */
static int from_tty(cmd_pin *p, const char *token)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty) {
		if (p->cli)
			cg_cli_error(p->cli, "no terminal to ask the PIN: give --pin-file");
		return -1;
	}
	struct termios old, quiet;
	bool restore = tcgetattr(fileno(tty), &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
	}
	fprintf(tty, cg_tr("PIN for the token %s: "), token);
	fflush(tty);
	if (!fgets(p->pin, sizeof p->pin, tty))
		p->pin[0] = 0;
	if (restore)
		tcsetattr(fileno(tty), TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	return (int)strcspn(p->pin, "\r\n");
}

int cmd_pin_read(void *ud, const char *token, char *pin, size_t pin_max)
{
	cmd_pin *p = ud;
	if (!p->have) {
		int n = p->file ? from_file(p) : from_tty(p, token);
		if (n < 0)
			return -1;
		p->pin[n] = 0;
		p->have = true;
	}
	size_t n = strlen(p->pin);
	if (n + 1 > pin_max)
		return -1;
	memcpy(pin, p->pin, n + 1);
	return 0;
}

void cmd_pin_clear(cmd_pin *p)
{
	explicit_bzero(p->pin, sizeof p->pin);
	p->have = false;
}

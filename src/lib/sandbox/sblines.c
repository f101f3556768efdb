/*
 * sblines.c - a sandboxed child's event lines, read by the parent
 * (sblines.h). The line buffer is bounded: an over-long line is skipped
 * to its end and counted once, never cut into pieces that might parse.
 */
#include "sblines.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "core/event.h"
#include "core/json.h"
#include "core/limits.h"

static void feed_line(cg_slice line, cg_sandbox_event_fn on_event, void *ctx, uint64_t *bad)
{
	json_t *j = NULL;
	cg_event ev;
	memset(&ev, 0, sizeof ev);
	if (cg_json_parse(line, &j, NULL) == CG_OK && cg_event_decode(j, &ev, false, NULL) == CG_OK)
		on_event(ctx, &ev);
	else
		(*bad)++;
	cg_event_clear(&ev);
	json_decref(j);
}

void cg_sandbox_read_events(int fd, cg_sandbox_event_fn on_event, void *ctx, uint64_t *bad)
{
	cg_buf line;
	cg_buf_init(&line, CG_MAX_EVENT_JSON);
	bool skipping = false; /* inside an over-long line */
	char buf[65536];
	for (;;) {
		/* int: read()'s count on Windows; the buffer is far below INT_MAX */
		int n = (int)read(fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++) {
			if (buf[i] == '\n') {
				if (!skipping && line.len)
					feed_line(cg_buf_slice(&line), on_event, ctx, bad);
				else if (skipping)
					(*bad)++;
				skipping = false;
				cg_buf_reset(&line);
			} else if (!skipping && cg_buf_putc(&line, buf[i])) {
				skipping = true;
				cg_buf_reset(&line);
			}
		}
	}
	cg_buf_free(&line);
}

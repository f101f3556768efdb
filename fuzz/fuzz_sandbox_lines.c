/* libFuzzer target: a sandboxed child's event lines as the parent reads
 * them (sandbox/sblines.h): the bytes a compromised child could write,
 * through a sealed memfd standing for the pipe. Every event handed on
 * must have decoded; the reader always reaches the end. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sandbox/sblines.h"

static void on_event(void *ctx, cg_event *ev)
{
	if (!ev)
		abort();
	(*(uint64_t *)ctx)++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	lseek(fd, 0, SEEK_SET);
	uint64_t good = 0, bad = 0;
	cg_sandbox_read_events(fd, on_event, &good, &bad);
	close(fd);
	/* each line is either handed on or counted bad, never both */
	size_t lines = 0;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (good + bad > lines)
		abort();
	return 0;
}

/* libFuzzer target: reading a backup file (store/backup.h), the layers a
 * restore trusts nothing of: the encryption framing (length-prefixed
 * chunks), the zstd tar, member names, the manifest and its comparison
 * with the members, the signature line. The input is handed over as a
 * memory file; an encryption key exists, so encrypted input gets as far
 * as opening the sealed key. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "store/backup.h"

static char key_path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!key_path[0]) {
		char dir[] = "/tmp/canhgac-fuzz-backup.XXXXXX";
		if (!mkdtemp(dir))
			abort();
		char pub[64];
		snprintf(pub, sizeof pub, "%s/k.pub", dir);
		snprintf(key_path, sizeof key_path, "%s/k.key", dir);
		if (cg_backup_keygen(pub, key_path, NULL))
			abort();
	}
	int fd = memfd_create("backup", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	cg_backup_check c = {key_path, NULL};
	cg_backup_info info;
	cg_buf why;
	cg_buf_init(&why, 4096);
	cg_backup_verify(path, &c, &info, &why);
	json_decref(info.manifest);
	cg_buf_free(&why);
	close(fd);
	return 0;
}

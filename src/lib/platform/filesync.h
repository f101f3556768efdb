/*
 * filesync.h - the durability and locking calls of the agent's spool, one
 * form on every platform.
 *
 * cg_fdatasync: the file's data reach the disk before it returns (Linux:
 * fdatasync; Windows: FlushFileBuffers on the descriptor's handle).
 *
 * cg_dir_open / cg_dir_sync / cg_dir_close: make a new name in a
 * directory durable (Linux: fsync of the directory, without which a
 * created segment may vanish at a power cut; Windows: NTFS journals its
 * metadata and a directory handle cannot be flushed, so the "directory"
 * is only remembered and the sync succeeds).
 *
 * cg_lock_exclusive: an exclusive lock on an open file without waiting,
 * released when the descriptor closes or the process dies (Linux: flock;
 * Windows: LockFileEx over the first byte). -1 when another holds it.
 */
#ifndef CG_PLATFORM_FILESYNC_H
#define CG_PLATFORM_FILESYNC_H

int cg_fdatasync(int fd);

typedef struct cg_dir_handle cg_dir_handle;
/* NULL with errno on failure. */
cg_dir_handle *cg_dir_open(const char *dir);
int cg_dir_sync(cg_dir_handle *d);
void cg_dir_close(cg_dir_handle *d);

int cg_lock_exclusive(int fd);

#endif

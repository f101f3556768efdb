/*
 * archive.h - reading archives safely: zip, tar, gzip, bzip2, xz, 7z (and
 * rar where libarchive can), via Debian's libarchive, with limits that make
 * a decompression bomb a reported finding instead of an outage.
 *
 * The archive is read from memory or a file descriptor; each regular member
 * is decompressed into a bounded buffer and handed to the visitor with its
 * display path "outer.zip!dir/inner.php" (nested: "a.zip!b.tar.gz!c.php").
 * Nested archives are descended into up to limits.max_depth when the
 * visitor asks for it. Limits (from limits.h, overridable) bound the depth,
 * the number of members, each member's size, the total expanded size and
 * the expansion ratio; passing any of them stops that archive with a
 * CG_ELIMIT problem ("bomb"). Encrypted members are CG_EENCRYPTED problems,
 * corrupt data CG_EPARSE problems; the members read before are kept.
 *
 * Single-stream compressors (a bare .gz/.bz2/.xz) appear as an archive with
 * one member named after the file minus its suffix.
 */
#ifndef CG_FS_ARCHIVE_H
#define CG_FS_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

typedef struct cg_archive_limits {
	int max_depth;             /* nesting levels below the outer file */
	uint64_t max_entries;      /* members per archive */
	uint64_t max_entry_bytes;  /* one member, decompressed */
	uint64_t max_total_bytes;  /* all members of the outer file */
	uint64_t max_ratio;        /* expanded / compressed, whole file */
} cg_archive_limits;

/* The defaults from limits.h. */
cg_archive_limits cg_archive_default_limits(void);

typedef enum cg_archive_action {
	CG_AR_READ = 0, /* decompress and hand to member() */
	CG_AR_SKIP = 1, /* skip this member */
	CG_AR_STOP = 2, /* stop reading this archive (and its parents) */
} cg_archive_action;

typedef struct cg_archive_visitor {
	void *ctx;
	/* Optional filter, before decompression; NULL reads everything. */
	cg_archive_action (*want)(void *ctx, const char *path, int64_t size,
				  int depth);
	/* A member's content. Return CG_AR_READ to go on, CG_AR_STOP to
	 * stop. With `recurse`, a member that is itself an archive is read
	 * first (its members visited with depth + 1), then handed here too
	 * (so its own bytes can be hashed or matched). */
	cg_archive_action (*member)(void *ctx, const char *path,
				    const unsigned char *data, size_t len,
				    int depth);
	/* Something could not be read: bomb limits, encryption, corruption. */
	void (*problem)(void *ctx, const char *path, cg_err err,
			const char *reason);
	bool recurse;
} cg_archive_visitor;

/* True when the first bytes look like a container libarchive reads
 * (zip, 7z, rar, tar, gzip, bzip2, xz). */
bool cg_archive_sniff(const unsigned char *head, size_t len);

/* Reads the archive in data[0..len). display_path names it in paths.
 * Returns CG_OK when it was read (problems reported through the visitor),
 * CG_EUNSUPPORTED when it is not an archive at all. */
cg_err cg_archive_read_mem(const unsigned char *data, size_t len,
			   const char *display_path,
			   const cg_archive_limits *limits,
			   const cg_archive_visitor *v);
/* Same, streaming from a file descriptor (not closed). */
cg_err cg_archive_read_fd(int fd, const char *display_path,
			  const cg_archive_limits *limits,
			  const cg_archive_visitor *v);

#endif

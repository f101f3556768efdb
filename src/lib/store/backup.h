/*
 * backup.h - backups of a server's store and data directory, taken while
 * the server runs, and their verification and restore (`canhgac backup`,
 * `canhgac backup verify`, `canhgac restore`, the nightly backup job).
 *
 * A backup is one file (docs/packaging.md, "Backup and restore"): a
 * zstd-compressed POSIX tar whose members are
 *   store.sqlite   a consistent copy of a SQLite store (the online
 *                  backup API: one read transaction, writers go on)
 *   store.pgdump   or a pg_dump (custom format) of a PostgreSQL store,
 *                  taken in an exported snapshot
 *   data/REL       every file of the data directory (blobs, keys, the
 *                  agents' registry...; SQLite files in it also through
 *                  the online backup API; -wal/-shm/-journal left out)
 *   MANIFEST.json  after them: the format, the store's backend and schema
 *                  version, per table its rows and an order-independent
 *                  checksum computed in the same snapshot as the copy,
 *                  and per member its size and SHA-256, in member order
 *   MANIFEST.sig   optional: "ed25519 KEYID SIGHEX\n" over the manifest
 *                  bytes, with a key of `canhgac bundle keygen`
 * The tables are enumerated from the database, never listed here, so a
 * table another change adds is backed up and checked like the others.
 *
 * Encrypted to a public key (X25519 keys of cg_backup_keygen:
 * "canhgac-x25519-public HEX\n" / "canhgac-x25519-secret HEX\n"), the
 * whole file above is wrapped: "CGBKENC1", a libsodium sealed box of a
 * random key (80 bytes), a secretstream header (24 bytes), then chunks of
 * a 4-byte big-endian length and that many bytes of secretstream
 * ciphertext (at most CG_BACKUP_CHUNK of plaintext each), the last one
 * tagged final: truncation, reordering or any changed byte fails.
 *
 * Verification reads the whole file: every member hashed as it streams,
 * names checked, the manifest compared member by member, the signature
 * checked against the given public key. Restore verifies first, then
 * extracts into an empty target (a data directory that is absent or
 * empty; a PostgreSQL database without tables) - it never overwrites -
 * re-hashing on the way, and finally recounts and re-checksums every
 * table of the restored store against the manifest.
 */
#ifndef CG_STORE_BACKUP_H
#define CG_STORE_BACKUP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"

typedef struct cg_backup_opts {
	const char *store_url;  /* as cg_store_open takes it */
	const char *data_dir;   /* its files are backed up too; NULL: none */
	const char *skip_dir;   /* a directory under data_dir left out (backups); NULL */
	const char *encrypt_to; /* X25519 public key file; NULL: not encrypted */
	const char *sign_key;   /* Ed25519 secret key file; NULL: not signed */
} cg_backup_opts;

typedef struct cg_backup_check {
	const char *key_file; /* X25519 secret key file for an encrypted backup */
	const char *signer;   /* Ed25519 public key file: the signature must be by it */
} cg_backup_check;

/* What a backup is, as read or written. */
typedef struct cg_backup_info {
	json_t *manifest; /* new reference (the caller decrefs), or NULL */
	bool encrypted;
	bool signature;  /* it carries a signature */
	char signer[17]; /* the signing key's id when the signature was checked, else "" */
} cg_backup_info;

/* Writes a backup to out_path (refused if it exists; written under a
 * temporary name and linked in place when complete). */
cg_err cg_backup_create(const cg_backup_opts *o, const char *out_path, cg_backup_info *info,
                        cg_buf *why);
/* CG_ECRYPTO for any damage, a bad signature, a missing one when a signer
 * is given, or a manifest that does not match the members; CG_EENCRYPTED
 * for an encrypted backup without a key. */
cg_err cg_backup_verify(const char *path, const cg_backup_check *c, cg_backup_info *info,
                        cg_buf *why);
/* Restores into store_url and data_dir: CG_ECONFLICT when either is not
 * empty (nothing written), failures of verify, CG_ECONFLICT after the
 * restore when a table's count or checksum differs from the manifest. */
cg_err cg_backup_restore(const char *path, const cg_backup_check *c, const char *store_url,
                         const char *data_dir, cg_backup_info *info, cg_buf *why);
/* The schema version of the store at url as it is, without migrating it
 * (0: not made yet). */
cg_err cg_backup_schema_version(const char *url, int *version, cg_buf *why);
/* Before a start that migrates (docs/packaging.md, "Upgrades"): when the
 * store at o->store_url exists with a schema older than latest, writes a
 * backup into dir (made 0700 if needed) named
 * "canhgac-pre-upgrade-vOLD-vNEW-YYYYMMDDTHHMMSSZ.cgbk" (never pruned)
 * and puts its path in path ("" when none was needed). CG_EUNSUPPORTED,
 * naming both versions, when the store is newer than latest. */
cg_err cg_backup_before_upgrade(const cg_backup_opts *o, const char *dir, int latest, char *path,
                                size_t n, cg_buf *why);
/* Writes an X25519 key pair for encrypted backups (secret 0600). */
cg_err cg_backup_keygen(const char *pub_path, const char *sec_path, cg_buf *why);
/* Names of the nightly job's backups: "canhgac-YYYYMMDDTHHMMSSZ.cgbk". */
cg_err cg_backup_name(int64_t now_ms, char *out, size_t n);
/* Removes the oldest backups named as above in dir beyond the newest keep;
 * other files are left alone. *removed gets how many. */
cg_err cg_backup_prune(const char *dir, int keep, int *removed, cg_buf *why);

#endif

/*
 * bundle.h - signed rule bundles (MISSION R12): the server publishes YARA
 * rules, hash lists, lexicons and blocklists; agents use them only after
 * checking an Ed25519 signature (libsodium) over a manifest of every file.
 *
 * A bundle is a directory:
 *   MANIFEST      "canhgac-bundle 1\n"
 *                 "version N\n"             (N > 0, must increase)
 *                 "file SHA256HEX SIZE PATH\n" per file, sorted by PATH
 *   MANIFEST.sig  "ed25519 KEYID SIGHEX\n": the detached signature of the
 *                 MANIFEST bytes; KEYID = first 8 bytes (hex) of the
 *                 SHA-256 of the public key, to name a wrong key clearly
 *   ...the files
 *
 * Verification refuses: a missing signature (unsigned), a signature by
 * another key, a signature that does not match (tampered manifest), a file
 * whose size or SHA-256 differs, a listed file that is missing, a file
 * present but not listed, a path that is absolute, has "..", or is a
 * symlink, and a version lower than the last one accepted (rollback).
 * Each refusal is one line in *why naming the file and the reason.
 *
 * Key files: "canhgac-ed25519-public HEX\n" (32 bytes) and
 * "canhgac-ed25519-secret HEX\n" (64 bytes, mode 0600).
 */
#ifndef CG_BUNDLE_H
#define CG_BUNDLE_H

#include <stdint.h>
#include <sys/types.h>

#include "core/buf.h"

typedef struct cg_bundle_file {
	char *path;           /* relative, validated */
	uint64_t size;
	unsigned char sha256[32];
} cg_bundle_file;

typedef struct cg_bundle_manifest {
	int64_t version;
	cg_bundle_file *files;
	size_t nfiles;
} cg_bundle_manifest;

/* Parses a manifest (strict). Ownership: cg_bundle_manifest_free. */
cg_err cg_bundle_manifest_parse(cg_slice text, cg_bundle_manifest *m, cg_buf *why);
void cg_bundle_manifest_free(cg_bundle_manifest *m);

/* Writes a new key pair as two files (secret 0600). */
cg_err cg_bundle_keygen(const char *pub_path, const char *sec_path, cg_buf *why);
/* Key files: one line "TAG HEX\n". The same format carries the X25519
 * keys of encrypted backups (store/backup.h); the Ed25519 keys above also
 * sign backups. */
#define CG_ED25519_PUBLIC_TAG "canhgac-ed25519-public"
#define CG_ED25519_SECRET_TAG "canhgac-ed25519-secret"
#define CG_KEYFILE_MAX_KEY    64
/* Reads exactly n key bytes from a key file whose tag is tag. */
cg_err cg_keyfile_read(const char *path, const char *tag, unsigned char *key, size_t n,
                       cg_buf *why);
/* Writes a key file atomically with mode (0600 for secrets). */
cg_err cg_keyfile_write(const char *path, const char *tag, const unsigned char *key, size_t n,
                        mode_t mode, cg_buf *why);
/* Hashes every file under dir, writes MANIFEST (with version) and
 * MANIFEST.sig signed with the secret key in sec_path. */
cg_err cg_bundle_sign(const char *dir, int64_t version, const char *sec_path,
		      cg_buf *why);
/* Verifies dir against the public key in pub_path. min_version: the last
 * version accepted (0 = none); a lower version is refused as a rollback.
 * *version gets the bundle's version. CG_ECRYPTO for any refusal. */
cg_err cg_bundle_verify(const char *dir, const char *pub_path,
			int64_t min_version, int64_t *version, cg_buf *why);

/* The last bundle version accepted into DATA_DIR (DATA_DIR/bundle/version),
 * 0 when none or unreadable: the floor below which bundles are rollbacks. */
int64_t cg_bundle_accepted_version(const char *data_dir);

#endif

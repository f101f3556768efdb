/*
 * backup.c - backups of the store and the data directory (backup.h).
 *
 * Like copy.c, this talks to the databases directly and not through
 * store.h: a backup must see every table, including ones no store.h call
 * knows, and must not migrate what it copies (the upgrade path takes a
 * backup *before* migrating).
 *
 * Consistency while the server runs:
 *  - SQLite: sqlite3_backup_step(-1) copies every page inside one read
 *    transaction; in WAL mode writers carry on and the copy is the
 *    database as of that transaction's start. The per-table counts and
 *    checksums are then computed from the copy, so they describe exactly
 *    what the backup holds.
 *  - PostgreSQL: a REPEATABLE READ transaction exports its snapshot;
 *    pg_dump runs in that snapshot (--snapshot), and the counts and
 *    checksums are computed in the same transaction.
 *  - Blobs are content-addressed and written before any row names them,
 *    so copying the blob directory after the snapshot holds every blob the
 *    snapshot refers to.
 *
 * The checksum of a table is order-independent (a sum of per-row hashes):
 * SQLite's rows hashed here (BLAKE2b of each column's type and bytes),
 * PostgreSQL's in SQL (md5 of the row's text). Each is only compared with
 * the same backend's, after a restore.
 *
 * Streaming: members go through libarchive (pax tar, zstd) straight to
 * the output or to the encryption layer; nothing is held whole in memory
 * except the manifest. Reading checks every byte before anything is
 * trusted: the encryption layer authenticates each chunk, every member is
 * hashed as it streams, and the manifest (signed) must list exactly the
 * members read, in order.
 */
#include "backup.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <limits.h>
#include <sodium.h>
#include <spawn.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bundle/bundle.h"
#include "core/fileio.h"
#include "core/hex.h"
#include "core/json.h"
#include "core/limits.h"
#include "core/relpath.h"
#include "core/timeutil.h"

extern char **environ;

#define FORMAT_NAME   "canhgac-backup"
#define FORMAT_VER    1
#define MANIFEST_NAME "MANIFEST.json"
#define SIG_NAME      "MANIFEST.sig"
#define ENC_MAGIC     "CGBKENC1"
#define X_PUB_TAG     "canhgac-x25519-public"
#define X_SEC_TAG     "canhgac-x25519-secret"
#define IO_SIZE       65536
#define SS_ABYTES     crypto_secretstream_xchacha20poly1305_ABYTES
#define SS_HEADER     crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define SEALED_KEY    (crypto_box_SEALBYTES + crypto_secretstream_xchacha20poly1305_KEYBYTES)
#define SIG_LINE_LEN  (8 + 16 + 1 + 2 * crypto_sign_BYTES + 1)

static cg_err refuse(cg_buf *why, cg_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static cg_err refuse(cg_buf *why, cg_err err, const char *fmt, ...)
{
	if (why) {
		va_list ap;
		va_start(ap, fmt);
		cg_buf_vprintf(why, fmt, ap);
		va_end(ap);
	}
	return err;
}

static bool is_pg_url(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

static const char *sqlite_path(const char *url)
{
	return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
}

static cg_err write_all(int fd, const void *p, size_t n)
{
	const unsigned char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return CG_EIO;
		c += w;
		n -= (size_t)w;
	}
	return CG_OK;
}

/* Reads up to n bytes, fewer only at the end of the file; -1 on error. */
static ssize_t read_full(int fd, void *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static void key_id(const unsigned char pk[32], char out[17])
{
	unsigned char h[32];
	crypto_hash_sha256(h, pk, 32);
	cg_hex_encode(h, 8, out);
}

/* ---- the output: plain or encrypted ------------------------------------ */

typedef struct sink {
	int fd;
	bool enc;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char *pt; /* pending plaintext (enc) */
	size_t n;
	unsigned char *ct;
} sink;

static cg_err sink_chunk(sink *s, unsigned char tag)
{
	unsigned long long clen = 0;
	crypto_secretstream_xchacha20poly1305_push(&s->st, s->ct + 4, &clen, s->pt, s->n, NULL, 0,
	                                           tag);
	s->ct[0] = (unsigned char)(clen >> 24);
	s->ct[1] = (unsigned char)(clen >> 16);
	s->ct[2] = (unsigned char)(clen >> 8);
	s->ct[3] = (unsigned char)clen;
	s->n = 0;
	return write_all(s->fd, s->ct, (size_t)clen + 4);
}

static la_ssize_t sink_write(struct archive *a, void *ctx, const void *buf, size_t len)
{
	sink *s = ctx;
	if (!s->enc) {
		if (write_all(s->fd, buf, len)) {
			archive_set_error(a, errno, "write failed");
			return -1;
		}
		return (la_ssize_t)len;
	}
	const unsigned char *p = buf;
	size_t left = len;
	while (left) {
		size_t take = CG_BACKUP_CHUNK - s->n;
		if (take > left)
			take = left;
		memcpy(s->pt + s->n, p, take);
		s->n += take;
		p += take;
		left -= take;
		if (s->n == CG_BACKUP_CHUNK &&
		    sink_chunk(s, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE)) {
			archive_set_error(a, errno, "write failed");
			return -1;
		}
	}
	return (la_ssize_t)len;
}

static cg_err sink_open(sink *s, int fd, const char *pub_file, cg_buf *why)
{
	memset(s, 0, sizeof *s);
	s->fd = fd;
	if (!pub_file)
		return CG_OK;
	unsigned char pk[crypto_box_PUBLICKEYBYTES];
	cg_err err = cg_keyfile_read(pub_file, X_PUB_TAG, pk, sizeof pk, why);
	if (err)
		return err;
	s->pt = malloc(CG_BACKUP_CHUNK);
	s->ct = malloc(CG_BACKUP_CHUNK + SS_ABYTES + 4);
	if (!s->pt || !s->ct)
		return CG_ENOMEM;
	s->enc = true;
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char head[8 + SEALED_KEY + SS_HEADER];
	memcpy(head, ENC_MAGIC, 8);
	crypto_secretstream_xchacha20poly1305_keygen(key);
	crypto_box_seal(head + 8, key, sizeof key, pk);
	crypto_secretstream_xchacha20poly1305_init_push(&s->st, head + 8 + SEALED_KEY, key);
	sodium_memzero(key, sizeof key);
	if (write_all(fd, head, sizeof head))
		return refuse(why, CG_EIO, "write: %s", strerror(errno));
	return CG_OK;
}

static cg_err sink_finish(sink *s)
{
	if (!s->enc)
		return CG_OK;
	return sink_chunk(s, crypto_secretstream_xchacha20poly1305_TAG_FINAL);
}

static void sink_free(sink *s)
{
	if (s->pt)
		sodium_memzero(s->pt, CG_BACKUP_CHUNK);
	free(s->pt);
	free(s->ct);
	sodium_memzero(&s->st, sizeof s->st);
}

/* ---- the input: plain or encrypted ------------------------------------- */

typedef struct source {
	int fd;
	bool enc, final;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char *pt, *ct;
	char err[160]; /* why the layer stopped, for the caller's message */
} source;

static la_ssize_t source_read(struct archive *a, void *ctx, const void **buf)
{
	source *s = ctx;
	(void)a;
	*buf = s->pt;
	if (!s->enc) {
		ssize_t r = read_full(s->fd, s->pt, IO_SIZE);
		if (r < 0)
			snprintf(s->err, sizeof s->err, "read: %s", strerror(errno));
		return r;
	}
	for (;;) {
		unsigned char len4[4];
		if (s->final) { /* nothing may follow the final chunk */
			ssize_t r = read_full(s->fd, len4, 1);
			if (r != 0) {
				snprintf(s->err, sizeof s->err,
				         "data after the end of the encrypted stream");
				return -1;
			}
			return 0;
		}
		ssize_t r = read_full(s->fd, len4, 4);
		if (r != 4) {
			snprintf(s->err, sizeof s->err, "encrypted stream cut short");
			return -1;
		}
		size_t clen =
		    (size_t)len4[0] << 24 | (size_t)len4[1] << 16 | (size_t)len4[2] << 8 | len4[3];
		if (clen < SS_ABYTES || clen > CG_BACKUP_CHUNK + SS_ABYTES) {
			snprintf(s->err, sizeof s->err, "encrypted chunk of impossible length %zu",
			         clen);
			return -1;
		}
		if (read_full(s->fd, s->ct, clen) != (ssize_t)clen) {
			snprintf(s->err, sizeof s->err, "encrypted stream cut short");
			return -1;
		}
		unsigned long long plen = 0;
		unsigned char tag = 0;
		if (crypto_secretstream_xchacha20poly1305_pull(&s->st, s->pt, &plen, &tag, s->ct,
		                                               clen, NULL, 0) != 0) {
			snprintf(s->err, sizeof s->err,
			         "encrypted chunk damaged or not in its place");
			return -1;
		}
		if (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
			s->final = true;
		else if (tag != crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
			snprintf(s->err, sizeof s->err, "unexpected chunk tag");
			return -1;
		}
		if (plen)
			return (la_ssize_t)plen;
	}
}

static cg_err source_open(source *s, const char *path, const char *key_file, cg_buf *why)
{
	memset(s, 0, sizeof *s);
	s->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s->fd < 0)
		return refuse(why, errno == ENOENT ? CG_ENOTFOUND : CG_EIO, "%s: %s", path,
		              strerror(errno));
	s->pt = malloc(CG_BACKUP_CHUNK > IO_SIZE ? CG_BACKUP_CHUNK : IO_SIZE);
	s->ct = malloc(CG_BACKUP_CHUNK + SS_ABYTES);
	if (!s->pt || !s->ct)
		return CG_ENOMEM;
	unsigned char head[8 + SEALED_KEY + SS_HEADER];
	ssize_t r = read_full(s->fd, head, 8);
	if (r != 8 || memcmp(head, ENC_MAGIC, 8) != 0) {
		if (lseek(s->fd, 0, SEEK_SET) != 0)
			return refuse(why, CG_EIO, "%s: %s", path, strerror(errno));
		return CG_OK;
	}
	s->enc = true;
	if (!key_file)
		return refuse(why, CG_EENCRYPTED, "%s: encrypted; give the secret key (--key)",
		              path);
	if (read_full(s->fd, head + 8, SEALED_KEY + SS_HEADER) != SEALED_KEY + SS_HEADER)
		return refuse(why, CG_ECRYPTO, "%s: encrypted header cut short", path);
	unsigned char sk[crypto_box_SECRETKEYBYTES], pk[crypto_box_PUBLICKEYBYTES];
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	cg_err err = cg_keyfile_read(key_file, X_SEC_TAG, sk, sizeof sk, why);
	if (err)
		return err;
	crypto_scalarmult_base(pk, sk);
	int bad = crypto_box_seal_open(key, head + 8, SEALED_KEY, pk, sk);
	sodium_memzero(sk, sizeof sk);
	if (bad)
		return refuse(why, CG_ECRYPTO, "%s: not encrypted to this key (or damaged)", path);
	bad = crypto_secretstream_xchacha20poly1305_init_pull(&s->st, head + 8 + SEALED_KEY, key);
	sodium_memzero(key, sizeof key);
	if (bad)
		return refuse(why, CG_ECRYPTO, "%s: damaged encryption header", path);
	return CG_OK;
}

static void source_close(source *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->pt)
		sodium_memzero(s->pt, CG_BACKUP_CHUNK > IO_SIZE ? CG_BACKUP_CHUNK : IO_SIZE);
	free(s->pt);
	free(s->ct);
	sodium_memzero(&s->st, sizeof s->st);
}

/* ---- table counts and checksums ---------------------------------------- */

static json_t *table_row(const char *name, int64_t rows, const char *sum)
{
	return json_pack("{s:s, s:I, s:s}", "name", name, "rows", (json_int_t)rows, "checksum",
	                 sum);
}

static void hash_col(crypto_generichash_state *h, int type, const void *p, size_t n)
{
	unsigned char t[9];
	t[0] = (unsigned char)type;
	for (int i = 0; i < 8; i++)
		t[1 + i] = (unsigned char)((uint64_t)n >> (8 * i));
	crypto_generichash_update(h, t, sizeof t);
	if (n)
		crypto_generichash_update(h, p, n);
}

/* Every table of a SQLite file (virtual tables are covered by their
 * shadow tables), in name order. */
static cg_err sqlite_tables(sqlite3 *db, json_t *out, cg_buf *why)
{
	sqlite3_stmt *names = NULL;
	if (sqlite3_prepare_v2(db,
	                       "SELECT name FROM sqlite_master WHERE type='table'"
	                       " AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
	                       -1, &names, NULL) != SQLITE_OK)
		return refuse(why, CG_EDB, "listing tables: %s", sqlite3_errmsg(db));
	cg_err err = CG_OK;
	while (!err && sqlite3_step(names) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(names, 0);
		char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", name);
		sqlite3_stmt *s = NULL;
		if (!sql || sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
			err = refuse(why, CG_EDB, "table %s: %s", name, sqlite3_errmsg(db));
			sqlite3_free(sql);
			break;
		}
		sqlite3_free(sql);
		uint64_t sum = 0;
		int64_t rows = 0;
		int rc;
		while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
			crypto_generichash_state h;
			crypto_generichash_init(&h, NULL, 0, 8);
			int nc = sqlite3_column_count(s);
			for (int i = 0; i < nc; i++) {
				int t = sqlite3_column_type(s, i);
				char num[40];
				if (t == SQLITE_INTEGER) {
					int n = snprintf(num, sizeof num, "%lld",
					                 (long long)sqlite3_column_int64(s, i));
					hash_col(&h, t, num, (size_t)n);
				} else if (t == SQLITE_FLOAT) {
					int n = snprintf(num, sizeof num, "%.17g",
					                 sqlite3_column_double(s, i));
					hash_col(&h, t, num, (size_t)n);
				} else if (t == SQLITE_NULL) {
					hash_col(&h, t, NULL, 0);
				} else {
					const void *p =
					    t == SQLITE_BLOB
					        ? sqlite3_column_blob(s, i)
					        : (const void *)sqlite3_column_text(s, i);
					hash_col(&h, t, p, (size_t)sqlite3_column_bytes(s, i));
				}
			}
			unsigned char d[8];
			crypto_generichash_final(&h, d, sizeof d);
			uint64_t v = 0;
			for (int i = 0; i < 8; i++)
				v |= (uint64_t)d[i] << (8 * i);
			sum += v;
			rows++;
		}
		if (rc != SQLITE_DONE)
			err = refuse(why, CG_EDB, "table %s: %s", name, sqlite3_errmsg(db));
		sqlite3_finalize(s);
		char hex[17];
		snprintf(hex, sizeof hex, "%016llx", (unsigned long long)sum);
		if (!err && json_array_append_new(out, table_row(name, rows, hex)))
			err = CG_ENOMEM;
	}
	sqlite3_finalize(names);
	return err;
}

static int sqlite_schema_version(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	int v = 0;
	if (sqlite3_prepare_v2(db, "SELECT max(version) FROM schema_version", -1, &s, NULL) ==
	        SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Removes a scratch SQLite file and what opening it may have left. */
static void unlink_db(const char *path)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		char p[PATH_MAX];
		if ((size_t)snprintf(p, sizeof p, "%s%s", path, sfx[i]) < sizeof p)
			unlink(p);
	}
}

static cg_err sqlite_open(const char *path, int flags, sqlite3 **db, cg_buf *why)
{
	if (sqlite3_open_v2(path, db, flags, NULL) != SQLITE_OK) {
		cg_err err =
		    refuse(why, CG_EDB, "%s: %s", path, *db ? sqlite3_errmsg(*db) : "no memory");
		sqlite3_close(*db);
		*db = NULL;
		return err;
	}
	sqlite3_busy_timeout(*db, 30000);
	return CG_OK;
}

/* A consistent copy of the SQLite file src into dst (which must not exist). */
static cg_err sqlite_snapshot(const char *src, const char *dst, cg_buf *why)
{
	sqlite3 *s = NULL, *d = NULL;
	cg_err err = sqlite_open(src, SQLITE_OPEN_READWRITE, &s, why);
	if (!err)
		err = sqlite_open(dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &d, why);
	/* a scratch copy: durable only once it is in the backup file */
	if (!err)
		sqlite3_exec(d, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
	if (!err) {
		sqlite3_backup *b = sqlite3_backup_init(d, "main", s, "main");
		int rc = b ? sqlite3_backup_step(b, -1) : SQLITE_ERROR;
		if (b)
			sqlite3_backup_finish(b);
		if (rc != SQLITE_DONE)
			err = refuse(why, CG_EDB, "%s: online backup: %s", src, sqlite3_errmsg(d));
	}
	sqlite3_close(s);
	sqlite3_close(d);
	return err;
}

/* ---- PostgreSQL ---------------------------------------------------------- */

/* The connection string without its password, which goes to the child in
 * PGPASSWORD (never on a command line other users can read). */
static cg_err pg_conninfo(const char *url, cg_buf *conninfo, cg_buf *password, cg_buf *why)
{
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &perr);
	if (!opts) {
		PQfreemem(perr);
		return refuse(why, CG_EINVAL, "the PostgreSQL URL does not parse");
	}
	cg_err err = CG_OK;
	for (PQconninfoOption *o = opts; o->keyword && !err; o++) {
		if (!o->val || !*o->val)
			continue;
		if (strcmp(o->keyword, "password") == 0) {
			err = cg_buf_puts(password, o->val);
			continue;
		}
		err = cg_buf_printf(conninfo, "%s%s='", conninfo->len ? " " : "", o->keyword);
		for (const char *c = o->val; *c && !err; c++) {
			if (*c == '\'' || *c == '\\')
				err = cg_buf_putc(conninfo, '\\');
			if (!err)
				err = cg_buf_putc(conninfo, *c);
		}
		if (!err)
			err = cg_buf_putc(conninfo, '\'');
	}
	PQconninfoFree(opts);
	return err;
}

/* Runs a PostgreSQL client program (pg_dump, pg_restore) with the
 * password in its environment; its stderr's first line goes to *why when
 * it fails. */
static cg_err pg_tool(char *const argv[], const char *password, cg_buf *why)
{
	char errpath[] = "/tmp/canhgac-pgtool.XXXXXX";
	int efd = mkstemp(errpath);
	if (efd < 0)
		return refuse(why, CG_EIO, "temporary file: %s", strerror(errno));
	unlink(errpath);
	size_t nenv = 0;
	while (environ[nenv])
		nenv++;
	char **envp = calloc(nenv + 2, sizeof *envp);
	cg_buf pw;
	cg_buf_init(&pw, 4096);
	cg_err err = envp ? CG_OK : CG_ENOMEM;
	if (!err && password && *password)
		err = cg_buf_printf(&pw, "PGPASSWORD=%s", password);
	if (err) {
		free(envp);
		cg_buf_free(&pw);
		close(efd);
		return err;
	}
	size_t k = 0;
	for (size_t i = 0; i < nenv; i++)
		if (strncmp(environ[i], "PGPASSWORD=", 11) != 0)
			envp[k++] = environ[i];
	if (pw.len)
		envp[k++] = (char *)cg_buf_cstr(&pw);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, efd, 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	sodium_memzero(pw.ptr ? pw.ptr : (char *)"", pw.len);
	cg_buf_free(&pw);
	free(envp);
	if (rc != 0) {
		close(efd);
		return refuse(why, CG_EUNSUPPORTED, "%s: %s (install postgresql-client)", argv[0],
		              strerror(rc));
	}
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		char msg[400];
		ssize_t n = pread(efd, msg, sizeof msg - 1, 0);
		msg[n > 0 ? n : 0] = '\0';
		msg[strcspn(msg, "\n")] = '\0';
		err = refuse(why, CG_EDB, "%s failed: %s", argv[0], msg);
	}
	close(efd);
	return err;
}

static cg_err pg_exec(PGconn *c, const char *sql, PGresult **out, cg_buf *why)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		cg_err err = refuse(why, CG_EDB, "PostgreSQL: %s", PQerrorMessage(c));
		PQclear(r);
		return err;
	}
	if (out)
		*out = r;
	else
		PQclear(r);
	return CG_OK;
}

static cg_err pg_connect(const char *url, PGconn **out, cg_buf *why)
{
	PGconn *c = PQconnectdb(url);
	if (PQstatus(c) != CONNECTION_OK) {
		cg_err err =
		    refuse(why, CG_EDB, "PostgreSQL: cannot connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return err;
	}
	*out = c;
	return pg_exec(c, "SET client_min_messages = warning", NULL, why);
}

static const char pg_tables_sql[] =
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = current_schema() AND c.relkind IN ('r','p') ORDER BY 1";

/* Every table of the current schema: rows and the sum of the first 64 bits
 * of each row's md5, as decimal text. */
static cg_err pg_tables(PGconn *c, json_t *out, cg_buf *why)
{
	PGresult *names = NULL;
	cg_err err = pg_exec(c, pg_tables_sql, &names, why);
	for (int i = 0; !err && i < PQntuples(names); i++) {
		const char *name = PQgetvalue(names, i, 0);
		char *id = PQescapeIdentifier(c, name, strlen(name));
		cg_buf sql;
		cg_buf_init(&sql, 4096);
		err = id ? cg_buf_printf(
		               &sql,
		               "SELECT count(*), coalesce(sum(('x' || left(md5(t::text), 16))"
		               "::bit(64)::bigint::numeric), 0)::text FROM %s t",
		               id)
		         : CG_ENOMEM;
		PQfreemem(id);
		PGresult *r = NULL;
		if (!err)
			err = pg_exec(c, cg_buf_cstr(&sql), &r, why);
		cg_buf_free(&sql);
		if (!err) {
			int64_t rows = 0;
			cg_parse_i64(cg_slice_cstr(PQgetvalue(r, 0, 0)), 0, INT64_MAX, &rows);
			if (json_array_append_new(out, table_row(name, rows, PQgetvalue(r, 0, 1))))
				err = CG_ENOMEM;
			PQclear(r);
		}
	}
	PQclear(names);
	return err;
}

static int pg_schema_version(PGconn *c)
{
	PGresult *r = PQexec(c, "SELECT CASE WHEN to_regclass('schema_version') IS NULL THEN 0"
	                        " ELSE (SELECT coalesce(max(version), 0) FROM schema_version) END");
	int64_t v = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		cg_parse_i64(cg_slice_cstr(PQgetvalue(r, 0, 0)), 0, INT32_MAX, &v);
	PQclear(r);
	return (int)v;
}

/* ---- writing ------------------------------------------------------------ */

typedef struct writer {
	struct archive *a;
	json_t *files;
	/* left out of the data directory walk: our own output, the store */
	struct stat out_st, store_st, skip_st;
	bool has_store, has_skip;
	const char *tmp_db; /* scratch path for SQLite snapshots */
} writer;

static cg_err add_bytes(writer *w, const char *name, const void *p, size_t n, cg_buf *why)
{
	struct archive_entry *e = archive_entry_new();
	if (!e)
		return CG_ENOMEM;
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0600);
	archive_entry_set_size(e, (la_int64_t)n);
	archive_entry_set_mtime(e, time(NULL), 0);
	cg_err err = CG_OK;
	if (archive_write_header(w->a, e) != ARCHIVE_OK ||
	    (n && archive_write_data(w->a, p, n) != (la_ssize_t)n))
		err = refuse(why, CG_EIO, "%s: %s", name, archive_error_string(w->a));
	archive_entry_free(e);
	return err;
}

/* Adds the file at path as member name, hashing it; its size is taken when
 * it is opened and exactly that many bytes are copied. */
static cg_err add_file(writer *w, const char *name, const char *path, cg_buf *why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return refuse(why, CG_EIO, "%s: %s", path, strerror(errno));
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return refuse(why, CG_EIO, "%s: not a regular file", path);
	}
	struct archive_entry *e = archive_entry_new();
	unsigned char *buf = malloc(IO_SIZE);
	cg_err err = e && buf ? CG_OK : CG_ENOMEM;
	if (!err) {
		archive_entry_set_pathname(e, name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, st.st_mode & 0750);
		archive_entry_set_size(e, (la_int64_t)st.st_size);
		archive_entry_set_mtime(e, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		if (archive_write_header(w->a, e) != ARCHIVE_OK)
			err = refuse(why, CG_EIO, "%s: %s", name, archive_error_string(w->a));
	}
	crypto_hash_sha256_state h;
	crypto_hash_sha256_init(&h);
	uint64_t left = (uint64_t)st.st_size;
	while (!err && left) {
		size_t want = left < IO_SIZE ? (size_t)left : IO_SIZE;
		ssize_t r = read_full(fd, buf, want);
		if (r != (ssize_t)want) {
			err = refuse(why, CG_EIO, "%s: shrank while being read", path);
			break;
		}
		crypto_hash_sha256_update(&h, buf, want);
		if (archive_write_data(w->a, buf, want) != (la_ssize_t)want)
			err = refuse(why, CG_EIO, "%s: %s", name, archive_error_string(w->a));
		left -= want;
	}
	close(fd);
	free(buf);
	archive_entry_free(e);
	if (err)
		return err;
	unsigned char d[32];
	char hex[65];
	crypto_hash_sha256_final(&h, d);
	cg_hex_encode(d, 32, hex);
	if (json_array_append_new(w->files, json_pack("{s:s, s:I, s:s}", "path", name, "size",
	                                              (json_int_t)st.st_size, "sha256", hex)))
		return CG_ENOMEM;
	return CG_OK;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

static bool is_sqlite_file(const char *path)
{
	char head[16];
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	ssize_t r = read_full(fd, head, sizeof head);
	close(fd);
	return r == (ssize_t)sizeof head && memcmp(head, "SQLite format 3", 16) == 0;
}

static cg_err walk(writer *w, const char *dir, const char *rel, int depth, cg_buf *why)
{
	if (depth > 32)
		return refuse(why, CG_ELIMIT, "%s: directories nested too deep", dir);
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return refuse(why, CG_EIO, "%s: %s", dir, strerror(errno));
	cg_err err = CG_OK;
	for (int i = 0; i < n; i++) {
		const char *nm = names[i]->d_name;
		if (err || strcmp(nm, ".") == 0 || strcmp(nm, "..") == 0)
			continue;
		char path[PATH_MAX], r[PATH_MAX], member[PATH_MAX + 8];
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, nm) >= sizeof path ||
		    (size_t)snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", nm) >= sizeof r) {
			err = refuse(why, CG_ETOOBIG, "%s/%s: path too long", dir, nm);
			continue;
		}
		snprintf(member, sizeof member, "data/%s", r);
		struct stat st;
		if (lstat(path, &st) != 0)
			continue; /* gone since the listing (a temporary file) */
		if (S_ISDIR(st.st_mode)) {
			if ((w->has_skip && same_file(&st, &w->skip_st)) ||
			    strcmp(r, "blobs/tmp") == 0)
				continue;
			err = walk(w, path, r, depth + 1, why);
		} else if (S_ISREG(st.st_mode)) {
			if (same_file(&st, &w->out_st) ||
			    (w->has_store && same_file(&st, &w->store_st)) ||
			    ends_with(nm, "-wal") || ends_with(nm, "-shm") ||
			    ends_with(nm, "-journal") || !cg_rel_path_safe(cg_slice_cstr(r)))
				continue;
			if (is_sqlite_file(path)) {
				unlink_db(w->tmp_db);
				err = sqlite_snapshot(path, w->tmp_db, why);
				if (!err)
					err = add_file(w, member, w->tmp_db, why);
				unlink_db(w->tmp_db);
			} else {
				err = add_file(w, member, path, why);
			}
		}
		/* symlinks, sockets, fifos: not data */
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return err;
}

/* The store's member and its manifest part, in one snapshot. */
static cg_err backup_store(writer *w, const char *url, const char *tmp, json_t *store, cg_buf *why)
{
	json_t *tables = json_array();
	if (!tables)
		return CG_ENOMEM;
	json_object_set_new(store, "tables", tables);
	if (!is_pg_url(url)) {
		const char *path = sqlite_path(url);
		if (stat(path, &w->store_st) != 0)
			return refuse(why, CG_ENOTFOUND, "%s: %s", path, strerror(errno));
		w->has_store = true;
		cg_err err = sqlite_snapshot(path, tmp, why);
		sqlite3 *db = NULL;
		if (!err)
			err = sqlite_open(tmp, SQLITE_OPEN_READONLY, &db, why);
		if (!err) {
			json_object_set_new(store, "schema_version",
			                    json_integer(sqlite_schema_version(db)));
			err = sqlite_tables(db, tables, why);
			sqlite3_close(db);
		}
		json_object_set_new(store, "backend", json_string("sqlite"));
		json_object_set_new(store, "member", json_string("store.sqlite"));
		if (!err)
			err = add_file(w, "store.sqlite", tmp, why);
		unlink_db(tmp);
		return err;
	}
	PGconn *c = NULL;
	cg_err err = pg_connect(url, &c, why);
	PGresult *snap = NULL;
	if (!err)
		err = pg_exec(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", NULL, why);
	if (!err)
		err = pg_exec(c, "SELECT pg_export_snapshot()", &snap, why);
	cg_buf conninfo, pw;
	cg_buf_init(&conninfo, 8192);
	cg_buf_init(&pw, 4096);
	if (!err)
		err = pg_conninfo(url, &conninfo, &pw, why);
	if (!err) {
		char snapopt[128], fileopt[PATH_MAX + 8];
		snprintf(snapopt, sizeof snapopt, "--snapshot=%s", PQgetvalue(snap, 0, 0));
		snprintf(fileopt, sizeof fileopt, "--file=%s", tmp);
		char *argv[] = {"pg_dump",
		                "--format=custom",
		                "--no-sync",
		                snapopt,
		                fileopt,
		                "--dbname",
		                (char *)cg_buf_cstr(&conninfo),
		                NULL};
		err = pg_tool(argv, cg_buf_cstr(&pw), why);
	}
	sodium_memzero(pw.ptr ? pw.ptr : (char *)"", pw.len);
	cg_buf_free(&pw);
	cg_buf_free(&conninfo);
	PQclear(snap);
	if (!err) {
		json_object_set_new(store, "schema_version", json_integer(pg_schema_version(c)));
		err = pg_tables(c, tables, why);
	}
	if (c) {
		PQclear(PQexec(c, "COMMIT"));
		PQfinish(c);
	}
	json_object_set_new(store, "backend", json_string("postgresql"));
	json_object_set_new(store, "member", json_string("store.pgdump"));
	if (!err)
		err = add_file(w, "store.pgdump", tmp, why);
	unlink(tmp);
	return err;
}

static cg_err sign_manifest(const char *key_file, const char *m, size_t n, char *line, cg_buf *why)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
	cg_err err = cg_keyfile_read(key_file, CG_ED25519_SECRET_TAG, sk, sizeof sk, why);
	if (err)
		return err;
	crypto_sign_detached(sig, NULL, (const unsigned char *)m, n, sk);
	char id[17], hex[2 * crypto_sign_BYTES + 1];
	key_id(sk + 32, id); /* libsodium's secret key ends with the public key */
	sodium_memzero(sk, sizeof sk);
	cg_hex_encode(sig, sizeof sig, hex);
	snprintf(line, SIG_LINE_LEN + 1, "ed25519 %s %s\n", id, hex);
	return CG_OK;
}

static cg_err part_path(const char *out, const char *suffix, char *buf, size_t n, cg_buf *why)
{
	if ((size_t)snprintf(buf, n, "%s%s", out, suffix) >= n)
		return refuse(why, CG_ETOOBIG, "%s: path too long", out);
	return CG_OK;
}

cg_err cg_backup_create(const cg_backup_opts *o, const char *out_path, cg_backup_info *info,
                        cg_buf *why)
{
	cg_backup_info dummy;
	if (!info)
		info = &dummy;
	memset(info, 0, sizeof *info);
	if (sodium_init() < 0)
		return refuse(why, CG_ECRYPTO, "libsodium failed to initialise");
	char part[PATH_MAX], tmpstore[PATH_MAX], tmpdb[PATH_MAX];
	cg_err err = part_path(out_path, ".part", part, sizeof part, why);
	if (!err)
		err = part_path(out_path, ".part-store", tmpstore, sizeof tmpstore, why);
	if (!err)
		err = part_path(out_path, ".part-db", tmpdb, sizeof tmpdb, why);
	if (err)
		return err;
	struct stat st;
	if (lstat(out_path, &st) == 0)
		return refuse(why, CG_ECONFLICT, "%s: already exists", out_path);
	unlink_db(tmpstore);
	unlink_db(tmpdb);
	int fd = open(part, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return refuse(why, CG_EIO, "%s: %s", part, strerror(errno));
	writer w;
	memset(&w, 0, sizeof w);
	w.tmp_db = tmpdb;
	fstat(fd, &w.out_st);
	if (o->skip_dir && stat(o->skip_dir, &w.skip_st) == 0)
		w.has_skip = true;
	sink s;
	json_t *m =
	    json_pack("{s:s, s:i, s:I, s:{}, s:[]}", "format", FORMAT_NAME, "version", FORMAT_VER,
	              "created_ms", (json_int_t)time(NULL) * 1000, "store", "files");
	w.files = m ? json_object_get(m, "files") : NULL;
	err = m ? sink_open(&s, fd, o->encrypt_to, why) : CG_ENOMEM;
	w.a = archive_write_new();
	if (!err && (!w.a || archive_write_add_filter_zstd(w.a) != ARCHIVE_OK ||
	             archive_write_set_format_pax_restricted(w.a) != ARCHIVE_OK ||
	             /* no zero padding after the compressed stream */
	             archive_write_set_bytes_in_last_block(w.a, 1) != ARCHIVE_OK ||
	             archive_write_open(w.a, &s, NULL, sink_write, NULL) != ARCHIVE_OK))
		err = refuse(why, CG_EIO, "archive: %s",
		             w.a ? archive_error_string(w.a) : "no memory");
	if (!err)
		err = backup_store(&w, o->store_url, tmpstore, json_object_get(m, "store"), why);
	struct stat dst;
	if (!err && o->data_dir && stat(o->data_dir, &dst) == 0 && S_ISDIR(dst.st_mode))
		err = walk(&w, o->data_dir, "", 0, why);
	char *text = NULL;
	if (!err) {
		text = json_dumps(m, JSON_COMPACT | JSON_SORT_KEYS);
		err = text ? add_bytes(&w, MANIFEST_NAME, text, strlen(text), why) : CG_ENOMEM;
	}
	if (!err && o->sign_key) {
		char line[SIG_LINE_LEN + 1];
		err = sign_manifest(o->sign_key, text, strlen(text), line, why);
		if (!err)
			err = add_bytes(&w, SIG_NAME, line, strlen(line), why);
		info->signature = true;
	}
	free(text);
	if (!err && archive_write_close(w.a) != ARCHIVE_OK)
		err = refuse(why, CG_EIO, "archive: %s", archive_error_string(w.a));
	if (w.a)
		archive_write_free(w.a);
	if (!err)
		err = sink_finish(&s);
	if (!err && fsync(fd) != 0)
		err = refuse(why, CG_EIO, "%s: %s", part, strerror(errno));
	if (close(fd) != 0 && !err)
		err = refuse(why, CG_EIO, "%s: %s", part, strerror(errno));
	info->encrypted = s.enc;
	sink_free(&s);
	if (!err && link(part, out_path) != 0)
		err = refuse(why, errno == EEXIST ? CG_ECONFLICT : CG_EIO, "%s: %s", out_path,
		             strerror(errno));
	unlink(part);
	unlink_db(tmpstore);
	unlink_db(tmpdb);
	if (err)
		json_decref(m);
	else
		info->manifest = m;
	return err;
}

/* ---- reading ------------------------------------------------------------ */

/* Where restore puts each member; NULL members: verify only. */
typedef struct target {
	const char *store_path; /* SQLite: the store file */
	const char *dump_path;  /* PostgreSQL: where the dump goes for pg_restore */
	const char *data_dir;
} target;

static bool member_name_ok(const char *name)
{
	if (strcmp(name, "store.sqlite") == 0 || strcmp(name, "store.pgdump") == 0)
		return true;
	return strncmp(name, "data/", 5) == 0 && cg_rel_path_safe(cg_slice_cstr(name + 5));
}

static cg_err open_out(const target *t, const char *name, mode_t perm, int *fd, cg_buf *why)
{
	char path[PATH_MAX];
	const char *p = path;
	if (strcmp(name, "store.sqlite") == 0)
		p = t->store_path;
	else if (strcmp(name, "store.pgdump") == 0)
		p = t->dump_path;
	else {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", t->data_dir, name + 5) >=
		    sizeof path)
			return refuse(why, CG_ETOOBIG, "%s: path too long", name);
		char parent[PATH_MAX];
		snprintf(parent, sizeof parent, "%s", path);
		*strrchr(parent, '/') = '\0';
		cg_err err = cg_mkdir_p(parent, 0700, why);
		if (err)
			return err;
	}
	if (!p)
		return refuse(why, CG_EINVAL, "%s: no place to restore it", name);
	*fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, perm);
	if (*fd < 0)
		return refuse(why, errno == EEXIST ? CG_ECONFLICT : CG_EIO, "%s: %s", p,
		              strerror(errno));
	return CG_OK;
}

static cg_err check_signature(cg_slice manifest, cg_slice sig, const cg_backup_check *c,
                              cg_backup_info *info, cg_buf *why)
{
	if (!sig.ptr) {
		if (c->signer)
			return refuse(why, CG_ECRYPTO, "not signed");
		return CG_OK;
	}
	info->signature = true;
	unsigned char s[crypto_sign_BYTES];
	if (sig.len != SIG_LINE_LEN || memcmp(sig.ptr, "ed25519 ", 8) != 0 || sig.ptr[24] != ' ' ||
	    sig.ptr[sig.len - 1] != '\n' ||
	    !cg_hex_decode(cg_slice_from(sig.ptr + 25, 2 * crypto_sign_BYTES), s, sizeof s))
		return refuse(why, CG_ECRYPTO, SIG_NAME ": malformed");
	if (!c->signer)
		return CG_OK;
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	cg_err err = cg_keyfile_read(c->signer, CG_ED25519_PUBLIC_TAG, pk, sizeof pk, why);
	if (err)
		return err;
	char id[17];
	key_id(pk, id);
	if (memcmp(sig.ptr + 8, id, 16) != 0)
		return refuse(why, CG_ECRYPTO, "signed by another key (%.16s, not %s)", sig.ptr + 8,
		              id);
	if (crypto_sign_verify_detached(s, (const unsigned char *)manifest.ptr, manifest.len, pk))
		return refuse(why, CG_ECRYPTO, "the signature does not match the manifest");
	memcpy(info->signer, id, 17);
	return CG_OK;
}

static cg_err check_manifest(json_t *m, json_t *seen, cg_buf *why)
{
	const char *fmt = cg_json_get_str(m, "format");
	json_t *files = json_object_get(m, "files"), *store = json_object_get(m, "store");
	if (!fmt || strcmp(fmt, FORMAT_NAME) != 0 || !json_is_array(files) ||
	    !json_is_object(store))
		return refuse(why, CG_ECRYPTO, "not a canhgac backup manifest");
	if (json_integer_value(json_object_get(m, "version")) != FORMAT_VER)
		return refuse(
		    why, CG_EUNSUPPORTED, "backup format version %lld (this canhgac reads %d)",
		    (long long)json_integer_value(json_object_get(m, "version")), FORMAT_VER);
	const char *be = cg_json_get_str(store, "backend"), *mem = cg_json_get_str(store, "member");
	if (!be || !mem || !json_is_array(json_object_get(store, "tables")) ||
	    strcmp(mem, strcmp(be, "sqlite") == 0 ? "store.sqlite" : "store.pgdump") != 0 ||
	    (strcmp(be, "sqlite") != 0 && strcmp(be, "postgresql") != 0))
		return refuse(why, CG_ECRYPTO, "manifest: bad store description");
	size_t n = json_array_size(seen);
	if (json_array_size(files) != n)
		return refuse(why, CG_ECRYPTO, "manifest lists %zu members, the backup has %zu",
		              json_array_size(files), n);
	bool has_store = false;
	for (size_t i = 0; i < n; i++) {
		json_t *a = json_array_get(files, i), *b = json_array_get(seen, i);
		const char *pa = cg_json_get_str(a, "path"), *pb = cg_json_get_str(b, "path");
		const char *ha = cg_json_get_str(a, "sha256"), *hb = cg_json_get_str(b, "sha256");
		if (!pa || !ha || strcmp(pa, pb) != 0)
			return refuse(why, CG_ECRYPTO, "member %zu is %s, the manifest says %s",
			              i + 1, pb, pa ? pa : "nothing");
		if (strcmp(ha, hb) != 0 || json_integer_value(json_object_get(a, "size")) !=
		                               json_integer_value(json_object_get(b, "size")))
			return refuse(why, CG_ECRYPTO, "%s: content differs from the manifest", pb);
		if (strcmp(pa, mem) == 0)
			has_store = true;
	}
	if (!has_store)
		return refuse(why, CG_ECRYPTO, "the store (%s) is missing", mem);
	return CG_OK;
}

/* One pass over the backup: every member hashed (and written under t
 * when restoring), then the manifest and signature checked. */
static cg_err read_backup(const char *path, const cg_backup_check *c, const target *t,
                          cg_backup_info *info, cg_buf *why)
{
	memset(info, 0, sizeof *info);
	if (sodium_init() < 0)
		return refuse(why, CG_ECRYPTO, "libsodium failed to initialise");
	source src;
	cg_err err = source_open(&src, path, c->key_file, why);
	info->encrypted = src.enc;
	struct archive *a = err ? NULL : archive_read_new();
	if (!err && (!a || archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
	             archive_read_support_format_tar(a) != ARCHIVE_OK ||
	             archive_read_open(a, &src, NULL, source_read, NULL) != ARCHIVE_OK))
		err = refuse(why, CG_ECRYPTO, "%s: not a backup (%s%s)", path,
		             src.err[0] ? src.err : "", a ? archive_error_string(a) : "");
	json_t *seen = json_array();
	cg_buf man, sig;
	cg_buf_init(&man, CG_BACKUP_MAX_MANIFEST);
	cg_buf_init(&sig, SIG_LINE_LEN);
	bool have_man = false, have_sig = false;
	unsigned char *buf = malloc(IO_SIZE);
	if (!err && (!seen || !buf))
		err = CG_ENOMEM;
	struct archive_entry *e;
	int rc;
	while (!err && (rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(e);
		if (!name || archive_entry_filetype(e) != AE_IFREG) {
			err =
			    refuse(why, CG_ECRYPTO, "%s: a member that is not a plain file", path);
			break;
		}
		if (have_sig || (have_man && strcmp(name, SIG_NAME) != 0)) {
			err = refuse(why, CG_ECRYPTO, "%s: %s after the manifest", path, name);
			break;
		}
		cg_buf *keep = NULL;
		int fd = -1;
		if (strcmp(name, MANIFEST_NAME) == 0) {
			keep = &man;
			have_man = true;
		} else if (strcmp(name, SIG_NAME) == 0) {
			if (!have_man) {
				err = refuse(why, CG_ECRYPTO, "%s: signature before the manifest",
				             path);
				break;
			}
			keep = &sig;
			have_sig = true;
		} else if (!member_name_ok(name)) {
			err = refuse(why, CG_ECRYPTO, "%s: unexpected member name", path);
			break;
		} else if (t) {
			err = open_out(t, name, (archive_entry_perm(e) & 0750) | 0600, &fd, why);
			if (err)
				break;
		}
		crypto_hash_sha256_state h;
		crypto_hash_sha256_init(&h);
		uint64_t size = 0;
		for (;;) {
			la_ssize_t r = archive_read_data(a, buf, IO_SIZE);
			if (r == 0)
				break;
			if (r < 0) {
				err = refuse(why, CG_ECRYPTO, "%s: %s: damaged (%s%s)", path, name,
				             src.err, archive_error_string(a));
				break;
			}
			size += (uint64_t)r;
			crypto_hash_sha256_update(&h, buf, (size_t)r);
			if (keep && cg_buf_append(keep, buf, (size_t)r)) {
				err = refuse(why, CG_ETOOBIG, "%s: %s too big", path, name);
				break;
			}
			if (fd >= 0 && write_all(fd, buf, (size_t)r)) {
				err =
				    refuse(why, CG_EIO, "restoring %s: %s", name, strerror(errno));
				break;
			}
		}
		if (fd >= 0) {
			if (!err && fsync(fd) != 0)
				err =
				    refuse(why, CG_EIO, "restoring %s: %s", name, strerror(errno));
			close(fd);
		}
		if (err || keep)
			continue;
		unsigned char d[32];
		char hex[65];
		crypto_hash_sha256_final(&h, d);
		cg_hex_encode(d, 32, hex);
		if (json_array_append_new(seen, json_pack("{s:s, s:I, s:s}", "path", name, "size",
		                                          (json_int_t)size, "sha256", hex)))
			err = CG_ENOMEM;
	}
	if (!err && rc != ARCHIVE_EOF)
		err = refuse(why, CG_ECRYPTO, "%s: damaged (%s%s)", path, src.err,
		             archive_error_string(a));
	if (!err && !have_man)
		err = refuse(why, CG_ECRYPTO, "%s: no manifest (cut short?)", path);
	json_t *m = NULL;
	if (!err) {
		cg_buf perr;
		cg_buf_init(&perr, 512);
		if (cg_json_parse(cg_buf_slice(&man), &m, &perr))
			err = refuse(why, CG_ECRYPTO, "%s: manifest: %s", path, cg_buf_cstr(&perr));
		cg_buf_free(&perr);
	}
	if (!err) {
		cg_slice sg = have_sig ? cg_buf_slice(&sig) : cg_slice_from(NULL, 0);
		err = check_signature(cg_buf_slice(&man), sg, c, info, why);
		if (err && why)
			cg_buf_printf(why, " (%s)", path);
	}
	if (!err) {
		err = check_manifest(m, seen, why);
		if (err && why)
			cg_buf_printf(why, " (%s)", path);
	}
	if (a)
		archive_read_free(a);
	source_close(&src);
	free(buf);
	json_decref(seen);
	cg_buf_free(&man);
	cg_buf_free(&sig);
	if (err)
		json_decref(m);
	else
		info->manifest = m;
	return err;
}

cg_err cg_backup_verify(const char *path, const cg_backup_check *c, cg_backup_info *info,
                        cg_buf *why)
{
	cg_backup_info dummy;
	cg_err err = read_backup(path, c, NULL, info ? info : &dummy, why);
	if (!info && !err)
		json_decref(dummy.manifest);
	return err;
}

/* ---- restore ------------------------------------------------------------ */

static cg_err dir_empty(const char *dir, cg_buf *why)
{
	DIR *d = opendir(dir);
	if (!d)
		return errno == ENOENT ? CG_OK
		                       : refuse(why, CG_EIO, "%s: %s", dir, strerror(errno));
	struct dirent *e;
	cg_err err = CG_OK;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
			err = refuse(why, CG_ECONFLICT,
			             "%s is not empty: restore only into an empty place", dir);
			break;
		}
	closedir(d);
	return err;
}

static cg_err compare_tables(json_t *want, json_t *got, cg_buf *why)
{
	cg_err err = CG_OK;
	if (json_array_size(want) != json_array_size(got))
		err = refuse(why, CG_ECONFLICT, "the restored store has %zu tables, the backup %zu",
		             json_array_size(got), json_array_size(want));
	for (size_t i = 0; !err && i < json_array_size(want); i++) {
		json_t *w = json_array_get(want, i), *g = NULL;
		const char *name = cg_json_get_str(w, "name");
		for (size_t j = 0; name && j < json_array_size(got); j++)
			if (strcmp(cg_json_get_str(json_array_get(got, j), "name"), name) == 0)
				g = json_array_get(got, j);
		if (!g)
			err = refuse(why, CG_ECONFLICT, "table %s is missing after the restore",
			             name ? name : "?");
		else if (!json_equal(w, g))
			err = refuse(
			    why, CG_ECONFLICT,
			    "table %s: %lld rows (checksum %s) restored, %lld (%s) backed up", name,
			    (long long)json_integer_value(json_object_get(g, "rows")),
			    cg_json_get_str(g, "checksum"),
			    (long long)json_integer_value(json_object_get(w, "rows")),
			    cg_json_get_str(w, "checksum"));
	}
	return err;
}

cg_err cg_backup_restore(const char *path, const cg_backup_check *c, const char *store_url,
                         const char *data_dir, cg_backup_info *info, cg_buf *why)
{
	cg_backup_info dummy;
	if (!info)
		info = &dummy;
	/* First the whole backup is checked; nothing is written before. */
	cg_err err = read_backup(path, c, NULL, info, why);
	if (err)
		return err;
	json_t *store = json_object_get(info->manifest, "store");
	bool pg = strcmp(cg_json_get_str(store, "backend"), "postgresql") == 0;
	if (pg != is_pg_url(store_url))
		err = refuse(
		    why, CG_EUNSUPPORTED,
		    "a %s backup restores into a %s store (then `canhgac store copy` moves it)",
		    pg ? "PostgreSQL" : "SQLite", pg ? "PostgreSQL" : "SQLite");
	if (!err)
		err = dir_empty(data_dir, why);
	struct stat st;
	if (!err && !pg && lstat(sqlite_path(store_url), &st) == 0)
		err =
		    refuse(why, CG_ECONFLICT, "%s already exists: restore only into an empty place",
		           sqlite_path(store_url));
	PGconn *conn = NULL;
	if (!err && pg) {
		err = pg_connect(store_url, &conn, why);
		PGresult *r = NULL;
		if (!err)
			err = pg_exec(conn, pg_tables_sql, &r, why);
		if (!err && PQntuples(r) > 0)
			err = refuse(
			    why, CG_ECONFLICT,
			    "the database already has tables (%s...): restore only into an empty "
			    "database",
			    PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	char dump[] = "/tmp/canhgac-restore.XXXXXX";
	bool have_dump = false;
	if (!err && pg) {
		int fd = mkstemp(dump);
		if (fd < 0)
			err = refuse(why, CG_EIO, "temporary file: %s", strerror(errno));
		else {
			close(fd);
			unlink(dump); /* open_out creates it exclusively */
			have_dump = true;
		}
	}
	if (!err) {
		err = cg_mkdir_p(data_dir, 0700, why);
	}
	cg_backup_info second;
	if (!err) {
		target t = {pg ? NULL : sqlite_path(store_url), pg ? dump : NULL, data_dir};
		/* The file may have changed since the first pass: this pass is
		 * checked again, member by member, against its own manifest, and
		 * that manifest must be the one checked first. */
		err = read_backup(path, c, &t, &second, why);
		if (!err && !json_equal(second.manifest, info->manifest))
			err = refuse(why, CG_ECRYPTO, "%s changed during the restore", path);
		json_decref(second.manifest);
	}
	json_t *got = json_array();
	if (!err && !got)
		err = CG_ENOMEM;
	if (!err && pg) {
		cg_buf conninfo, pw;
		cg_buf_init(&conninfo, 8192);
		cg_buf_init(&pw, 4096);
		err = pg_conninfo(store_url, &conninfo, &pw, why);
		if (!err) {
			char *argv[] = {"pg_restore",
			                "--no-owner",
			                "--no-privileges",
			                "--exit-on-error",
			                "--single-transaction",
			                "--dbname",
			                (char *)cg_buf_cstr(&conninfo),
			                dump,
			                NULL};
			err = pg_tool(argv, cg_buf_cstr(&pw), why);
		}
		sodium_memzero(pw.ptr ? pw.ptr : (char *)"", pw.len);
		cg_buf_free(&pw);
		cg_buf_free(&conninfo);
		if (!err)
			err = pg_tables(conn, got, why);
	} else if (!err) {
		sqlite3 *db = NULL;
		err = sqlite_open(sqlite_path(store_url), SQLITE_OPEN_READONLY, &db, why);
		if (!err)
			err = sqlite_tables(db, got, why);
		sqlite3_close(db);
	}
	if (!err)
		err = compare_tables(json_object_get(store, "tables"), got, why);
	json_decref(got);
	if (have_dump)
		unlink(dump);
	PQfinish(conn);
	if (info == &dummy)
		json_decref(info->manifest);
	return err;
}

/* ---- upgrades --------------------------------------------------------- */

cg_err cg_backup_schema_version(const char *url, int *version, cg_buf *why)
{
	*version = 0;
	if (is_pg_url(url)) {
		PGconn *c = NULL;
		cg_err err = pg_connect(url, &c, why);
		if (!err)
			*version = pg_schema_version(c);
		PQfinish(c);
		return err;
	}
	struct stat st;
	if (stat(sqlite_path(url), &st) != 0)
		return CG_OK; /* a store not made yet */
	sqlite3 *db = NULL;
	cg_err err = sqlite_open(sqlite_path(url), SQLITE_OPEN_READONLY, &db, why);
	if (!err)
		*version = sqlite_schema_version(db);
	sqlite3_close(db);
	return err;
}

cg_err cg_backup_before_upgrade(const cg_backup_opts *o, const char *dir, int latest, char *path,
                                size_t n, cg_buf *why)
{
	path[0] = '\0';
	int v = 0;
	cg_err err = cg_backup_schema_version(o->store_url, &v, why);
	if (err)
		return err;
	if (v > latest)
		return refuse(
		    why, CG_EUNSUPPORTED,
		    "the store's schema version %d is newer than this canhgac's (%d): it was "
		    "upgraded by a newer canhgac; install that one again, or restore the "
		    "backup taken before the upgrade (docs/packaging.md, \"Upgrades\")",
		    v, latest);
	if (v == 0 || v == latest)
		return CG_OK;
	char stamp[64];
	if ((err = cg_backup_name(cg_time_now_ms(), stamp, sizeof stamp)))
		return err;
	/* canhgac-YYYY...Z.cgbk -> canhgac-pre-upgrade-vA-vB-YYYY...Z.cgbk */
	if ((size_t)snprintf(path, n, "%s/canhgac-pre-upgrade-v%d-v%d-%s", dir, v, latest,
	                     stamp + 8) >= n)
		return refuse(why, CG_ETOOBIG, "%s: path too long", dir);
	if ((err = cg_mkdir_p(dir, 0700, why)))
		return err;
	cg_backup_opts bo = *o;
	bo.skip_dir = dir;
	cg_backup_info info;
	err = cg_backup_create(&bo, path, &info, why);
	json_decref(info.manifest);
	if (err)
		path[0] = '\0';
	return err;
}

/* ---- keys and the nightly job's files ------------------------------------ */

cg_err cg_backup_keygen(const char *pub_path, const char *sec_path, cg_buf *why)
{
	if (sodium_init() < 0)
		return refuse(why, CG_ECRYPTO, "libsodium failed to initialise");
	unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
	crypto_box_keypair(pk, sk);
	cg_err err = cg_keyfile_write(sec_path, X_SEC_TAG, sk, sizeof sk, 0600, why);
	sodium_memzero(sk, sizeof sk);
	if (err)
		return err;
	return cg_keyfile_write(pub_path, X_PUB_TAG, pk, sizeof pk, 0644, why);
}

cg_err cg_backup_name(int64_t now_ms, char *out, size_t n)
{
	time_t t = (time_t)(now_ms / 1000);
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return CG_EINVAL;
	if (strftime(out, n, "canhgac-%Y%m%dT%H%M%SZ.cgbk", &tm) == 0)
		return CG_ETOOBIG;
	return CG_OK;
}

static bool backup_named(const char *s)
{
	/* canhgac-YYYYMMDDTHHMMSSZ.cgbk */
	if (strlen(s) != 29 || strncmp(s, "canhgac-", 8) != 0 || s[16] != 'T' ||
	    strcmp(s + 23, "Z.cgbk") != 0)
		return false;
	for (int i = 8; i < 23; i++)
		if (i != 16 && (s[i] < '0' || s[i] > '9'))
			return false;
	return true;
}

static int only_backups(const struct dirent *e)
{
	return backup_named(e->d_name);
}

cg_err cg_backup_prune(const char *dir, int keep, int *removed, cg_buf *why)
{
	*removed = 0;
	if (keep < 1)
		return refuse(why, CG_EINVAL, "keep at least one backup");
	struct dirent **names = NULL;
	int n = scandir(dir, &names, only_backups, alphasort);
	if (n < 0)
		return refuse(why, CG_EIO, "%s: %s", dir, strerror(errno));
	cg_err err = CG_OK;
	/* the names sort by time: the first n - keep are the oldest */
	for (int i = 0; i < n; i++) {
		if (i < n - keep && !err) {
			char path[PATH_MAX];
			if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name) >=
			        sizeof path ||
			    unlink(path) != 0)
				err = refuse(why, CG_EIO, "%s/%s: %s", dir, names[i]->d_name,
				             strerror(errno));
			else
				(*removed)++;
		}
		free(names[i]);
	}
	free(names);
	return err;
}

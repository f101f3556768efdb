/*
 * error.h - the one error enum of canhgac.
 *
 * Every library function that can fail returns a cg_err; CG_OK is zero so
 * callers write `if (err) return err;`. Values are never renumbered (they
 * reach logs and the API): new ones go at the end, before CG_ERR_COUNT.
 * Details (which file, which line) travel in the caller's message, not in
 * the code.
 */
#ifndef CG_ERROR_H
#define CG_ERROR_H

typedef enum cg_err {
	CG_OK = 0,
	CG_ENOMEM = 1,        /* allocation failed */
	CG_ETOOBIG = 2,       /* input over a named limit */
	CG_EINVAL = 3,        /* invalid argument or value */
	CG_EPARSE = 4,        /* malformed input */
	CG_EIO = 5,           /* read/write/open failed (see errno) */
	CG_ENOTFOUND = 6,     /* no such file, record or key */
	CG_EUSAGE = 7,        /* bad command line */
	CG_EDB = 8,           /* storage backend error */
	CG_ENET = 9,          /* network error */
	CG_ETLS = 10,         /* TLS or certificate error */
	CG_EAUTH = 11,        /* authentication failed */
	CG_EPERM = 12,        /* authenticated but not allowed */
	CG_ECONFLICT = 13,    /* already exists / duplicate */
	CG_ETIMEOUT = 14,     /* operation timed out */
	CG_EUNSUPPORTED = 15, /* format or feature not supported */
	CG_ECRYPTO = 16,      /* signature or crypto failure */
	CG_EINTERNAL = 17,    /* a bug: invariant broken */
	CG_EENCRYPTED = 18,   /* content is encrypted, cannot inspect */
	CG_ELIMIT = 19,       /* a safety limit stopped the work (bomb, depth) */
	CG_ERR_COUNT
} cg_err;

/* A short English description; never NULL. */
const char *cg_strerror(cg_err err);

#endif

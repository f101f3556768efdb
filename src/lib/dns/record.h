/*
 * record.h - one DNS query as the readers see it, the log formats, and the
 * per-line parsers.
 *
 * Every reader turns one line ({ptr,len}, no NUL needed) into a cg_dns_rec:
 * time, client address, query name (lower-cased, no trailing dot) and
 * query type. The parsers never allocate: the normalised name and client
 * are written into fixed arrays inside the cg_dns_parser, and the record's
 * slices point there, so a record is valid until the next call with the
 * same parser. (The JSON formats use jansson to decode the line; they are
 * not the bulk formats of a resolver farm.)
 *
 * A line is one of three things:
 *   CG_DNS_LINE_QUERY  a client's query: *rec is filled;
 *   CG_DNS_LINE_OTHER  a well-formed line of the format that carries no
 *                      client query (a reply, a "forwarded" line, a Zeek
 *                      header, a non-DNS eve.json event);
 *   CG_DNS_LINE_BAD    not this format, or damaged: *why says which
 *                      cg_dns_skip reason, for the "N lines skipped" report.
 *
 * Format detection tries every text parser on the first lines of a file and
 * keeps the one that recognises the most queries (see cg_dns_detect).
 */
#ifndef CG_DNS_RECORD_H
#define CG_DNS_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/limits.h"

typedef enum cg_dns_fmt {
	CG_DNS_FMT_AUTO = 0,
	CG_DNS_FMT_BIND,
	CG_DNS_FMT_UNBOUND,
	CG_DNS_FMT_DNSMASQ,
	CG_DNS_FMT_WINDOWS,
	CG_DNS_FMT_ZEEK,      /* dns.log, TSV with #fields */
	CG_DNS_FMT_ZEEK_JSON, /* dns.log written by LogAscii::use_json */
	CG_DNS_FMT_SURICATA,  /* eve.json */
	CG_DNS_FMT_COREDNS,
	CG_DNS_FMT_PCAP,      /* binary: see pcap.h */
	CG_DNS_FMT_COUNT
} cg_dns_fmt;

/* "bind", "unbound", ...; "auto" for CG_DNS_FMT_AUTO. */
const char *cg_dns_fmt_name(cg_dns_fmt f);
/* CG_EINVAL for an unknown name. */
cg_err cg_dns_fmt_parse(const char *name, cg_dns_fmt *out);

typedef enum cg_dns_line {
	CG_DNS_LINE_QUERY = 0,
	CG_DNS_LINE_OTHER = 1,
	CG_DNS_LINE_BAD = 2,
} cg_dns_line;

/* Why a line was skipped. Order is the order of the report. */
typedef enum cg_dns_skip {
	CG_DNS_SKIP_TOO_LONG = 0, /* longer than CG_DNS_MAX_LINE */
	CG_DNS_SKIP_BINARY,       /* NUL bytes: not text */
	CG_DNS_SKIP_FORMAT,       /* not a line of the file's format */
	CG_DNS_SKIP_NAME,         /* query name empty, too long or bad bytes */
	CG_DNS_SKIP_CLIENT,       /* client address not an IP address */
	CG_DNS_SKIP_TIME,         /* timestamp unreadable */
	CG_DNS_SKIP_JSON,         /* JSON line that does not parse */
	CG_DNS_SKIP_PACKET,       /* captured packet too short or malformed */
	CG_DNS_SKIP_COUNT
} cg_dns_skip;

const char *cg_dns_skip_name(cg_dns_skip s);

/* The response code, for the formats whose query line also carries it
 * (Zeek dns.log, CoreDNS); UNKNOWN (0) for the others. */
enum {
	CG_DNS_ANS_UNKNOWN = 0,
	CG_DNS_ANS_NOERROR = 1,
	CG_DNS_ANS_NXDOMAIN = 2,
	CG_DNS_ANS_OTHER = 3, /* SERVFAIL, REFUSED, ... */
};

typedef struct cg_dns_rec {
	int64_t time_ms; /* -1 when the format has no time on the line */
	cg_slice client; /* IP address text */
	cg_slice qname;  /* lower case, no trailing dot, never empty */
	uint16_t qtype;  /* 1 A, 16 TXT, ...; 0 when unknown */
	uint8_t answer;  /* CG_DNS_ANS_* */
} cg_dns_rec;

typedef struct cg_dns_parser {
	cg_dns_fmt fmt;
	int year;           /* for syslog stamps that carry no year */
	/* Zeek TSV: column of each field (from #fields, or Zeek's default) */
	int z_ts, z_client, z_query, z_qtype, z_rcode;
	bool unbound_queries; /* saw log-queries lines: ignore log-replies */
	char name[CG_DNS_MAX_NAME + 1];
	char client[CG_DNS_MAX_CLIENT + 1];
} cg_dns_parser;

/* Ready to parse fmt (not AUTO, not PCAP). */
void cg_dns_parser_init(cg_dns_parser *p, cg_dns_fmt fmt);
cg_dns_line cg_dns_parse_line(cg_dns_parser *p, cg_slice line,
			      cg_dns_rec *rec, cg_dns_skip *why);

/* Picks the format of a file from its first bytes (several lines). Returns
 * CG_DNS_FMT_PCAP for a capture file, CG_DNS_FMT_AUTO when nothing fits. */
cg_dns_fmt cg_dns_detect(cg_slice head);

/* ---- helpers shared by the readers (and tested on their own) ---------- */

/* Lower-cases name into out (CG_DNS_MAX_NAME+1 bytes, NUL-terminated),
 * drops one trailing dot. False for an empty name, a name longer than
 * CG_DNS_MAX_NAME, an empty label, or a byte that is a control character,
 * a space, or one of "#()\"\\". */
bool cg_dns_norm_name(cg_slice in, char *out, size_t *outlen);
/* True when s is an IPv4 or IPv6 address (IPv6 may carry a %zone). */
bool cg_dns_is_ip(cg_slice s);
/* "A" -> 1, "TXT" -> 16, "TYPE65" -> 65; 0 when unknown. */
uint16_t cg_dns_qtype_parse(cg_slice s);
/* "NOERROR" -> CG_DNS_ANS_NOERROR, "NXDOMAIN" -> CG_DNS_ANS_NXDOMAIN,
 * another upper-case word -> CG_DNS_ANS_OTHER, "-" or "" -> UNKNOWN. */
uint8_t cg_dns_answer_parse(cg_slice s);
/* "A", "TXT", ... or NULL for a type without a mnemonic here. */
const char *cg_dns_qtype_name(uint16_t t);
/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t cg_dns_days_from_civil(int64_t y, unsigned m, unsigned d);

#endif

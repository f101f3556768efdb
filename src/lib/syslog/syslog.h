/*
 * syslog.h - forwarding events to a SIEM as syslog: the two message
 * formats, the transport framing, and the destinations of the server's
 * configuration file.
 *
 * A message is RFC 5424 (`<PRI>1 TIMESTAMP HOST canhgac - MSGID SD MSG`)
 * whose MSG is either
 *   - CEF (ArcSight Common Event Format, version 0):
 *       CEF:0|canhgac|canhgac|VERSION|SOURCE.KIND|SUMMARY|SEV|EXTENSION
 *     header fields escape `\` and `|` (a line break becomes a space: a
 *     header is one line); extension values escape `\`, `=`, CR and LF
 *     (as \r and \n); keys are fixed here. SEV maps info..critical to
 *     1, 3, 5, 8, 10; or
 *   - the event as one JSON object (the store's event record, with seq),
 *     with the structured data [canhgac@32473 seq="N" id="ID"] in the
 *     header. 32473 is the private enterprise number reserved for
 *     documentation (RFC 5612); a deployment with its own number may
 *     change CG_SYSLOG_SD_ID.
 * In both, other control characters become spaces, so a receiver writing
 * lines to a file is never fed a forged line.
 *
 * Framing: over TCP and TLS each message is sent as "LEN SP MSG" (octet
 * counting, RFC 5425 section 4.3; RFC 6587 for plain TCP), so a message
 * may hold anything; over UDP one datagram carries one message with no
 * framing (RFC 5426).
 *
 * Destinations are sections of the server's configuration file:
 *
 *   [forward.soc]
 *   url = tls://siem.example.vn:6514     udp:// tcp:// tls:// HOST:PORT
 *   format = cef                         cef (default) | rfc5424
 *   min_severity = medium                info (default) .. critical
 *   sources = malware,web                only these engines (default all)
 *   agencies = 3,7                       only these agency ids (default all)
 *   ca_file = /etc/canhgac/siem-ca.pem   TLS: the CA that signed the
 *                                        receiver (default: the system's)
 *   server_name = siem.example.vn        TLS: the name to verify (default
 *                                        the URL's host)
 *
 * An IPv6 host is written in brackets (tcp://[::1]:514). Every error names
 * FILE:LINE.
 */
#ifndef CG_SYSLOG_H
#define CG_SYSLOG_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "core/limits.h"
#include "store/store.h"

#define CG_SYSLOG_SD_ID "canhgac@32473"

typedef enum cg_fwd_transport {
	CG_FWD_UDP,
	CG_FWD_TCP,
	CG_FWD_TLS,
} cg_fwd_transport;

typedef enum cg_fwd_format {
	CG_FWD_CEF,
	CG_FWD_RFC5424,
} cg_fwd_format;

typedef struct cg_fwd_dest {
	char name[CG_FWD_NAME_MAX + 1];
	cg_fwd_transport transport;
	cg_fwd_format format;
	char host[256]; /* without brackets */
	uint16_t port;
	int min_severity; /* a cg_severity */
	size_t nsources, nagencies;
	char sources[CG_FWD_MAX_FILTER][CG_MAX_EVENT_FIELD + 1];
	int64_t agencies[CG_FWD_MAX_FILTER];
	char ca_file[1024];    /* "" = system CAs */
	char server_name[256]; /* "" = host */
} cg_fwd_dest;

/* "udp://HOST:PORT" etc. into d's transport, host and port; *why says
 * what is wrong. */
cg_err cg_fwd_parse_url(cg_slice url, cg_fwd_dest *d, cg_buf *why);

/* Every [forward.NAME] section of ini, in file order, into *out (freed by
 * the caller with free(); *n = 0 and *out = NULL when there is none).
 * *why: "FILE:LINE: reason". */
cg_err cg_fwd_dests_from_config(const cg_config *ini, cg_fwd_dest **out, size_t *n, cg_buf *why);
/* Whether the key is one of a [forward.NAME] section's. */
bool cg_fwd_known_key(const char *key);

/* Whether the destination wants this event (a store event record:
 * severity by name, source, agency_id). */
bool cg_fwd_wants(const cg_fwd_dest *d, const json_t *event);

/* The whole message for the store's event record ev (see above), framed
 * for transport, appended to out. host names this server in the header
 * (printable ASCII; anything else becomes '_'). */
cg_err cg_syslog_message(cg_fwd_format fmt, cg_fwd_transport transport, const char *host,
                         const json_t *ev, cg_buf *out);

/* The CEF message of a row read by cg_store_event_rows_after: the same
 * bytes as cg_syslog_message(CG_FWD_CEF, ...) of that event's record. */
cg_err cg_syslog_cef_row(cg_fwd_transport transport, const char *host, const cg_fwd_row *r,
                         cg_buf *out);
/* The fields of a store event record ev (borrowed from it). */
void cg_fwd_row_of_json(const json_t *ev, cg_fwd_row *r);
/* cg_fwd_wants for a row. */
bool cg_fwd_wants_row(const cg_fwd_dest *d, const cg_fwd_row *r);

/* The escaping of CEF, for the tests and for the message: header field
 * and extension value of s appended to out. */
cg_err cg_cef_header_escape(cg_slice s, cg_buf *out);
cg_err cg_cef_value_escape(cg_slice s, cg_buf *out);
/* CEF severity (0..10) of a cg_severity. */
int cg_cef_severity(int severity);

#endif

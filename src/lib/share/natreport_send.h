/*
 * natreport_send.h - delivering the malware-statistics report
 * (natreport.h) to the national monitoring centre: the [national]
 * section of the server's configuration and one HTTPS POST with a client
 * certificate.
 *
 * The request: POST URL, multipart/form-data with two parts, "report"
 * (the document, application/json or application/xml, file name
 * canhgac-malware-PERIOD.json|xml) and "signature" (its detached CMS
 * signature, application/pkcs7-signature, the same name + ".p7s"), and the
 * header X-Canhgac-Period: PERIOD. Any 2xx answer is an acceptance; the
 * answer's first bytes are kept with the delivery (store_natreport.h).
 * libcurl does the HTTP and TLS (as the intelligence pulls do), with the
 * client certificate and key as PEM files and the centre's CA.
 */
#ifndef CG_SHARE_NATREPORT_SEND_H
#define CG_SHARE_NATREPORT_SEND_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/config.h"
#include "share/natreport.h"

typedef struct cg_natsend_conf {
	bool on;         /* the section is there */
	const char *url; /* https:// (http:// only to loopback, for tests) */
	const char *client_cert, *client_key, *ca_file; /* PEM files */
	cg_natreport_fmt fmt;
	const char *map;      /* NULL: rules/national/national-malware.map */
	const char *province; /* named in the document */
	int64_t interval_s;   /* how often the job looks for a month to send */
} cg_natsend_conf;

/* Reads [national] (keys: url, client_cert, client_key, ca_file, format,
 * map, province, interval); errors name FILE:LINE. The strings belong to
 * ini. */
cg_err cg_natsend_from_config(const cg_config *ini, cg_natsend_conf *out, cg_buf *why);
/* Whether key is one of [national]'s. */
bool cg_natsend_key_known(const char *key);

/* One delivery: *status the HTTP status (0 when there was no answer),
 * answer the body's first CG_NATDELIV_ANSWER_MAX bytes. CG_OK means an
 * HTTP answer came (look at *status); an error: none did, why says why. */
cg_err cg_natsend_post(const cg_natsend_conf *c, const char *period, cg_slice doc, cg_slice sig,
                       long *status, cg_buf *answer, cg_buf *why);

#endif

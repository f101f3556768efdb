/*
 * av.h - the endpoint's antivirus state, whoever the vendor, and
 * Microsoft Defender's detections as events (MISSION R4, issue 19).
 *
 * The server counts an endpoint as protected only when an antivirus is on
 * and current (store/figures.h, cg_fig_protected), so the agent reports
 * every product it can see in its heartbeat ("antivirus", an array):
 *
 *   {"name": "Microsoft Defender Antivirus", "enabled": true,
 *    "up_to_date": true, "state": "on|off|snoozed|expired|unknown",
 *    "source": "wsc|securitycenter2|defender|clamav",
 *    "raw": {what the source said, unchanged}}
 *
 * Sources, in order (Windows, av_win.c):
 *   wsc              the Windows Security Center through IWSCProductList
 *                    (wscapi, COM; Windows 8 and later clients): every
 *                    registered antivirus (Defender, BKAV, Kaspersky, ...);
 *                    state and signature status are WSC's enums
 *   securitycenter2  WMI root\SecurityCenter2 AntiVirusProduct, where
 *                    wscapi has no product list (Windows 7): productState
 *                    bits decoded by cg_av_decode_sc2
 *   defender         WMI root\Microsoft\Windows\Defender
 *                    MSFT_MpComputerStatus, where there is no Security
 *                    Center at all (Windows Server): Defender alone
 * Linux (av_linux.c): ClamAV's signature databases (freshclam's
 * /var/lib/clamav) when present, else an empty array.
 *
 * Detections: cg_av_detections reads Defender's MSFT_MpThreatDetection
 * rows (one per detection) joined with MSFT_MpThreat (name, severity) and
 * emits each detection once as an event, source "antivirus", kind
 * "defender_detection"; the detection ids already reported are kept in
 * STATE_DIR/antivirus.json. On Linux it reports nothing (ClamAV findings
 * come from the agent's own malware scans).
 *
 * Wine provides neither the Security Center nor Defender's WMI provider:
 * the decoding below is pure (rows in, JSON/events out) and is tested on
 * Linux and under Wine with recorded answers (tests/unit/test_av.c).
 */
#ifndef CG_PLATFORM_AV_H
#define CG_PLATFORM_AV_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/event.h"

/* *out: a new array of products (never NULL on CG_OK; [] when none). A
 * source that fails is noted in why and the next one is tried; CG_OK
 * whenever an answer (possibly []) could be given. */
cg_err cg_av_status(json_t **out, cg_buf *why);

/* The event is lent to the callback for the duration of the call. */
typedef void (*cg_av_emit_fn)(void *ctx, cg_event *ev);

/* Emits Defender's detections not reported before (see above). state_dir
 * may be NULL (then every detection is emitted each call). The agent
 * calls it periodically (every heartbeat is enough). */
cg_err cg_av_detections(const char *state_dir, cg_av_emit_fn emit, void *ctx, cg_buf *why);

/* ---- pure decoders (both platforms; tested with recorded answers) ---- */

/* WSC_SECURITY_PRODUCT_STATE and WSC_SECURITY_SIGNATURE_STATUS (iwscapi.h). */
enum { CG_WSC_ON = 0, CG_WSC_OFF = 1, CG_WSC_SNOOZED = 2, CG_WSC_EXPIRED = 3 };
enum { CG_WSC_SIG_OUT_OF_DATE = 0, CG_WSC_SIG_UP_TO_DATE = 1 };

/* A product from IWscProduct's answers (timestamp may be NULL). New ref. */
json_t *cg_av_product_wsc(const char *name, int product_state, int signature_status,
                          const char *timestamp);

/* SecurityCenter2's productState (undocumented by Microsoft; read as it is
 * commonly decoded): bits 12-15 the scanner (0 off, 1 on, 2 snoozed, 3
 * expired), bits 4-7 the signatures (0 up to date, 1 out of date), bits
 * 8-11 the owner (1 Microsoft), bits 16-23 the kinds of protection. */
void cg_av_decode_sc2(uint32_t product_state, const char **state, bool *enabled, bool *up_to_date);
json_t *cg_av_product_sc2(const char *name, uint32_t product_state);

/* Defender from an MSFT_MpComputerStatus row ({"AntivirusEnabled": true,
 * "RealTimeProtectionEnabled": true, "AntivirusSignatureAge": 1, ...}):
 * on when the antivirus and real-time protection are, current when the
 * signatures are at most CG_AV_MAX_SIG_AGE_DAYS old. NULL when the row
 * says nothing usable. */
json_t *cg_av_product_defender(const json_t *row);

/* ClamAV from its database directory (daily.cvd/.cld, main.cvd/.cld):
 * appended to arr when a database is there; enabled (the agent's scans
 * can load it) and current when the newest database file is at most
 * CG_AV_MAX_SIG_AGE_DAYS old. */
cg_err cg_av_product_clamav(const char *dbdir, int64_t now_ms, json_t *arr);

/* A CIM datetime ("20261203112233.123456+420": local time and its offset
 * in minutes) to Unix ms. */
cg_err cg_av_wmi_time(cg_slice s, int64_t *ms);

/* Defender detections (rows of MSFT_MpThreatDetection) joined with
 * threats (rows of MSFT_MpThreat) into events; seen is an object
 * {DetectionID: time_ms} updated in place (and bounded by
 * CG_AV_MAX_SEEN). Rows without a DetectionID are skipped. Returns the
 * number of events emitted. */
int cg_av_detection_events(const json_t *detections, const json_t *threats, json_t *seen,
                           int64_t now_ms, cg_av_emit_fn emit, void *ctx);

#endif

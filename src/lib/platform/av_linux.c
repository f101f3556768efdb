/*
 * av_linux.c - platform/av.h on Linux: ClamAV's signature databases as
 * freshclam keeps them, or nothing.
 *
 * There is no Security Center on Linux. ClamAV is the antivirus Debian
 * servers run (the agent's scans can load its databases); when freshclam
 * has not put one in /var/lib/clamav the answer is an empty array, and the
 * server then keeps its rule for Linux endpoints (store/figures.h
 * cg_fig_protected). Defender detections do not exist here: ClamAV's
 * findings come through the agent's own malware scans.
 */
#include "platform/av.h"

#include "core/timeutil.h"

#define CLAMAV_DB_DIR "/var/lib/clamav"

cg_err cg_av_status(json_t **out, cg_buf *why)
{
	(void)why;
	*out = json_array();
	if (!*out)
		return CG_ENOMEM;
	cg_err err = cg_av_product_clamav(CLAMAV_DB_DIR, cg_time_now_ms(), *out);
	if (err) {
		json_decref(*out);
		*out = NULL;
	}
	return err;
}

cg_err cg_av_detections(const char *state_dir, cg_av_emit_fn emit, void *ctx, cg_buf *why)
{
	(void)state_dir;
	(void)emit;
	(void)ctx;
	(void)why;
	return CG_OK;
}

/* libFuzzer target: platform/av.h's decoders of what WMI hands the agent
 * (Defender's detection and threat rows, MSFT_MpComputerStatus, CIM
 * datetimes). Another program on the endpoint can register WMI providers
 * and security products, so these rows are outside input. The input is
 * JSON {"d": [detections], "t": [threats], "s": {status row}}, or, when it
 * is not JSON, a CIM datetime. */
#include <stddef.h>
#include <stdint.h>

#include "core/json.h"
#include "platform/av.h"

static void sink(void *ctx, cg_event *ev)
{
	(void)ctx;
	cg_buf b;
	cg_buf_init(&b, 1 << 20);
	cg_event_encode(ev, &b);
	cg_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cg_slice in = cg_slice_from((const char *)data, size);
	int64_t ms;
	cg_av_wmi_time(in, &ms);
	json_t *j = NULL;
	if (cg_json_parse(in, &j, NULL) != CG_OK)
		return 0;
	json_t *seen = json_object();
	cg_av_detection_events(json_object_get(j, "d"), json_object_get(j, "t"), seen, 1, sink,
	                       NULL);
	json_decref(cg_av_product_defender(json_object_get(j, "s")));
	json_decref(seen);
	json_decref(j);
	return 0;
}

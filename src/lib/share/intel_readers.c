/*
 * intel_readers.c - the readers' table (intel_readers.h): the in-process
 * readers unless the server installs its sandboxed ones.
 */
#include "intel_readers.h"

static const cg_intel_readers in_process = {
    .stix = cg_intel_read_stix,
    .misp = cg_intel_read_misp,
    .manifest = cg_mispfeed_manifest,
};

static const cg_intel_readers *current = &in_process;

const cg_intel_readers *cg_intel_readers_get(void)
{
	return current;
}

void cg_intel_readers_set(const cg_intel_readers *r)
{
	current = r ? r : &in_process;
}

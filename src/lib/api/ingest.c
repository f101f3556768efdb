/*
 * ingest.c - see ingest.h.
 */
#include "ingest.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/json.h"
#include "core/limits.h"

cg_err cg_gunzip(cg_slice in, cg_buf *out, cg_buf *why)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	/* 15 + 32: gzip or zlib header, detected */
	if (inflateInit2(&z, 15 + 32) != Z_OK)
		return CG_ENOMEM;
	z.next_in = (Bytef *)in.ptr;
	z.avail_in = (uInt)in.len;
	cg_err err = CG_OK;
	unsigned char chunk[16384];
	for (;;) {
		z.next_out = chunk;
		z.avail_out = sizeof chunk;
		int rc = inflate(&z, Z_NO_FLUSH);
		size_t got = sizeof chunk - z.avail_out;
		if (got && (err = cg_buf_append(out, chunk, got))) {
			if (why)
				cg_buf_puts(why, "decompressed body over the limit");
			break;
		}
		if (rc == Z_STREAM_END) {
			/* concatenated members (gzip -c a b) are not used by
			 * agents; trailing bytes are an error */
			if (z.avail_in) {
				err = CG_EPARSE;
				if (why)
					cg_buf_puts(why, "data after the gzip stream");
			}
			break;
		}
		if (rc != Z_OK) {
			err = CG_EPARSE;
			if (why)
				cg_buf_printf(why, "bad gzip data: %s",
				              z.msg ? z.msg : "truncated");
			break;
		}
		if (z.avail_in == 0 && got == 0) {
			err = CG_EPARSE;
			if (why)
				cg_buf_puts(why, "bad gzip data: truncated");
			break;
		}
	}
	inflateEnd(&z);
	return err;
}

void cg_ingest_batch_free(cg_ingest_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		json_decref(b->items[i].value);
		free(b->items[i].error);
	}
	free(b->items);
	b->items = NULL;
	b->n = 0;
}

static cg_err push(cg_ingest_batch *b, size_t *cap, json_t *v, const char *err)
{
	if (b->n >= CG_MAX_BATCH_EVENTS) {
		json_decref(v);
		return CG_ETOOBIG;
	}
	if (b->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		cg_ingest_item *p = realloc(b->items, nc * sizeof *p);
		if (!p) {
			json_decref(v);
			return CG_ENOMEM;
		}
		b->items = p;
		*cap = nc;
	}
	b->items[b->n].value = v;
	b->items[b->n].error = err ? strdup(err) : NULL;
	b->n++;
	return CG_OK;
}

static cg_err split_array(cg_slice body, cg_ingest_batch *out, cg_buf *why)
{
	json_t *arr = NULL;
	cg_err err = cg_json_parse(body, &arr, why);
	if (err)
		return err;
	if (!json_is_array(arr)) {
		json_decref(arr);
		if (why)
			cg_buf_puts(why, "expected a JSON array of events");
		return CG_EPARSE;
	}
	if (json_array_size(arr) > CG_MAX_BATCH_EVENTS) {
		json_decref(arr);
		if (why)
			cg_buf_printf(why, "more than %d events in one batch", CG_MAX_BATCH_EVENTS);
		return CG_ETOOBIG;
	}
	size_t cap = 0, i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		if ((err = push(out, &cap, json_incref(v), NULL)))
			break;
	}
	json_decref(arr);
	return err;
}

static cg_err split_lines(cg_slice body, cg_ingest_batch *out, cg_buf *why)
{
	size_t cap = 0;
	cg_slice rest = body;
	cg_buf msg;
	cg_buf_init(&msg, 512);
	cg_err err = CG_OK;
	while (!err && rest.ptr && rest.len > 0) {
		cg_slice next;
		cg_slice line = cg_slice_trim(cg_slice_cut(rest, '\n', &next));
		rest = next;
		if (line.len == 0)
			continue;
		json_t *v = NULL;
		cg_buf_reset(&msg);
		if (line.len > CG_MAX_EVENT_JSON) {
			err = push(out, &cap, NULL, "event over the size limit");
			continue;
		}
		if (cg_json_parse(line, &v, &msg))
			err = push(out, &cap, NULL, cg_buf_cstr(&msg));
		else
			err = push(out, &cap, v, NULL);
	}
	cg_buf_free(&msg);
	if (err == CG_ETOOBIG && why)
		cg_buf_printf(why, "more than %d events in one batch", CG_MAX_BATCH_EVENTS);
	return err;
}

cg_err cg_ingest_split(cg_slice body, cg_ingest_batch *out, cg_buf *why)
{
	memset(out, 0, sizeof *out);
	size_t i = 0;
	while (i < body.len && (body.ptr[i] == ' ' || body.ptr[i] == '\t' || body.ptr[i] == '\r' ||
	                        body.ptr[i] == '\n'))
		i++;
	cg_err err = (i < body.len && body.ptr[i] == '[') ? split_array(body, out, why)
	                                                  : split_lines(body, out, why);
	if (err)
		cg_ingest_batch_free(out);
	return err;
}

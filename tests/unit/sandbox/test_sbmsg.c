/*
 * test_sbmsg.c - the framed messages between the server and its parsers:
 * a frame written is read back whole, byte by byte arrival gives "need
 * more" until the last byte, and unknown types and over-long lengths are
 * refused from the header alone.
 */
#include <string.h>
#include <unistd.h>

#include "core/limits.h"
#include "sandbox/sbmsg.h"
#include "test.h"

TEST(frames_round_trip_and_arrive_in_pieces)
{
	cg_buf b;
	cg_buf_init(&b, 1 << 20);
	CHECK(cg_sbmsg_put(&b, CG_SBMSG_ITEM, CG_SLICE("{\"a\":1}")) == CG_OK);
	CHECK(cg_sbmsg_put(&b, CG_SBMSG_DONE, CG_SLICE("")) == CG_OK);
	CHECK(b.len == 2 * CG_SBMSG_HEADER + 7);
	uint8_t t = 0;
	cg_slice pl;
	size_t used = 0;
	for (size_t n = 0; n < CG_SBMSG_HEADER + 7; n++) {
		CHECK(cg_sbmsg_parse(cg_slice_from(b.ptr, n), CG_SANDBOX_MAX_MSG, &t, &pl, &used) ==
		      CG_OK);
		CHECK(used == 0);
	}
	CHECK(cg_sbmsg_parse(cg_buf_slice(&b), CG_SANDBOX_MAX_MSG, &t, &pl, &used) == CG_OK);
	CHECK(used == CG_SBMSG_HEADER + 7 && t == CG_SBMSG_ITEM);
	CHECK(pl.len == 7 && memcmp(pl.ptr, "{\"a\":1}", 7) == 0);
	CHECK(cg_sbmsg_parse(cg_slice_from(b.ptr + used, b.len - used), CG_SANDBOX_MAX_MSG, &t, &pl,
	                     &used) == CG_OK);
	CHECK(used == CG_SBMSG_HEADER && t == CG_SBMSG_DONE && pl.len == 0);
	cg_buf_free(&b);
}

TEST(bad_type_and_length_are_refused_from_the_header)
{
	uint8_t t;
	cg_slice pl;
	size_t used;
	CHECK(cg_sbmsg_parse(CG_SLICE("\x09\0\0\0\0"), CG_SANDBOX_MAX_MSG, &t, &pl, &used) ==
	      CG_EPARSE);
	CHECK(cg_sbmsg_parse(CG_SLICE("\x00"), CG_SANDBOX_MAX_MSG, &t, &pl, &used) == CG_EPARSE);
	CHECK(cg_sbmsg_parse(CG_SLICE("\x03\xff\xff\xff\xff"), CG_SANDBOX_MAX_MSG, &t, &pl,
	                     &used) == CG_ETOOBIG);
	CHECK(cg_sbmsg_parse(CG_SLICE("\x03\0\0\0\x11"), 16, &t, &pl, &used) == CG_ETOOBIG);
	cg_buf b;
	cg_buf_init(&b, 64);
	CHECK(cg_sbmsg_put(&b, 0, CG_SLICE("x")) == CG_EINVAL);
	cg_buf_free(&b);
}

TEST(send_and_recv_over_a_pipe)
{
	int p[2];
	CHECK(pipe(p) == 0);
	json_t *o = json_pack("{s:s}", "type", "text/plain");
	CHECK(cg_sbmsg_send_json(p[1], CG_SBMSG_ITEM, o) == CG_OK);
	json_decref(o);
	close(p[1]);
	cg_buf b;
	cg_buf_init(&b, CG_SANDBOX_MAX_MSG);
	uint8_t t = 0;
	cg_slice pl;
	CHECK(cg_sbmsg_recv(p[0], CG_SANDBOX_MAX_MSG, &b, &t, &pl) == CG_OK);
	CHECK(t == CG_SBMSG_ITEM);
	CHECK_STR(cg_buf_cstr(&b), "{\"type\":\"text/plain\"}");
	CHECK(cg_sbmsg_recv(p[0], CG_SANDBOX_MAX_MSG, &b, &t, &pl) == CG_EIO);
	close(p[0]);
	cg_buf_free(&b);
}

int main(void)
{
	RUN(frames_round_trip_and_arrive_in_pieces);
	RUN(bad_type_and_length_are_refused_from_the_header);
	RUN(send_and_recv_over_a_pipe);
	return test_done();
}

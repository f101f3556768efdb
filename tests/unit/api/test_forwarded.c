/*
 * test_forwarded.c - the client address behind a trusted proxy
 * (api/forwarded.h): X-Forwarded-For believed only from the proxy's
 * range, only its last element, and a bad last element never guessed at.
 */
#include <string.h>

#include "api/forwarded.h"
#include "../test.h"

static const char *client(const char *peer, const char *proxy, const char *xff)
{
	static char out[64];
	cg_ip p, c;
	cg_cidr r;
	cg_ip_parse(cg_slice_cstr(peer), &p);
	if (proxy)
		cg_cidr_parse(cg_slice_cstr(proxy), &r);
	cg_slice x = xff ? cg_slice_cstr(xff) : (cg_slice){NULL, 0};
	cg_forwarded_client(&p, proxy ? &r : NULL, x, &c);
	cg_ip_text(&c, out, sizeof out);
	return out;
}

TEST(no_proxy_trusted)
{
	CHECK_STR(client("127.0.0.1", NULL, "10.1.2.3"), "127.0.0.1");
	CHECK_STR(client("::ffff:127.0.0.1", NULL, NULL), "127.0.0.1");
}

TEST(from_the_proxy)
{
	CHECK_STR(client("127.0.0.1", "127.0.0.1", "10.1.2.3"), "10.1.2.3");
	CHECK_STR(client("10.0.0.7", "10.0.0.0/29", " 2001:db8::5 "), "2001:db8::5");
	CHECK_STR(client("::ffff:10.0.0.7", "10.0.0.0/29", "10.9.9.9"), "10.9.9.9");
	/* what the client wrote before the proxy's element is not believed */
	CHECK_STR(client("127.0.0.1", "127.0.0.1", "6.6.6.6, 10.1.2.3"), "10.1.2.3");
	CHECK_STR(client("127.0.0.1", "127.0.0.1", "::ffff:10.1.2.3"), "10.1.2.3");
}

TEST(not_from_the_proxy)
{
	CHECK_STR(client("127.0.0.3", "127.0.0.1", "10.1.2.3"), "127.0.0.3");
	CHECK_STR(client("10.0.0.8", "10.0.0.0/29", "10.1.2.3"), "10.0.0.8");
}

TEST(bad_header_keeps_the_peer)
{
	CHECK_STR(client("127.0.0.1", "127.0.0.1", NULL), "127.0.0.1");
	CHECK_STR(client("127.0.0.1", "127.0.0.1", ""), "127.0.0.1");
	CHECK_STR(client("127.0.0.1", "127.0.0.1", "10.1.2.3,"), "127.0.0.1");
	CHECK_STR(client("127.0.0.1", "127.0.0.1", "10.1.2.3, unknown"), "127.0.0.1");
	CHECK_STR(client("127.0.0.1", "127.0.0.1", "10.1.2.3:5555"), "127.0.0.1");
	CHECK_STR(client("127.0.0.1", "127.0.0.1", "10.1.2.3/8"), "127.0.0.1");
}

int main(void)
{
	RUN(no_proxy_trusted);
	RUN(from_the_proxy);
	RUN(not_from_the_proxy);
	RUN(bad_header_keeps_the_peer);
	return test_done();
}

/*
 * sbmsg.c - see sbmsg.h. The header is read byte by byte into integers
 * (no struct overlay, no alignment or endianness assumptions); the length
 * is checked against the limit before the caller buffers a byte of the
 * payload.
 */
#include "sandbox/sbmsg.h"

#include <errno.h>
#include <unistd.h>

#include "core/json.h"
#include "core/limits.h"

static bool known_type(uint8_t t)
{
	return t >= CG_SBMSG_REQUEST && t <= CG_SBMSG_DATA;
}

cg_err cg_sbmsg_parse(cg_slice in, size_t max, uint8_t *type, cg_slice *payload, size_t *used)
{
	*used = 0;
	if (max > CG_SANDBOX_MAX_MSG)
		max = CG_SANDBOX_MAX_MSG;
	if (in.len < 1)
		return CG_OK;
	const unsigned char *p = (const unsigned char *)in.ptr;
	if (!known_type(p[0]))
		return CG_EPARSE;
	if (in.len < CG_SBMSG_HEADER)
		return CG_OK;
	uint32_t n = (uint32_t)p[1] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 8 | p[4];
	if (n > max)
		return CG_ETOOBIG;
	if (in.len - CG_SBMSG_HEADER < n)
		return CG_OK;
	*type = p[0];
	*payload = cg_slice_from(in.ptr + CG_SBMSG_HEADER, n);
	*used = CG_SBMSG_HEADER + (size_t)n;
	return CG_OK;
}

static void header(unsigned char h[CG_SBMSG_HEADER], uint8_t type, size_t n)
{
	h[0] = type;
	h[1] = (unsigned char)(n >> 24);
	h[2] = (unsigned char)(n >> 16);
	h[3] = (unsigned char)(n >> 8);
	h[4] = (unsigned char)n;
}

cg_err cg_sbmsg_put(cg_buf *out, uint8_t type, cg_slice payload)
{
	if (!known_type(type))
		return CG_EINVAL;
	if (payload.len > CG_SANDBOX_MAX_MSG)
		return CG_ETOOBIG;
	unsigned char h[CG_SBMSG_HEADER];
	header(h, type, payload.len);
	cg_err err = cg_buf_reserve(out, sizeof h + payload.len);
	if (!err)
		err = cg_buf_append(out, h, sizeof h);
	if (!err)
		err = cg_buf_append(out, payload.ptr, payload.len);
	return err;
}

static cg_err write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return CG_EIO;
		p += w;
		n -= (size_t)w;
	}
	return CG_OK;
}

cg_err cg_sbmsg_send(int fd, uint8_t type, cg_slice payload)
{
	if (!known_type(type))
		return CG_EINVAL;
	if (payload.len > CG_SANDBOX_MAX_MSG)
		return CG_ETOOBIG;
	unsigned char h[CG_SBMSG_HEADER];
	header(h, type, payload.len);
	cg_err err = write_all(fd, (const char *)h, sizeof h);
	return err ? err : write_all(fd, payload.ptr, payload.len);
}

cg_err cg_sbmsg_send_json(int fd, uint8_t type, const json_t *obj)
{
	cg_buf b;
	cg_buf_init(&b, CG_SANDBOX_MAX_MSG);
	cg_err err = obj ? cg_json_encode(&b, obj) : CG_ENOMEM;
	if (!err)
		err = cg_sbmsg_send(fd, type, cg_buf_slice(&b));
	cg_buf_free(&b);
	return err;
}

static cg_err read_all(int fd, char *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return CG_EIO;
		p += r;
		n -= (size_t)r;
	}
	return CG_OK;
}

cg_err cg_sbmsg_recv(int fd, size_t max, cg_buf *buf, uint8_t *type, cg_slice *payload)
{
	cg_buf_reset(buf);
	char h[CG_SBMSG_HEADER];
	cg_err err = read_all(fd, h, sizeof h);
	if (err)
		return err;
	size_t used = 0;
	err = cg_sbmsg_parse(cg_slice_from(h, sizeof h), max, type, payload, &used);
	if (err)
		return err;
	size_t n = (size_t)(unsigned char)h[1] << 24 | (size_t)(unsigned char)h[2] << 16 |
	           (size_t)(unsigned char)h[3] << 8 | (unsigned char)h[4];
	if ((err = cg_buf_reserve(buf, n)))
		return err;
	if ((err = read_all(fd, buf->ptr, n)))
		return err;
	buf->len = n;
	buf->ptr[n] = '\0';
	*type = (uint8_t)h[0];
	*payload = cg_buf_slice(buf);
	return CG_OK;
}

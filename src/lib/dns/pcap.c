/*
 * pcap.c - DNS queries from packet captures: libpcap reads the pcap/pcapng
 * records, and this file peels the link, IP and UDP/TCP headers and parses
 * the DNS message itself.
 *
 * Every header read is bounds-checked against the captured length (a
 * snaplen-cut packet is "malformed", never read past). Only the question
 * section matters: the query name and type of messages sent to port 53
 * with QR=0. Names are decoded with compression pointers (legal in the
 * question only in odd messages, but attackers write odd messages),
 * following at most CG_DNS_MAX_POINTERS and only backwards, so a loop can
 * not hang us. TCP is taken segment by segment: a query whose 2-byte length
 * prefix and message sit in one segment (the normal case) is read; queries
 * split across segments are not reassembled.
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <string.h>

#include "dns/input.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

cg_err cg_dns_wire_question(const uint8_t *msg, size_t len, char *name,
			    size_t *namelen, uint16_t *qtype, bool *is_query)
{
	if (len < 12)
		return CG_EPARSE;
	*is_query = (msg[2] & 0x80) == 0;
	if (rd16(msg + 4) == 0)
		return CG_ENOTFOUND;
	char tmp[CG_DNS_MAX_NAME + 2];
	size_t out = 0, pos = 12, end = 0; /* end: where the question goes on */
	int pointers = 0;
	for (;;) {
		if (pos >= len)
			return CG_EPARSE;
		uint8_t l = msg[pos];
		if ((l & 0xc0) == 0xc0) {
			if (pos + 1 >= len || ++pointers > CG_DNS_MAX_POINTERS)
				return CG_EPARSE;
			size_t target = (size_t)((l & 0x3f) << 8 | msg[pos + 1]);
			if (!end)
				end = pos + 2;
			if (target >= pos)
				return CG_EPARSE; /* only backwards: no loops */
			pos = target;
			continue;
		}
		if (l & 0xc0)
			return CG_EPARSE; /* extended label types: obsolete */
		if (l == 0) {
			if (!end)
				end = pos + 1;
			break;
		}
		if (pos + 1 + l > len || out + l + 1 > CG_DNS_MAX_NAME)
			return CG_EPARSE;
		for (size_t i = 0; i < l; i++)
			if (msg[pos + 1 + i] == '.')
				return CG_EPARSE; /* would change the label structure */
		if (out)
			tmp[out++] = '.';
		memcpy(tmp + out, msg + pos + 1, l);
		out += l;
		pos += 1 + (size_t)l;
	}
	if (end + 4 > len)
		return CG_EPARSE;
	*qtype = rd16(msg + end);
	if (out == 0) {
		name[0] = '\0';
		*namelen = 0;
		return CG_OK; /* the root */
	}
	if (!cg_dns_norm_name((cg_slice){ tmp, out }, name, namelen))
		return CG_EPARSE;
	return CG_OK;
}

typedef struct pkt {
	const uint8_t *p;
	size_t len;
} pkt;

/* Finds the IP packet inside a link-layer frame; *ethertype gets 0x0800 or
 * 0x86dd. */
static bool link_payload(int dlt, pkt *k, uint16_t *ethertype)
{
	switch (dlt) {
	case DLT_EN10MB: {
		if (k->len < 14)
			return false;
		size_t off = 12;
		uint16_t et = rd16(k->p + off);
		while (et == 0x8100 || et == 0x88a8) { /* VLAN tags */
			off += 4;
			if (off + 2 > k->len)
				return false;
			et = rd16(k->p + off);
		}
		*ethertype = et;
		k->p += off + 2;
		k->len -= off + 2;
		return true;
	}
	case DLT_LINUX_SLL:
		if (k->len < 16)
			return false;
		*ethertype = rd16(k->p + 14);
		k->p += 16;
		k->len -= 16;
		return true;
	case DLT_LINUX_SLL2:
		if (k->len < 20)
			return false;
		*ethertype = rd16(k->p);
		k->p += 20;
		k->len -= 20;
		return true;
	case DLT_NULL:
	case DLT_LOOP: {
		if (k->len < 5)
			return false;
		uint8_t v = k->p[4] >> 4; /* the family word's byte order varies */
		*ethertype = v == 4 ? 0x0800 : 0x86dd;
		k->p += 4;
		k->len -= 4;
		return true;
	}
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		if (k->len < 1)
			return false;
		*ethertype = (k->p[0] >> 4) == 4 ? 0x0800 : 0x86dd;
		return true;
	default:
		return false;
	}
}

/* 1 a query filled in, 0 not DNS to port 53 (not an error), -1 malformed. */
static int packet_query(int dlt, pkt k, char *client, char *name,
			size_t *namelen, uint16_t *qtype)
{
	uint16_t et;
	if (!link_payload(dlt, &k, &et))
		return -1;
	uint8_t proto;
	if (et == 0x0800) {
		if (k.len < 20 || (k.p[0] >> 4) != 4)
			return -1;
		size_t ihl = (size_t)(k.p[0] & 0x0f) * 4;
		if (ihl < 20 || ihl > k.len)
			return -1;
		if (rd16(k.p + 6) & 0x1fff)
			return 0; /* a later fragment */
		inet_ntop(AF_INET, k.p + 12, client, INET6_ADDRSTRLEN);
		proto = k.p[9];
		k.p += ihl;
		k.len -= ihl;
	} else if (et == 0x86dd) {
		if (k.len < 40 || (k.p[0] >> 4) != 6)
			return -1;
		inet_ntop(AF_INET6, k.p + 8, client, INET6_ADDRSTRLEN);
		proto = k.p[6];
		k.p += 40;
		k.len -= 40;
		/* hop-by-hop, routing, destination options */
		for (int n = 0; n < 8 && (proto == 0 || proto == 43 || proto == 60); n++) {
			if (k.len < 8)
				return -1;
			size_t hl = ((size_t)k.p[1] + 1) * 8;
			if (hl > k.len)
				return -1;
			proto = k.p[0];
			k.p += hl;
			k.len -= hl;
		}
	} else {
		return 0;
	}
	const uint8_t *msg;
	size_t mlen;
	if (proto == 17) {
		if (k.len < 8)
			return -1;
		if (rd16(k.p + 2) != 53)
			return 0;
		msg = k.p + 8;
		mlen = k.len - 8;
	} else if (proto == 6) {
		if (k.len < 20)
			return -1;
		size_t doff = (size_t)(k.p[12] >> 4) * 4;
		if (doff < 20 || doff > k.len)
			return -1;
		if (rd16(k.p + 2) != 53)
			return 0;
		if (k.len - doff == 0)
			return 0; /* handshake, ACK */
		if (k.len - doff < 2)
			return -1;
		size_t dl = rd16(k.p + doff);
		msg = k.p + doff + 2;
		mlen = k.len - doff - 2;
		if (dl < mlen)
			mlen = dl;
	} else {
		return 0;
	}
	bool is_query;
	cg_err err = cg_dns_wire_question(msg, mlen, name, namelen, qtype, &is_query);
	if (err == CG_ENOTFOUND)
		return 0;
	if (err)
		return -1;
	return is_query && *namelen > 0 ? 1 : 0;
}

cg_err cg_dns_read_pcap(FILE *fp, const char *path, cg_dns_stats *st,
			cg_dns_rec_fn fn, void *ctx, cg_buf *why)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_fopen_offline(fp, errbuf);
	if (!pc) {
		fclose(fp);
		if (why)
			cg_buf_printf(why, "%s: %s", path, errbuf);
		return CG_EPARSE;
	}
	int dlt = pcap_datalink(pc);
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;
	uint64_t n = 0;
	char client[INET6_ADDRSTRLEN + 1], name[CG_DNS_MAX_NAME + 1];
	while ((rc = pcap_next_ex(pc, &h, &data)) == 1) {
		n++;
		st->lines++;
		size_t namelen;
		uint16_t qtype;
		int q = packet_query(dlt, (pkt){ data, h->caplen }, client, name,
				     &namelen, &qtype);
		if (q < 0) {
			cg_dns_count_skip(st, CG_DNS_SKIP_PACKET, n, path);
			continue;
		}
		if (q == 0) {
			st->other++;
			continue;
		}
		cg_dns_rec rec = {
			.time_ms = (int64_t)h->ts.tv_sec * 1000 + h->ts.tv_usec / 1000,
			.client = cg_slice_cstr(client),
			.qname = { name, namelen },
			.qtype = qtype,
		};
		st->queries++;
		if (fn(ctx, &rec))
			break;
	}
	cg_err err = CG_OK;
	if (rc == PCAP_ERROR) {
		if (why)
			cg_buf_printf(why, "%s: %s (capture cut short)", path,
				      pcap_geterr(pc));
		err = CG_EIO;
	}
	pcap_close(pc); /* closes fp too */
	return err;
}

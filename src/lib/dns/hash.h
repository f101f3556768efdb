/*
 * hash.h - the string hash of the DNS engine's tables.
 *
 * Query names are short (10-60 bytes) and hashed several times per log
 * line (each label suffix against the blocklist, the name cache, the
 * client table), so the hash reads 8 bytes at a time and mixes with one
 * multiply per word (the wyhash/murmur finaliser idea), rather than
 * FNV's byte-at-a-time loop. Not for adversarial collision resistance
 * across restarts: tables are sized at load <= 1/2 and probe linearly, and
 * an attacker who floods one bucket only slows his own log.
 */
#ifndef CG_DNS_HASH_H
#define CG_DNS_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static inline uint64_t cg_dns_mix(uint64_t h)
{
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ULL;
	h ^= h >> 32;
	return h;
}

static inline uint64_t cg_dns_hash(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ (len * 0xff51afd7ed558ccdULL);
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x9fb21c651e98df25ULL;
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, p, len);
	h = (h ^ w) * 0x9fb21c651e98df25ULL;
	return cg_dns_mix(h);
}

#endif

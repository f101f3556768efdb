/*
 * textenc.c - text encodings Vietnamese documents arrive in: UTF-8,
 * UTF-16 with a byte-order mark, Windows-1252/1258, and the two legacy
 * 8-bit encodings of the pre-Unicode Vietnamese fonts:
 *
 *  TCVN3 (ABC, TCVN 5712:1993 VN3; fonts .VnTime, .VnArial...): every
 *    accented lowercase letter has its own byte; capitals other than
 *    Ă Â Ê Ô Ơ Ư Đ do not exist - a capital is drawn by the matching
 *    ".VnTimeH" font from the LOWERCASE byte. So "MẬT" typed in .VnTimeH
 *    is the bytes "m\xCBt" (or "M\xCBt"); decoded, it is "mật", which the
 *    case-folding detector treats exactly like "MẬT".
 *  VNI (VNI-Times...): a base ASCII letter followed by one byte for the
 *    diacritics ("ma\xE4t" = "mật", "MA\xC4T" = "MẬT"); the mark bytes
 *    become Unicode combining marks here and the NFC fold composes them.
 *
 * The table for TCVN3's upper half is glibc's TCVN5712-1 (a superset of
 * VN3: VN1 adds capitals in positions VN3 leaves empty). Which encoding a
 * file uses is not written anywhere: cg_sec_detect_8bit guesses from where
 * the high bytes sit (after consonants: TCVN3 letters; after vowels: VNI
 * marks).
 */
#include <string.h>

#include "core/json.h"
#include "secrets/extract.h"

static const uint16_t tcvn3_hi[128] = {
	0x00c0, 0x1ea2, 0x00c3, 0x00c1, 0x1ea0, 0x1eb6, 0x1eac, 0x00c8,
	0x1eba, 0x1ebc, 0x00c9, 0x1eb8, 0x1ec6, 0x00cc, 0x1ec8, 0x0128,
	0x00cd, 0x1eca, 0x00d2, 0x1ece, 0x00d5, 0x00d3, 0x1ecc, 0x1ed8,
	0x1edc, 0x1ede, 0x1ee0, 0x1eda, 0x1ee2, 0x00d9, 0x1ee6, 0x0168,
	0x00a0, 0x0102, 0x00c2, 0x00ca, 0x00d4, 0x01a0, 0x01af, 0x0110,
	0x0103, 0x00e2, 0x00ea, 0x00f4, 0x01a1, 0x01b0, 0x0111, 0x1eb0,
	0x0300, 0x0309, 0x0303, 0x0301, 0x0323, 0x00e0, 0x1ea3, 0x00e3,
	0x00e1, 0x1ea1, 0x1eb2, 0x1eb1, 0x1eb3, 0x1eb5, 0x1eaf, 0x1eb4,
	0x1eae, 0x1ea6, 0x1ea8, 0x1eaa, 0x1ea4, 0x1ec0, 0x1eb7, 0x1ea7,
	0x1ea9, 0x1eab, 0x1ea5, 0x1ead, 0x00e8, 0x1ec2, 0x1ebb, 0x1ebd,
	0x00e9, 0x1eb9, 0x1ec1, 0x1ec3, 0x1ec5, 0x1ebf, 0x1ec7, 0x00ec,
	0x1ec9, 0x1ec4, 0x1ebe, 0x1ed2, 0x0129, 0x00ed, 0x1ecb, 0x00f2,
	0x1ed4, 0x1ecf, 0x00f5, 0x00f3, 0x1ecd, 0x1ed3, 0x1ed5, 0x1ed7,
	0x1ed1, 0x1ed9, 0x1edd, 0x1edf, 0x1ee1, 0x1edb, 0x1ee3, 0x00f9,
	0x1ed6, 0x1ee7, 0x0169, 0x00fa, 0x1ee5, 0x1eeb, 0x1eed, 0x1eef,
	0x1ee9, 0x1ef1, 0x1ef3, 0x1ef7, 0x1ef9, 0x00fd, 0x1ef5, 0x1ed0,
};

static const uint16_t cp1252_80[32] = {
	0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
	0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

/* VNI: a byte is either a letter of its own or diacritics for the vowel
 * before it. Lowercase bytes 0xE0-0xFC; the capitals are 0x20 lower. */
typedef struct vni_entry {
	uint16_t a, b; /* letter (b = 0), or one/two combining marks */
	bool letter;
} vni_entry;

#define GRV 0x0300
#define ACU 0x0301
#define CIR 0x0302
#define TIL 0x0303
#define BRV 0x0306
#define HOK 0x0309
#define DOT 0x0323

static bool vni_lookup(unsigned char b, vni_entry *e, bool *upper)
{
	*upper = b < 0xE0;
	unsigned char l = *upper ? (unsigned char)(b + 0x20) : b;
	switch (l) {
	case 0xE0: *e = (vni_entry){ CIR, GRV, false }; return true;
	case 0xE1: *e = (vni_entry){ CIR, ACU, false }; return true;
	case 0xE2: *e = (vni_entry){ CIR, 0, false }; return true;
	case 0xE3: *e = (vni_entry){ CIR, TIL, false }; return true;
	case 0xE4: *e = (vni_entry){ CIR, DOT, false }; return true;
	case 0xE5: *e = (vni_entry){ CIR, HOK, false }; return true;
	case 0xE8: *e = (vni_entry){ BRV, GRV, false }; return true;
	case 0xE9: *e = (vni_entry){ BRV, ACU, false }; return true;
	case 0xEA: *e = (vni_entry){ BRV, 0, false }; return true;
	case 0xEB: *e = (vni_entry){ BRV, DOT, false }; return true;
	case 0xEF: *e = (vni_entry){ DOT, 0, false }; return true;
	case 0xF5: *e = (vni_entry){ TIL, 0, false }; return true;
	case 0xF8: *e = (vni_entry){ GRV, 0, false }; return true;
	case 0xF9: *e = (vni_entry){ ACU, 0, false }; return true;
	case 0xFA: *e = (vni_entry){ BRV, HOK, false }; return true;
	case 0xFB: *e = (vni_entry){ HOK, 0, false }; return true;
	case 0xFC: *e = (vni_entry){ BRV, TIL, false }; return true;
	case 0xE6: *e = (vni_entry){ 0x1EC9, 0, true }; return true; /* ỉ */
	case 0xEC: *e = (vni_entry){ 0x00EC, 0, true }; return true; /* ì */
	case 0xED: *e = (vni_entry){ 0x00ED, 0, true }; return true; /* í */
	case 0xF1: *e = (vni_entry){ 0x0111, 0, true }; return true; /* đ */
	case 0xF2: *e = (vni_entry){ 0x1ECB, 0, true }; return true; /* ị */
	case 0xF3: *e = (vni_entry){ 0x0129, 0, true }; return true; /* ĩ */
	case 0xF4: *e = (vni_entry){ 0x01A1, 0, true }; return true; /* ơ */
	case 0xF6: *e = (vni_entry){ 0x01B0, 0, true }; return true; /* ư */
	default: return false;
	}
}

/* Capital of a VNI letter (these letters' capitals are one below or at
 * the Latin-1 offset). */
static uint16_t vni_upper(uint16_t c)
{
	switch (c) {
	case 0x1EC9: return 0x1EC8;
	case 0x00EC: return 0x00CC;
	case 0x00ED: return 0x00CD;
	case 0x0111: return 0x0110;
	case 0x1ECB: return 0x1ECA;
	case 0x0129: return 0x0128;
	case 0x01A1: return 0x01A0;
	case 0x01B0: return 0x01AF;
	default: return c;
	}
}

static bool vni_is_mark(unsigned char b)
{
	vni_entry e;
	bool up;
	return b >= 0xC0 && b <= 0xFC && vni_lookup(b, &e, &up) && !e.letter;
}

static bool vni_is_letter(unsigned char b)
{
	vni_entry e;
	bool up;
	return b >= 0xC0 && b <= 0xFC && vni_lookup(b, &e, &up) && e.letter;
}

const char *cg_sec_enc_name(cg_sec_enc e)
{
	switch (e) {
	case CG_ENC_UTF8: return "utf-8";
	case CG_ENC_UTF16LE: return "utf-16le";
	case CG_ENC_UTF16BE: return "utf-16be";
	case CG_ENC_TCVN3: return "tcvn3";
	case CG_ENC_VNI: return "vni";
	case CG_ENC_CP1252: return "windows-1252";
	case CG_ENC_CP1258: return "windows-1258";
	}
	return "?";
}

int cg_sec_decode_byte(cg_sec_enc e, unsigned char b, uint32_t out[3])
{
	if (b < 0x80) {
		out[0] = b;
		return 1;
	}
	switch (e) {
	case CG_ENC_TCVN3:
		out[0] = tcvn3_hi[b - 0x80];
		return 1;
	case CG_ENC_VNI: {
		vni_entry v;
		bool up;
		if (b >= 0xC0 && b <= 0xFC && vni_lookup(b, &v, &up)) {
			if (v.letter) {
				out[0] = up ? vni_upper(v.a) : v.a;
				return 1;
			}
			out[0] = v.a;
			if (!v.b)
				return 1;
			out[1] = v.b;
			return 2;
		}
		out[0] = b < 0xA0 ? cp1252_80[b - 0x80] : b;
		return 1;
	}
	case CG_ENC_CP1258:
		switch (b) {
		case 0xC3: out[0] = 0x0102; return 1;
		case 0xCC: out[0] = 0x0300; return 1;
		case 0xD0: out[0] = 0x0110; return 1;
		case 0xD2: out[0] = 0x0309; return 1;
		case 0xD5: out[0] = 0x01A0; return 1;
		case 0xDD: out[0] = 0x01AF; return 1;
		case 0xDE: out[0] = 0x0303; return 1;
		case 0xE3: out[0] = 0x0103; return 1;
		case 0xEC: out[0] = 0x0301; return 1;
		case 0xF0: out[0] = 0x0111; return 1;
		case 0xF2: out[0] = 0x0323; return 1;
		case 0xF5: out[0] = 0x01A1; return 1;
		case 0xFD: out[0] = 0x01B0; return 1;
		case 0xFE: out[0] = 0x20AB; return 1;
		default: break;
		}
		out[0] = b < 0xA0 ? cp1252_80[b - 0x80] : b; /* as in 1252 */
		return 1;
	default:
		out[0] = b < 0xA0 ? cp1252_80[b - 0x80] : b;
		return 1;
	}
}

static bool is_vowel(unsigned char c)
{
	switch (c | 0x20) {
	case 'a': case 'e': case 'i': case 'o': case 'u': case 'y':
		return true;
	default:
		return false;
	}
}

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Valid UTF-8 except perhaps a sequence cut by the end of the sample. */
static bool utf8_prefix_valid(const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = cg_utf8_seq_len(p + i, n - i);
		if (k == 0) { /* invalid, or cut short by the sample's end */
			if (n - i >= 4 || p[i] < 0xC2 || p[i] > 0xF4)
				return false;
			for (size_t j = i + 1; j < n; j++)
				if ((p[j] & 0xC0) != 0x80)
					return false;
			return true;
		}
		i += k;
	}
	return true;
}

cg_sec_enc cg_sec_detect_8bit(const unsigned char *p, size_t n)
{
	if (utf8_prefix_valid(p, n))
		return CG_ENC_UTF8;
	long tcvn = 0, vni = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char b = p[i];
		if (b < 0x80)
			continue;
		unsigned char prev = i ? p[i - 1] : ' ';
		bool after_letter = is_alpha(prev) || prev >= 0x80;
		if (is_vowel(prev) && vni_is_mark(b))
			vni += 2;
		else if (is_alpha(prev) && !is_vowel(prev) && !vni_is_letter(b) &&
			 b >= 0xA1)
			tcvn += 2;
		else if (!after_letter && vni_is_mark(b))
			tcvn += 1; /* VNI marks never start a word */
	}
	if (vni > tcvn)
		return CG_ENC_VNI;
	if (tcvn > 0)
		return CG_ENC_TCVN3;
	return CG_ENC_CP1252;
}

void cg_sec_textdec_init(cg_sec_textdec *d, cg_sec_enc enc)
{
	memset(d, 0, sizeof *d);
	d->enc = enc;
}

static inline bool is_break(uint32_t c)
{
	return c == '\n' || c == '\r' || c == '\f' || c == '\v' ||
	       c == 0x2028 || c == 0x2029 || c == 0x85;
}

static bool feed_8bit(cg_sec_textdec *d, cg_sec_sink *s,
		      const unsigned char *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t start = i;
		while (i < n && p[i] < 0x80 && !is_break(p[i]))
			i++;
		cg_sec_sink_put(s, (const char *)p + start, i - start);
		if (i == n)
			break;
		if (p[i] < 0x80) { /* a line break */
			if (cg_sec_sink_end(s))
				return true;
		} else {
			uint32_t cps[3];
			int k = cg_sec_decode_byte(d->enc, p[i], cps);
			for (int j = 0; j < k; j++)
				cg_sec_sink_cp(s, cps[j]);
		}
		i++;
	}
	return cg_sec_sink_found(s);
}

static bool put_cp(cg_sec_sink *s, uint32_t cp)
{
	if (is_break(cp))
		return cg_sec_sink_end(s);
	cg_sec_sink_cp(s, cp);
	return false;
}

static bool feed_utf16(cg_sec_textdec *d, cg_sec_sink *s,
		       const unsigned char *p, size_t n)
{
	bool be = d->enc == CG_ENC_UTF16BE;
	size_t i = 0;
	while (i < n) {
		d->carry[d->ncarry++] = p[i++];
		if (d->ncarry < 2)
			continue;
		d->ncarry = 0;
		uint32_t u = be ? (uint32_t)(d->carry[0] << 8 | d->carry[1])
				: (uint32_t)(d->carry[1] << 8 | d->carry[0]);
		if (u >= 0xD800 && u <= 0xDBFF) {
			d->hi_surrogate = u;
			continue;
		}
		uint32_t cp = u;
		if (u >= 0xDC00 && u <= 0xDFFF) {
			cp = d->hi_surrogate
				     ? 0x10000 + ((d->hi_surrogate - 0xD800) << 10) +
					       (u - 0xDC00)
				     : 0xFFFD;
		} else if (d->hi_surrogate) {
			cg_sec_sink_cp(s, 0xFFFD);
		}
		d->hi_surrogate = 0;
		if (cp == 0xFEFF)
			continue;
		if (put_cp(s, cp))
			return true;
	}
	return cg_sec_sink_found(s);
}

bool cg_sec_textdec_feed(cg_sec_textdec *d, cg_sec_sink *s,
			 const unsigned char *p, size_t n)
{
	switch (d->enc) {
	case CG_ENC_UTF8:
		return cg_sec_sink_lines(s, (const char *)p, n);
	case CG_ENC_UTF16LE:
	case CG_ENC_UTF16BE:
		return feed_utf16(d, s, p, n);
	default:
		return feed_8bit(d, s, p, n);
	}
}

bool cg_sec_textdec_end(cg_sec_textdec *d, cg_sec_sink *s)
{
	(void)d;
	return cg_sec_sink_end(s);
}

static cg_err put_utf8(cg_buf *out, uint32_t cp)
{
	char tmp[4];
	size_t k;
	if (cp >= 0xD800 && cp <= 0xDFFF)
		cp = 0xFFFD;
	if (cp < 0x80) {
		tmp[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		tmp[0] = (char)(0xC0 | (cp >> 6));
		tmp[1] = (char)(0x80 | (cp & 0x3F));
		k = 2;
	} else if (cp < 0x10000) {
		tmp[0] = (char)(0xE0 | (cp >> 12));
		tmp[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		tmp[2] = (char)(0x80 | (cp & 0x3F));
		k = 3;
	} else {
		tmp[0] = (char)(0xF0 | (cp >> 18));
		tmp[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		tmp[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		tmp[3] = (char)(0x80 | (cp & 0x3F));
		k = 4;
	}
	return cg_buf_append(out, tmp, k);
}

cg_err cg_sec_decode_all(cg_sec_enc e, const unsigned char *p, size_t n,
			 cg_buf *out)
{
	cg_err err = CG_OK;
	if (e == CG_ENC_UTF8)
		return cg_utf8_sanitize(out, cg_slice_from((const char *)p, n));
	if (e == CG_ENC_UTF16LE || e == CG_ENC_UTF16BE) {
		bool be = e == CG_ENC_UTF16BE;
		uint32_t hi = 0;
		for (size_t i = 0; i + 1 < n && !err; i += 2) {
			uint32_t u = be ? (uint32_t)(p[i] << 8 | p[i + 1])
					: (uint32_t)(p[i + 1] << 8 | p[i]);
			if (u >= 0xD800 && u <= 0xDBFF) {
				hi = u;
				continue;
			}
			if (u >= 0xDC00 && u <= 0xDFFF)
				u = hi ? 0x10000 + ((hi - 0xD800) << 10) + (u - 0xDC00)
				       : 0xFFFD;
			hi = 0;
			if (u != 0xFEFF)
				err = put_utf8(out, u);
		}
		return err;
	}
	for (size_t i = 0; i < n && !err; i++) {
		uint32_t cps[3];
		int k = cg_sec_decode_byte(e, p[i], cps);
		for (int j = 0; j < k && !err; j++)
			err = put_utf8(out, cps[j]);
	}
	return err;
}

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Go's build information (.go.buildinfo): the Go version and the main
 * module, in the pointer format of Go 1.13-1.17 and the inline one of 1.18
 * and later. Hand-written and fuzzed (tests/fuzz/fuzz_gobuildinfo.c).
 */
#include <errno.h>
#include <string.h>
#include "go/gobin.h"
#include "go/gobytes.h"

static const uint8_t buildinfo_magic[14] = "\xff Go buildinf:";

/* Go's uvarint-prefixed string at buf[*pos]; NULL when malformed. */
static const uint8_t *uvarint_string(const uint8_t *buf, size_t len, size_t *pos, uint64_t *slen)
{
	uint64_t v = 0;
	int shift;
	const uint8_t *s;

	for (shift = 0;; shift += 7) {
		uint8_t b;

		if (shift > 63 || *pos >= len)
			return NULL;
		b = buf[(*pos)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	if (!in_bounds(len, *pos, v))
		return NULL;
	s = buf + *pos;
	*pos += v;
	*slen = v;
	return s;
}

/*
 * Main module path from the module info text: "path\t<pkg>\nmod\t<path>\t...".
 * The text is framed by two 16-byte sentinels when present.
 */
static void parse_modinfo(const uint8_t *mod, uint64_t len, char *out, size_t size)
{
	static const char *keys[] = { "mod\t", "path\t" };
	uint64_t i, k;

	out[0] = 0;
	if (len < 33 || mod[len - 17] != '\n')
		return;
	mod += 16;
	len -= 32;
	for (k = 0; k < 2; k++) {
		size_t kl = strlen(keys[k]);

		for (i = 0; i < len; i++) {
			uint64_t j;

			if ((i && mod[i - 1] != '\n') || len - i < kl || memcmp(mod + i, keys[k], kl))
				continue;
			i += kl;
			for (j = i; j < len && mod[j] != '\t' && mod[j] != '\n'; j++)
				;
			if (j - i == 0 || j - i >= size)
				break;
			memcpy(out, mod + i, j - i);
			out[j - i] = 0;
			return;
		}
	}
}

/* Copies a version string; one too long for dst keeps its first word. */
static int copy_str(char *dst, size_t size, const uint8_t *s, uint64_t n)
{
	const uint8_t *sp;

	if (n == 0 || memchr(s, 0, n))
		return -EINVAL;
	if (n >= size) {
		sp = memchr(s, ' ', size - 1);
		if (!sp || sp == s)
			return -EINVAL;
		n = (uint64_t)(sp - s);
	}
	memcpy(dst, s, n);
	dst[n] = 0;
	return 0;
}

/* Reads the Go string header {ptr, len} at vaddr, then up to max bytes of it. */
static int read_gostring(gobin_read_fn rd, void *ctx, uint64_t vaddr, int ps, int be,
			 uint8_t *dst, size_t max, uint64_t *n)
{
	uint8_t hdr[16];
	uint64_t ptr, len;
	int err;

	err = rd(ctx, vaddr, hdr, 2 * ps);
	if (err)
		return err;
	ptr = get_uint(hdr, ps, be);
	len = get_uint(hdr + ps, ps, be);
	if (len > max)
		len = max;
	err = rd(ctx, ptr, dst, len);
	if (err)
		return err;
	*n = len;
	return 0;
}

int gobuildinfo_parse(const void *buf, size_t len, gobin_read_fn rd, void *ctx,
		      struct gobuildinfo *bi)
{
	const uint8_t *d = buf, *v, *m;
	uint64_t vlen, mlen;
	size_t pos;
	int ps, flags, err;

	if (!buf || !bi)
		return -EINVAL;
	memset(bi, 0, sizeof(*bi));
	if (len < 32 || memcmp(d, buildinfo_magic, sizeof(buildinfo_magic)))
		return -ENOENT;
	ps = d[14];
	flags = d[15];
	if (ps != 4 && ps != 8)
		return -EINVAL;

	if (flags & 2) {
		/* Go 1.18+: inline strings after the 32-byte header. */
		pos = 32;
		v = uvarint_string(d, len, &pos, &vlen);
		if (!v)
			return -EINVAL;
		m = uvarint_string(d, len, &pos, &mlen);
		if (!m)
			return -EINVAL;
		err = copy_str(bi->version, sizeof(bi->version), v, vlen);
		if (err)
			return err;
		parse_modinfo(m, mlen, bi->module, sizeof(bi->module));
		return 0;
	} else {
		/* Go 1.13-1.17: pointers to string headers. */
		uint8_t vb[sizeof(bi->version)];
		uint8_t mb[4096];
		int be = flags & 1;

		if (!rd)
			return -ENOTSUP;
		if (len < 16 + 2 * (size_t)ps)
			return -EINVAL;
		err = read_gostring(rd, ctx, get_uint(d + 16, ps, be), ps, be, vb,
				    sizeof(vb) - 1, &vlen);
		if (err)
			return err == -ENOENT ? -EINVAL : err;
		err = copy_str(bi->version, sizeof(bi->version), vb, vlen);
		if (err)
			return err;
		err = read_gostring(rd, ctx, get_uint(d + 16 + ps, ps, be), ps, be, mb,
				    sizeof(mb), &mlen);
		if (!err)
			parse_modinfo(mb, mlen, bi->module, sizeof(bi->module));
		return 0;
	}
}

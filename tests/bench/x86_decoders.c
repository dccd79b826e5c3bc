// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * x86_decoders BINARY OBJDUMP_LISTING: how well bpfkit's former hand-written
 * x86-64 length decoder (x86_len_handwritten.c), capstone and zydis (which
 * common/go/x86_insn.c now uses) find the instruction
 * boundaries and RET sites of every function of a Go binary (functions from
 * pclntab), against objdump's disassembly of the same bytes as the
 * reference, and how fast. Run by tests/bench/x86_decoders.sh; not part of
 * make check (capstone and zydis are not build dependencies).
 */
#include <capstone/capstone.h>
#include <Zydis/Zydis.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "go/gobin.h"
#include "go/x86_insn.h"

int handwritten_insn_len(const uint8_t *p, size_t n);
int handwritten_insn_is_ret(const uint8_t *p, size_t len);

/* objdump's view: instruction start addresses (sorted) and which are RETs. */
static uint64_t *ref_addr;
static uint8_t *ref_ret;
static size_t nref;

static void load_ref(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t cap = 0;

	if (!f) {
		perror(path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char *tab;

		if (sscanf(line, " %llx:", &a) != 1 || !(tab = strchr(line, '\t')))
			continue;
		if (nref == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			ref_addr = realloc(ref_addr, cap * sizeof(*ref_addr));
			ref_ret = realloc(ref_ret, cap);
		}
		tab++;
		while (*tab == ' ')
			tab++;
		ref_addr[nref] = a;
		ref_ret[nref] = !strncmp(tab, "ret", 3) || !strncmp(tab, "lret", 4);
		nref++;
	}
	fclose(f);
}

static size_t ref_lower(uint64_t a)
{
	size_t lo = 0, hi = nref;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ref_addr[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

enum { D_OWN, D_CAPSTONE, D_ZYDIS, ND };
static const char *names[ND] = { "hand-written", "capstone 4", "zydis 4" };
static csh cs;
static ZydisDecoder zd;

/* Length of the instruction at p, -1 if invalid; *ret: it is a RET. */
static int decode(int d, const uint8_t *p, size_t n, uint64_t addr, int *ret)
{
	switch (d) {
	case D_OWN: {
		int l = handwritten_insn_len(p, n);

		*ret = l > 0 && handwritten_insn_is_ret(p, l);
		return l;
	}
	case D_CAPSTONE: {
		static cs_insn *insn;
		const uint8_t *c = p;
		size_t sz = n < 16 ? n : 16;
		uint64_t a = addr;

		if (!insn)
			insn = cs_malloc(cs);
		if (!cs_disasm_iter(cs, &c, &sz, &a, insn))
			return -1;
		*ret = insn->id == X86_INS_RET || insn->id == X86_INS_RETF ||
		       insn->id == X86_INS_RETFQ;
		return insn->size;
	}
	default: {
		ZydisDecodedInstruction in;

		if (!ZYAN_SUCCESS(ZydisDecoderDecodeInstruction(&zd, NULL, p, n, &in)))
			return -1;
		*ret = in.mnemonic == ZYDIS_MNEMONIC_RET;
		return in.length;
	}
	}
}

struct stats {
	size_t funcs, funcs_ok, insns, wrong, missed, fail, rets, rets_ref, rets_wrong;
	double secs;
};

int main(int argc, char **argv)
{
	struct stats st[ND] = {};
	struct gobin *gb;
	struct stat sb;
	uint8_t *map;
	size_t nf;
	int fd, err;

	if (argc != 3) {
		fprintf(stderr, "usage: x86_decoders BINARY OBJDUMP_LISTING\n");
		return 64;
	}
	load_ref(argv[2]);
	err = gobin_open(argv[1], &gb);
	fd = open(argv[1], O_RDONLY);
	if (err || fd < 0 || fstat(fd, &sb)) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(err ? -err : errno));
		return 1;
	}
	map = mmap(NULL, sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
	cs_open(CS_ARCH_X86, CS_MODE_64, &cs);
	ZydisDecoderInit(&zd, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
	ZydisDecoderEnableMode(&zd, ZYDIS_DECODER_MODE_MINIMAL, ZYAN_TRUE);
	nf = gobin_func_count(gb);
	for (int d = 0; d < ND; d++) {
		double best = 1e9;

		for (int rep = 0; rep < 3; rep++) {
			struct stats s = {};
			struct timespec t0, t1;

			clock_gettime(CLOCK_MONOTONIC, &t0);
			for (size_t i = 0; i < nf; i++) {
				struct gofunc f;
				uint64_t off, pos;
				size_t r, rend;
				int bad = 0;

				if (gobin_func(gb, i, &f) || f.end <= f.entry ||
				    gobin_vaddr_to_offset(gb, f.entry, &off) ||
				    off + (f.end - f.entry) > (uint64_t)sb.st_size)
					continue;
				s.funcs++;
				r = ref_lower(f.entry);
				rend = ref_lower(f.end);
				for (size_t k = r; k < rend; k++)
					s.rets_ref += ref_ret[k];
				for (pos = f.entry; pos < f.end;) {
					int isret, l = decode(d, map + off + (pos - f.entry), f.end - pos,
							      pos, &isret);

					if (l <= 0 && rep == 0 && getenv("X86_SHOW"))
						printf("%s: fails at %s+0x%llx\n", names[d], f.name,
						       (unsigned long long)(pos - f.entry));
					if (l <= 0) {
						s.fail++;
						bad = 1;
						break;
					}
					s.insns++;
					while (r < rend && ref_addr[r] < pos) {
						s.missed++;
						bad = 1;
						r++;
					}
					if (r < rend && ref_addr[r] == pos) {
						if (isret != ref_ret[r])
							s.rets_wrong++;
						r++;
					} else {
						if (rep == 0 && getenv("X86_SHOW"))
							printf("%s: wrong at %s+0x%llx (0x%llx)\n", names[d],
							       f.name, (unsigned long long)(pos - f.entry),
							       (unsigned long long)pos);
						s.wrong++;
						bad = 1;
					}
					s.rets += isret;
					pos += l;
				}
				s.funcs_ok += !bad;
			}
			clock_gettime(CLOCK_MONOTONIC, &t1);
			s.secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
			if (s.secs < best) {
				best = s.secs;
				st[d] = s;
			}
		}
	}
	printf("%s (%s): %zu functions, %zu instructions in objdump's listing\n", argv[1],
	       gobin_go_version(gb) ? gobin_go_version(gb) : "?", st[0].funcs, nref);
	printf("%-18s %10s %10s %8s %8s %6s %8s %8s %9s %9s\n", "decoder", "funcs_ok", "insns",
	       "wrong", "missed", "fail", "rets", "ret_ref", "ret_wrong", "ns/insn");
	for (int d = 0; d < ND; d++)
		printf("%-18s %10zu %10zu %8zu %8zu %6zu %8zu %8zu %9zu %9.1f\n", names[d],
		       st[d].funcs_ok, st[d].insns, st[d].wrong, st[d].missed, st[d].fail,
		       st[d].rets, st[d].rets_ref, st[d].rets_wrong,
		       st[d].secs * 1e9 / (st[d].insns ? st[d].insns : 1));
	gobin_close(gb);
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * Reading Go binaries from user space: functions and lines from pclntab,
 * the Go version and main module from .go.buildinfo, DWARF (libdw: the
 * binary's own, or its separate debug file found by build id or
 * .gnu_debuglink), file offsets and RET sites for uprobes (Go tools must not use uretprobes: the Go runtime aborts
 * when it finds the trampoline address on a goroutine stack).
 *
 * The binary is untrusted input: every read is bounds-checked and every loop
 * bounded. All functions return 0 or a negative errno and never print.
 * Files: gobin.c (ELF through libelf, the rest), pclntab.c, buildinfo.c,
 * godwarf.c (libdw).
 *
 * Typical use:
 *
 *	struct gobin *gb;
 *	struct gofunc f;
 *	uint64_t off, rets[64];
 *	size_t n;
 *
 *	err = gobin_open(path, &gb);
 *	err = gobin_find_func(gb, "main.greet", &f);
 *	err = gobin_vaddr_to_offset(gb, f.entry, &off);      entry uprobe
 *	err = gobin_ret_sites(gb, &f, rets, 64, &n);          one uprobe per RET
 *	gobin_close(gb);
 */
#ifndef BPFKIT_GOBIN_H
#define BPFKIT_GOBIN_H

#include <stddef.h>
#include <stdint.h>

struct gobin; /* opaque: an open Go ELF binary */

/* One function. Addresses are link-time virtual addresses. */
struct gofunc {
	const char *name;  /* valid until gobin_close() */
	uint64_t entry;	   /* first instruction */
	uint64_t end;	   /* .symtab size when present, else the next function's entry */
	int is_wrapper;	   /* ABI wrapper: a second copy under the same name; probe the other */
	size_t index;	   /* position in the function table (gobin_func()) */
	uint8_t func_id;   /* the runtime's funcID (0: normal; see gobin_wrapper_id()) */
};

/*
 * Opens and parses path. Errors: -ENOENT (and other open/mmap errors),
 * -ENOEXEC not an ELF file or no usable Go pclntab, -EINVAL malformed ELF
 * headers. Finds pclntab by section (.gopclntab, .data.rel.ro.gopclntab),
 * by the runtime.pclntab symbol, or by scanning non-executable segments.
 */
int gobin_open(const char *path, struct gobin **out);
/* The same on a caller-owned buffer, which must outlive the gobin (fuzzing). */
int gobin_open_mem(const void *buf, size_t len, struct gobin **out);
void gobin_close(struct gobin *gb);

/* "go1.19.8", or NULL when the binary has no readable build info. */
const char *gobin_go_version(const struct gobin *gb);
/* Main module path ("example.com/app"), or NULL when unknown. */
const char *gobin_main_module(const struct gobin *gb);
/* ELF e_machine (EM_X86_64, EM_AARCH64, ...). */
int gobin_machine(const struct gobin *gb);

/*
 * Offset of goid in runtime.g: from DWARF (runtime.g's goid member) when the
 * binary has it; else as the binary's runtime.newproc1 writes it
 * (gobin_goid_offset_code()), checked against the release's offset for
 * amd64 and arm64 when both are known: 152 (1.12-1.22), 160 (1.23-1.24),
 * 152 (1.25-1.27). -EPROTO when the two disagree, -ENOTSUP when neither is
 * known: a guess would read garbage.
 */
int gobin_goid_offset(const struct gobin *gb);
/* The same table on a version string; machine is an ELF e_machine. */
int gobin_goid_offset_for(const char *go_version, int machine);

/* Functions in pclntab order (sorted by entry), wrappers included. */
size_t gobin_func_count(const struct gobin *gb);
/* -ENOENT when i is out of range, -EINVAL when the entry is malformed. */
int gobin_func(const struct gobin *gb, size_t i, struct gofunc *f);
/* Exact name, skipping wrappers. -ENOENT when absent. */
int gobin_find_func(const struct gobin *gb, const char *name, struct gofunc *f);
/*
 * Iterates over the non-wrapper functions whose names match the fnmatch(3)
 * pattern: set *iter = 0 first; returns 0 per match, -ENOENT at the end.
 */
int gobin_match_func(const struct gobin *gb, const char *pattern, size_t *iter,
		     struct gofunc *f);

/*
 * The function containing pc, and its source file and line (file and line
 * may be NULL). For a return address from a stack trace pass pc - 1.
 * -ENOENT when no function contains pc; *file NULL / *line 0 when the
 * function has no line table.
 */
int gobin_pc_info(const struct gobin *gb, uint64_t pc, struct gofunc *f, const char **file,
		  int *line);
/* One frame of a PC: a function, maybe inlined, and where in it. */
struct gofunc_frame {
	const char *name;	/* valid until gobin_close() */
	const char *file;	/* NULL without line tables */
	int line;
};

/*
 * The frames at pc, innermost first: the functions inlined there (from
 * pclntab's inlining tree), then the function containing pc. Stores up to
 * max and returns how many there are (>= 1; more than max means some were
 * left out), or -ENOENT when no function contains pc. Without an inlining
 * tree it can read (Go before 1.18, a gofunc base it cannot find) it gives
 * the one frame of gobin_pc_info(). For a return address pass pc - 1.
 */
int gobin_pc_frames(const struct gobin *gb, uint64_t pc, struct gofunc_frame *frames,
		    size_t max);

/*
 * "main.greet /src/app/main.go:27" into buf (truncated to size), or
 * "main.greet+0x1a" without line info. -ENOENT when pc is in no function.
 */
int gobin_symbolize(const struct gobin *gb, uint64_t pc, char *buf, size_t size);

/* ELF file offset of vaddr, as uprobes want it; works for PIE. -ENOENT if unmapped. */
int gobin_vaddr_to_offset(const struct gobin *gb, uint64_t vaddr, uint64_t *off);

/*
 * Virtual addresses of every return instruction in [f->entry, f->end):
 * x86-64 by linear-sweep decoding (C3, C2 iw, CB, CA iw), arm64 RET Xn.
 * Stores up to max addresses (vaddrs may be NULL when max is 0, to count)
 * and sets *n to the number found; returns
 * -E2BIG when that is more than max, -EILSEQ when the bytes do not decode
 * (never guess an instruction boundary: a probe inside an instruction
 * corrupts the program), -ENOTSUP for other architectures.
 */
int gobin_ret_sites(const struct gobin *gb, const struct gofunc *f, uint64_t *vaddrs,
		    size_t max, size_t *n);

/* n bytes of the file at vaddr (code, data), or NULL when not all in one segment. */
const uint8_t *gobin_bytes(const struct gobin *gb, uint64_t vaddr, uint64_t n);

/*
 * funcID of compiler-generated wrappers in this binary (go-statement
 * wrappers among them), read from the function table; -1 unknown.
 */
int gobin_wrapper_id(const struct gobin *gb);

/*
 * Offset of goid in runtime.g as the binary's own runtime.newproc1 writes
 * it: the store of the value read from p.goidcache, the field that is then
 * incremented (newg.goid = pp.goidcache; pp.goidcache++), x86-64 and arm64.
 * -ENOENT when newproc1 is absent, -ESRCH when the code has not exactly one
 * such store, -EILSEQ when it does not decode.
 */
int gobin_goid_offset_code(const struct gobin *gb);

/*
 * Offset of gopc (the PC of the go statement that created the goroutine) in
 * runtime.g: from DWARF when the binary has it, else as the binary's
 * runtime.printcreatedby reads it (gobin_gopc_offset_code()). -ENOENT when
 * neither tells: the field moved between releases, so no table guesses it.
 */
int gobin_gopc_offset(const struct gobin *gb);
/* The first load through printcreatedby's argument: pc := gp.gopc. */
int gobin_gopc_offset_code(const struct gobin *gb);

/*
 * The runtime's waitReasonStrings table (the names of gopark's wait
 * reasons, which changed between releases), read from the binary's data:
 * the array of string headers whose entry 0 is "" and entry 1 is "GC assist
 * marking", as every release since 1.11 has it. *names gets a malloc()ed
 * array of *n malloc()ed strings (free with gobin_wait_reasons_free()).
 * -ENOENT when no such table is found (a PIE binary whose pointers are
 * only relocated at load time, a release that reordered it).
 */
int gobin_wait_reasons(const struct gobin *gb, char ***names, size_t *n);
void gobin_wait_reasons_free(char **names, size_t n);

/*
 * The address of the first instruction of f after it has set up its frame
 * pointer (x86-64): a probe there sees a frame-pointer chain that starts
 * with f's caller, which a probe on the first instruction does not (the
 * caller's BP is still in place). -ENOTSUP on other machines, -ESRCH when
 * the prologue is not one the Go compiler writes.
 */
int gobin_frame_ready(const struct gobin *gb, const struct gofunc *f, uint64_t *vaddr);

/* Loads through which a wrapper reaches the function value it calls. */
#define GOWRAP_LOADS 4

/* What a go-statement wrapper calls (gobin_go_wrapper()). */
struct gowrap {
	const char *callee;	/* function called or inlined; NULL when called by value */
	uint64_t callee_entry;	/* 0 when inlined or called by value */
	int inlined;		/* the callee's body is inlined into the wrapper */
	/*
	 * Called by value (a func variable, a method value, an interface
	 * method): the code address is found at run time from the closure the
	 * goroutine starts with, by nloads loads: v = closure; v = *(v +
	 * loads[i]) for each i; then v is the address.
	 */
	int nloads;
	int32_t loads[GOWRAP_LOADS];
};

/*
 * Whether f is the closure the compiler writes for a go statement with
 * arguments (`go f(x)`: pkg.fn.func1 on Go 1.17-1.21, pkg.fn.gowrap1 since
 * 1.22, both with the wrapper funcID), and what it calls: 0 with *w filled,
 * -ENOENT when f is no such wrapper, -ESRCH when it is one whose callee is
 * not found (an unusual body), -EILSEQ when its code does not decode.
 */
int gobin_go_wrapper(const struct gobin *gb, const struct gofunc *f, struct gowrap *w);

/*
 * The name of the Go type whose descriptor (runtime._type, abi.Type) is at
 * type_vaddr, a link-time address ("*main.T", "string", "map[string]int"),
 * into buf (truncated to size): what an interface's type word or its itab's
 * type points at. The name comes from the binary's own type data, found by
 * the runtime.types symbol or, stripped, by the typelinks section (the
 * .go.type section in Go 1.27); no DWARF.
 * -ENOTSUP when the type data is not found (32-bit, no typelinks nor .go.type),
 * -ENOENT when type_vaddr is not a descriptor whose name decodes.
 */
int gobin_type_name(const struct gobin *gb, uint64_t type_vaddr, char *buf, size_t size);

/* The reflect.Kind and size of the type whose descriptor is at type_vaddr;
 * -ENOENT when it is not in the binary. */
int gobin_type_kind(const struct gobin *gb, uint64_t type_vaddr, int *kind, uint64_t *size);

/* ---- in-memory parsers, exposed for unit tests and fuzzing ---- */

enum gopcln_version {
	GOPCLN_12 = 12,	  /* 0xfffffffb: Go 1.2-1.15 */
	GOPCLN_116 = 116, /* 0xfffffffa: Go 1.16-1.17 */
	GOPCLN_118 = 118, /* 0xfffffff0: Go 1.18-1.19 */
	GOPCLN_120 = 120, /* 0xfffffff1: Go 1.20+ */
};

/* A parsed pclntab: offsets into data, all checked against len. */
struct gopclntab {
	const uint8_t *data;
	size_t len;
	int version; /* enum gopcln_version */
	int big_endian;
	uint8_t quantum, ptrsize;
	uint64_t nfunc, nfiles;
	uint64_t text_start; /* from the header, or the caller's fallback when 0 */
	uint64_t funcnametab, cutab, filetab, pctab, funcdata, functab;
};

/* One pclntab entry. */
struct gopcln_func {
	const char *name; /* points into data */
	uint64_t entry, end; /* end: the next entry */
	uint8_t func_id;     /* 0 for Go 1.2-1.15 tables */
	uint64_t off;	     /* offset of the _func record in data */
};

/*
 * Parses a pclntab at buf[0..len). text_start is used when the table has
 * none (1.18+ header field zero, as in Go 1.26 or unrelocated PIE); the
 * header value wins otherwise. -ENOEXEC bad magic, -EINVAL malformed.
 */
int gopclntab_parse(const void *buf, size_t len, uint64_t text_start, struct gopclntab *pt);
int gopclntab_func(const struct gopclntab *pt, size_t i, struct gopcln_func *f);
/* Index of the function containing pc (binary search). -ENOENT if none. */
int gopclntab_find(const struct gopclntab *pt, uint64_t pc, size_t *idx);
/* Source file and line at pc in function idx. -ENOENT without tables. */
int gopclntab_line(const struct gopclntab *pt, size_t idx, uint64_t pc, const char **file,
		   int *line);

/*
 * Value of pc-value table `table` (PCDATA_*, 2 is the inlining index) of
 * function idx at pc; -ENOENT when the function has no such table. Go
 * 1.16 and later.
 */
int gopclntab_pcdata(const struct gopclntab *pt, size_t idx, uint32_t table, uint64_t pc,
		     int32_t *val);
/*
 * Offset of funcdata i (FUNCDATA_*, 3 is the inlining tree) of function idx
 * from the module's gofunc base; -ENOENT when absent. Go 1.18 and later.
 */
int gopclntab_funcdata(const struct gopclntab *pt, size_t idx, uint32_t i, uint32_t *off);
/* A function name at nameoff in funcnametab (inlined calls name theirs so). */
const char *gopclntab_name(const struct gopclntab *pt, uint64_t nameoff);

/* Build info from .go.buildinfo. */
struct gobuildinfo {
	char version[128]; /* "go1.19.8", "go1.23.1 X:nocoverageredesign" */
	char module[256]; /* main module path, "" when absent */
};

/* Reads n bytes at a virtual address, for the pre-1.18 pointer format. */
typedef int (*gobin_read_fn)(void *ctx, uint64_t vaddr, void *dst, size_t n);

/*
 * Parses the blob starting with "\xff Go buildinf:" at buf[0..len). rd may
 * be NULL, which makes the pre-1.18 format fail with -ENOTSUP.
 * -ENOENT no magic, -EINVAL malformed.
 */
int gobuildinfo_parse(const void *buf, size_t len, gobin_read_fn rd, void *ctx,
		      struct gobuildinfo *bi);

/* A parameter or result of a Go function, from DWARF. */
struct godwarf_param {
	char name[64];	  /* "" when unnamed (the compiler's ~r0, ~p0) */
	char type[128];	  /* the Go type's name: "string", "*main.T", "main.Celsius" */
	int kind;	  /* reflect.Kind (DW_AT_go_kind; 24 string, 23 slice, ...), 0 unknown */
	int is_result;
	int nfields;	  /* kinds 25 (struct) and 17 (array): the next nfields entries are
			   * its fields (or its element), each followed by its own */
	int is_field;	  /* one of those: its depth (1: a parameter's field) */
	int elem_kind;	  /* kind 22 (pointer): the pointee's reflect.Kind, 0 unknown */
	int64_t size;	  /* DW_AT_byte_size of the type, -1 unknown */
	int64_t offset;	  /* a field: its offset in the struct (an element: 0) */
	int64_t count;	  /* kind 17 (array): its length */
};

/*
 * The parameters then the results of Go function func, in order, from
 * DWARF (gotrace decodes arguments with them). -ENOENT without DWARF or
 * without the function, -E2BIG when it has more than max (or 64).
 */
int gobin_func_params(const struct gobin *gb, const char *func, struct godwarf_param *p,
		      size_t max, size_t *n);
#endif

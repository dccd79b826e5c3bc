/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* gotrace's event ABI, shared by bpf/gotrace.bpf.c and tools/gotrace.c. */
#ifndef GOTRACE_H
#define GOTRACE_H

/* Integer registers of Go's ABIInternal on amd64, in assignment order:
 * RAX, RBX, RCX, RDI, RSI, R8, R9, R10, R11. */
#define GOTRACE_REGS 9
/* Strings read per call, for the arguments and for the results. */
#define GOTRACE_STRS 4
/* Bytes kept of each string (a power of two). */
#define GOTRACE_STR_LEN 64
/* Words read through a register's value per call (interface types, map
 * lengths), for the arguments and for the results. */
#define GOTRACE_WORDS 4
/* An unused slot of gotrace_spec. */
#define GOTRACE_NONE 0xff

/* Per function: which registers hold a string's pointer (its length is in the next). */
struct gotrace_spec {
	__u8 arg_str[GOTRACE_STRS];
	__u8 ret_str[GOTRACE_STRS];
	/* ... which registers hold an address, and the offset of the word read there
	 * (8: an itab's type, 0: a map's length) */
	__u8 arg_word[GOTRACE_WORDS];
	__u8 arg_word_off[GOTRACE_WORDS];
	__u8 ret_word[GOTRACE_WORDS];
	__u8 ret_word_off[GOTRACE_WORDS];
};

struct gotrace_event {
	__u64 ts_ns;		/* at the return */
	__u64 lat_ns;		/* entry to return */
	__u64 goid;
	__u64 args[GOTRACE_REGS];	/* registers at the entry */
	__u64 rets[GOTRACE_REGS];	/* registers at the RET */
	__u64 entry_ip;		/* the function's entry as mapped (the load bias of a PIE) */
	__u64 arg_words[GOTRACE_WORDS];	/* read at the entry, as gotrace_spec says */
	__u64 ret_words[GOTRACE_WORDS];	/* read at the RET */
	__u32 tgid;
	__u32 tid;		/* thread at the return */
	__u32 func;		/* index in the tool's function table */
	__u8 arg_str_ok;	/* bit i: arg_str[i] was read */
	__u8 ret_str_ok;
	__u8 arg_word_ok;	/* bit i: arg_words[i] was read */
	__u8 ret_word_ok;
	char arg_str[GOTRACE_STRS][GOTRACE_STR_LEN];	/* not NUL-terminated */
	char ret_str[GOTRACE_STRS][GOTRACE_STR_LEN];
};

#endif

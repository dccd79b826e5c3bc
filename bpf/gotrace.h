/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* gotrace's event ABI, shared by bpf/gotrace.bpf.c and tools/gotrace.c. */
#ifndef GOTRACE_H
#define GOTRACE_H

/* Integer registers of Go's ABIInternal, in assignment order: amd64 RAX,
 * RBX, RCX, RDI, RSI, R8, R9, R10, R11; arm64 R0-R15. */
#if defined(__TARGET_ARCH_arm64) || defined(__aarch64__)
#define GOTRACE_REGS 16
#else
#define GOTRACE_REGS 9
#endif
/* Words of arguments (and of results) passed on the stack read per call:
 * they follow the registers in the event's args (rets), as if registers. */
#define GOTRACE_STACK_WORDS 16
#define GOTRACE_ALL (GOTRACE_REGS + GOTRACE_STACK_WORDS)
/* Strings read per call, for the arguments and for the results. */
#define GOTRACE_STRS 4
/* Bytes kept of each string (a power of two). */
#define GOTRACE_STR_LEN 64
/* Words read through a register's value per call (interface types, map
 * lengths), for the arguments and for the results. */
#define GOTRACE_WORDS 8
/* A string slot whose pointer and length are not in registers but the
 * words read at slots i and i+1 (a string held in an interface):
 * GOTRACE_VIA_WORD | i. */
#define GOTRACE_VIA_WORD 0x80
/* An unused slot of gotrace_spec. */
#define GOTRACE_NONE 0xff

/*
 * Per function: which words (registers, then stack words) hold a string's
 * pointer (its length is in the next). Stack words: arguments from SP+8 at
 * the entry, arg_stack_len bytes; results from SP+8+ret_stack_off at the
 * RET, ret_stack_len bytes (multiples of 8, at most GOTRACE_STACK_WORDS * 8).
 */
struct gotrace_spec {
	__u16 arg_stack_len;
	__u16 ret_stack_off;
	__u16 ret_stack_len;
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
	__u64 args[GOTRACE_ALL];	/* registers then stack words at the entry */
	__u64 rets[GOTRACE_ALL];	/* registers then stack words at the RET */
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
	__u8 arg_stack_ok;	/* the stack words of gotrace_spec were read */
	__u8 ret_stack_ok;
	char arg_str[GOTRACE_STRS][GOTRACE_STR_LEN];	/* not NUL-terminated */
	char ret_str[GOTRACE_STRS][GOTRACE_STR_LEN];
};

#endif

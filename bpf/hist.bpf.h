/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* Log2 and linear histogram slots, as common/core/hist.c prints them. */
#ifndef BPFKIT_HIST_BPF_H
#define BPFKIT_HIST_BPF_H

#define BK_LOG2_SLOTS 32

/* floor(log2(v)), 0 for 0 and 1. */
static __always_inline __u32 bk_log2(__u64 v)
{
	__u32 r = 0, shift;

	shift = (v > 0xFFFFFFFF) << 5; v >>= shift; r |= shift;
	shift = (v > 0xFFFF) << 4; v >>= shift; r |= shift;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	return r | (__u32)(v >> 1);
}

/* Slot of v in a log2 histogram, floor(log2(v)): 0 for 0 and 1, 1 for 2-3, ... */
static __always_inline __u32 bk_log2_slot(__u64 v)
{
	__u32 r = bk_log2(v);

	r = r >= BK_LOG2_SLOTS ? BK_LOG2_SLOTS - 1 : r;
	/* An AND the compiler cannot drop: it indexes with a copy of r whose
	 * bound the verifier did not learn from the compare (gogc: "R3
	 * unbounded memory access"). BK_LOG2_SLOTS is a power of two. The unit
	 * tests build this header for the host. */
#ifdef __bpf__
	asm volatile("%[r] &= %[m]" : [r] "+r"(r) : [m] "i"(BK_LOG2_SLOTS - 1));
#endif
	return r;
}

/*
 * Log-linear slots, for percentiles (common/core/hist.h): values below 16
 * one slot each, then 16 slots per power of two, each 1/16 of it wide, so
 * that a slot's middle is within 1/32 of every value in it; the last slot
 * also holds everything from 2^40 up (18 minutes, in ns).
 */
#define BK_LOGLIN_SLOTS (16 + (40 - 4) * 16)

static __always_inline __u32 bk_loglin_slot(__u64 v)
{
	__u32 e;

	if (v < 16)
		return (__u32)v;
	e = bk_log2(v);
	if (e >= 40)
		return BK_LOGLIN_SLOTS - 1;
	return 16 + (e - 4) * 16 + (__u32)((v >> (e - 4)) & 15);
}

/*
 * Adds one latency to a histogram struct with count, total_ns and
 * slots[BK_LOG2_SLOTS] members (shared by many CPUs: atomic adds).
 */
#define bk_hist_add(h, delta_ns, unit_ns)                                       \
	do {                                                                  \
		__sync_fetch_and_add(&(h)->count, 1);                         \
		__sync_fetch_and_add(&(h)->total_ns, (delta_ns));             \
		__sync_fetch_and_add(&(h)->slots[bk_log2_slot((delta_ns) / (unit_ns))], 1); \
	} while (0)

#endif

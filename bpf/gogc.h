/* SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause */
/* gogc's event and map ABI, shared by bpf/gogc.bpf.c and tools/gogc.c. */
#ifndef GOGC_H
#define GOGC_H

#define GOGC_SLOTS 32

/* What a gc_event reports. */
#define GOGC_CYCLE 1	/* a GC cycle begins (its workers are started) */
#define GOGC_STW 2	/* a stop-the-world pause ended */

/* runtime.gcTriggerKind (Go 1.19 src/runtime/mgc.go; the same since 1.9). */
#define GOGC_TRIGGER_HEAP 0
#define GOGC_TRIGGER_TIME 1
#define GOGC_TRIGGER_CYCLE 2	/* runtime.GC(), debug.FreeOSMemory(): forced */

struct gc_event {
	__u64 ts_ns;
	__u64 pause_ns;		/* GOGC_STW: stopTheWorldWithSema entry to startTheWorldWithSema return */
	__u64 cycle;		/* GOGC_CYCLE: cycles of this process since gogc started, from 1 */
	__u64 caller_pc;	/* GOGC_STW: return address of the stopTheWorldWithSema call */
	__u64 probe_ip;		/* GOGC_STW: where its entry probe fired, for the load bias */
	__u64 goid;		/* GOGC_CYCLE: the goroutine starting it */
	__u32 tgid;
	__u32 tid;
	__u32 kind;		/* GOGC_CYCLE or GOGC_STW */
	__s32 trigger;		/* GOGC_CYCLE: GOGC_TRIGGER_*, -1 when unknown */
	__u32 uid;
	__u32 pad;
	char comm[16];
};

/* Every pause of every traced process, in microseconds. */
struct gogc_hist {
	__u64 count;
	__u64 total_ns;
	__u64 max_ns;
	__u32 slots[GOGC_SLOTS];
};

#endif

// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * uflow: the call flow of Python programs, from the interpreter's USDT probes
 * python:function__entry and python:function__return (file, function, line).
 *
 * The call depth is kept per thread here, so that the order of events in the
 * ring buffer does not matter; a thread's entry is dropped when its depth
 * gets back to zero. Returns from calls that began before uflow attached find
 * depth zero and stay there.
 */
#include "events.bpf.h"
#include <bpf/usdt.bpf.h>
#include "uflow.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, __s32);	/* open calls */
} depths SEC(".maps");

static __always_inline void emit(__u32 kind, __s32 depth, const char *file, const char *func,
				 __s32 lineno)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct flow_event *e;

	e = bk_reserve(sizeof(*e));
	if (!e)
		return;
	if (bpf_probe_read_user_str(e->file, sizeof(e->file), file) < 0)
		e->file[0] = 0;
	if (bpf_probe_read_user_str(e->func, sizeof(e->func), func) < 0)
		e->func[0] = 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->cpu = bpf_get_smp_processor_id();
	e->kind = kind;
	e->depth = depth;
	e->lineno = lineno;
	bk_submit(e);
}

/* usdt python:function__entry(const char *filename, const char *funcname, int lineno) */
SEC("usdt")
int BPF_USDT(handle_function, const char *file, const char *func, int lineno)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__s32 *d, one = 1;

	if (bk_filtered(id))
		return 0;
	d = bpf_map_lookup_elem(&depths, &tid);
	if (d) {
		emit(UFLOW_ENTRY, *d, file, func, lineno);
		*d += 1;
	} else {
		emit(UFLOW_ENTRY, 0, file, func, lineno);
		bpf_map_update_elem(&depths, &tid, &one, BPF_ANY);
	}
	return 0;
}

/* usdt python:function__return(const char *filename, const char *funcname, int lineno) */
SEC("usdt")
int BPF_USDT(handle_function_exit, const char *file, const char *func, int lineno)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	__s32 *d, depth = 0;

	if (bk_filtered(id))
		return 0;
	d = bpf_map_lookup_elem(&depths, &tid);
	if (d && *d > 1) {
		*d -= 1;
		depth = *d;
	} else if (d) {
		bpf_map_delete_elem(&depths, &tid);
	}
	emit(UFLOW_RETURN, depth, file, func, lineno);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

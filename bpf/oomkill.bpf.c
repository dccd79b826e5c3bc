// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * oomkill: OOM kills, with the task that triggered them.
 *
 * Preferred path: the oom:mark_victim tracepoint. The task running it is the
 * one whose allocation ran out of memory (the OOM killer runs synchronously in
 * the allocating task, for the system and for memory cgroups alike). Its
 * record names the victim; since Linux 6.8 it also carries the victim's comm,
 * total_vm and uid, read here only where the kernel has them. Older kernels
 * use fentry, or a kprobe, on oom_kill_process(), whose oom_control names the
 * chosen victim and the memory the OOM killer had.
 */
#include "events.bpf.h"
#include "oomkill.h"

/* log2(page size) - 10, to turn the tracepoint's kB into pages. */
const volatile __u32 targ_kb_page_shift = 2;

static __always_inline struct oom_event *start_event(void)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct oom_event *e;

	e = bk_reserve(sizeof(*e));
	if (!e)
		return NULL;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->trigger_tgid = id >> 32;
	e->trigger_tid = (__u32)id;
	e->killed_uid = OOMKILL_UID_UNKNOWN;
	bpf_get_current_comm(e->trigger_comm, sizeof(e->trigger_comm));
	return e;
}

/* tracepoint oom:mark_victim(int pid; since 6.8 also __data_loc comm, total_vm (kB), ..., uid) */
SEC("tracepoint/oom/mark_victim")
int handle_mark_victim(struct trace_event_raw_mark_victim *ctx)
{
	struct oom_event *e = start_event();

	if (!e)
		return 0;
	e->killed_tid = ctx->pid;
	if (bpf_core_field_exists(ctx->__data_loc_comm)) {
		__u32 loc = BPF_CORE_READ(ctx, __data_loc_comm);

		bpf_probe_read_kernel_str(e->killed_comm, sizeof(e->killed_comm),
					  (void *)ctx + (loc & 0xffff));
	}
	if (bpf_core_field_exists(ctx->total_vm))
		e->total_vm_pages = BPF_CORE_READ(ctx, total_vm) >> targ_kb_page_shift;
	if (bpf_core_field_exists(ctx->uid))
		e->killed_uid = BPF_CORE_READ(ctx, uid);
	bk_submit(e);
	return 0;
}

static __always_inline void emit_chosen(struct oom_control *oc)
{
	struct task_struct *victim = BPF_CORE_READ(oc, chosen);
	struct oom_event *e = start_event();

	if (!e)
		return;
	e->killed_tid = BPF_CORE_READ(victim, pid);
	BPF_CORE_READ_STR_INTO(&e->killed_comm, victim, comm);
	e->killed_uid = BPF_CORE_READ(victim, real_cred, uid.val);
	e->total_vm_pages = BPF_CORE_READ(victim, mm, total_vm);
	e->limit_pages = BPF_CORE_READ(oc, totalpages);
	bk_submit(e);
}

/* fentry void oom_kill_process(struct oom_control *oc, const char *message) */
SEC("fentry/oom_kill_process")
int BPF_PROG(handle_oom_kill_fentry, struct oom_control *oc, const char *message)
{
	emit_chosen(oc);
	return 0;
}

/* kprobe void oom_kill_process(struct oom_control *oc, const char *message) */
SEC("kprobe/oom_kill_process")
int BPF_KPROBE(handle_oom_kill_kprobe, struct oom_control *oc, const char *message)
{
	emit_chosen(oc);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * ttysnoop: what processes write to a terminal (a tty or a pseudo-terminal's
 * slave side), as it was written.
 *
 * tty_write() has no tracepoint and this tool must run without kprobes, so
 * it watches write(2): the entry finds the file behind the fd
 * (bpf/file.bpf.h) and keeps the call when it is the terminal asked for (its
 * device number), or any terminal (the tty, console and pts majors); the
 * exit copies the bytes the call wrote. writev(2) and the kernel's own
 * writes (echo, printk) are not seen: an approximation, said so.
 */
#include "events.bpf.h"
#include "file.bpf.h"
#include "ttysnoop.h"
#include "sysrec.bpf.h"

/* The terminal's device in kernel encoding; 0: every terminal. */
const volatile __u32 targ_rdev = 0;

struct call {
	const char *buf;
	__u32 rdev;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, struct call);
} starts SEC(".maps");

BK_SCRATCH(scratch, struct tty_event);

/* The tty (4), tty/console/ptmx (5) and UNIX 98 pty slave (136-143) majors. */
static __always_inline bool is_terminal(__u32 rdev)
{
	__u32 major = BK_KDEV_MAJOR(rdev);

	return major == 4 || major == 5 || (major >= 136 && major <= 143);
}

/* tracepoint syscalls:sys_enter_write(unsigned int fd, const char *buf, size_t count) */
SEC("tracepoint/syscalls/sys_enter_write")
int handle_write(struct bk_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, rdev;
	struct call c;
	struct file *f;

	if (bk_filtered(id))
		return 0;
	f = bk_fd_file((long)ctx->args[0]);
	if (!f || bk_file_type(f) != BK_S_IFCHR)
		return 0;
	rdev = BPF_CORE_READ(f, f_inode, i_rdev);
	if (targ_rdev ? rdev != targ_rdev : !is_terminal(rdev))
		return 0;
	c.buf = (const char *)ctx->args[1];
	c.rdev = rdev;
	bk_starts_update(&starts, &tid, &c);
	return 0;
}

/* tracepoint syscalls:sys_exit_write(long ret) */
SEC("tracepoint/syscalls/sys_exit_write")
int handle_write_exit(struct bk_sys_exit *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, n;
	struct tty_event *e;
	struct call *c;
	long ret = ctx->ret;

	c = bpf_map_lookup_elem(&starts, &tid);
	if (!c)
		return 0;
	if (ret <= 0)
		goto out;
	e = bk_scratch(&scratch);
	if (!e)
		goto out;
	n = ret > TTYSNOOP_DATA ? TTYSNOOP_DATA : (__u32)ret;
	e->ts_ns = bpf_ktime_get_ns();
	e->bytes = ret;
	e->tgid = id >> 32;
	e->tid = tid;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->rdev = c->rdev;
	e->str_flags = ret > TTYSNOOP_DATA ? BK_STR_CUT(0) : 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	/* Bounds the verifier can follow. */
	if (n > TTYSNOOP_DATA)
		n = TTYSNOOP_DATA;
	if (bpf_probe_read_user(e->data, n, c->buf)) {
		e->str_flags |= BK_STR_UNREADABLE(0);
		n = 0;
	}
	e->len = n;
	if (n > TTYSNOOP_DATA)
		n = TTYSNOOP_DATA;
	bk_output(e, offsetof(struct tty_event, data) + n);
out:
	bpf_map_delete_elem(&starts, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

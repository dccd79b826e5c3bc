// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * bashreadline: the command lines interactive shells read with readline().
 *
 * One uretprobe on readline(), in bash itself (Debian builds its own copy in)
 * or in libreadline; the user side chooses the file. The line is read from the
 * returned buffer, which bash frees only after it has parsed it.
 */
#include "events.bpf.h"
#include "bashreadline.h"

/* uretprobe char *readline(const char *prompt) */
SEC("uretprobe")
int BPF_KRETPROBE(handle_readline_exit, const char *line)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct line_event *e;

	/* NULL is end of input (Ctrl-D); an empty line is shown, as typed. */
	if (!line || bk_filtered(id))
		return 0;
	e = bk_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->str_flags = 0;
	bk_read_user_str(e->line, sizeof(e->line), line, &e->str_flags, 0);
	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bk_submit(e);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

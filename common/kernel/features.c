// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "kernel/features.h"

/* Helpers 112 on (Linux 5.5 on), in the order of include/uapi/linux/bpf.h. */
static const char *const helper_names[] = {
	[112] = "probe_read_user",
	[113] = "probe_read_kernel",
	[114] = "probe_read_user_str",
	[115] = "probe_read_kernel_str",
	[116] = "tcp_send_ack",
	[117] = "send_signal_thread",
	[118] = "jiffies64",
	[119] = "read_branch_records",
	[120] = "get_ns_current_pid_tgid",
	[121] = "xdp_output",
	[122] = "get_netns_cookie",
	[123] = "get_current_ancestor_cgroup_id",
	[124] = "sk_assign",
	[125] = "ktime_get_boot_ns",
	[126] = "seq_printf",
	[127] = "seq_write",
	[128] = "sk_cgroup_id",
	[129] = "sk_ancestor_cgroup_id",
	[130] = "ringbuf_output",
	[131] = "ringbuf_reserve",
	[132] = "ringbuf_submit",
	[133] = "ringbuf_discard",
	[134] = "ringbuf_query",
	[135] = "csum_level",
	[136] = "skc_to_tcp6_sock",
	[137] = "skc_to_tcp_sock",
	[138] = "skc_to_tcp_timewait_sock",
	[139] = "skc_to_tcp_request_sock",
	[140] = "skc_to_udp6_sock",
	[141] = "get_task_stack",
	[142] = "load_hdr_opt",
	[143] = "store_hdr_opt",
	[144] = "reserve_hdr_opt",
	[145] = "inode_storage_get",
	[146] = "inode_storage_delete",
	[147] = "d_path",
	[148] = "copy_from_user",
	[149] = "snprintf_btf",
	[150] = "seq_printf_btf",
	[151] = "skb_cgroup_classid",
	[152] = "redirect_neigh",
	[153] = "per_cpu_ptr",
	[154] = "this_cpu_ptr",
	[155] = "redirect_peer",
	[156] = "task_storage_get",
	[157] = "task_storage_delete",
	[158] = "get_current_task_btf",
	[159] = "bprm_opts_set",
	[160] = "ktime_get_coarse_ns",
	[161] = "ima_inode_hash",
	[162] = "sock_from_file",
	[163] = "check_mtu",
	[164] = "for_each_map_elem",
	[165] = "snprintf",
	[166] = "sys_bpf",
	[167] = "btf_find_by_name_kind",
	[168] = "sys_close",
	[169] = "timer_init",
	[170] = "timer_set_callback",
	[171] = "timer_start",
	[172] = "timer_cancel",
	[173] = "get_func_ip",
	[174] = "get_attach_cookie",
	[175] = "task_pt_regs",
	[176] = "get_branch_snapshot",
	[177] = "trace_vprintk",
	[178] = "skc_to_unix_sock",
	[179] = "kallsyms_lookup_name",
	[180] = "find_vma",
	[181] = "loop",
	[182] = "strncmp",
	[183] = "get_func_arg",
	[184] = "get_func_ret",
	[185] = "get_func_arg_cnt",
	[186] = "get_retval",
	[187] = "set_retval",
	[188] = "xdp_get_buff_len",
	[189] = "xdp_load_bytes",
	[190] = "xdp_store_bytes",
	[191] = "copy_from_user_task",
	[192] = "skb_set_tstamp",
	[193] = "ima_file_hash",
	[194] = "kptr_xchg",
	[195] = "map_lookup_percpu_elem",
	[196] = "skc_to_mptcp_sock",
	[197] = "dynptr_from_mem",
	[198] = "ringbuf_reserve_dynptr",
	[199] = "ringbuf_submit_dynptr",
	[200] = "ringbuf_discard_dynptr",
	[201] = "dynptr_read",
	[202] = "dynptr_write",
	[203] = "dynptr_data",
	[204] = "tcp_raw_gen_syncookie_ipv4",
	[205] = "tcp_raw_gen_syncookie_ipv6",
	[206] = "tcp_raw_check_syncookie_ipv4",
	[207] = "tcp_raw_check_syncookie_ipv6",
	[208] = "ktime_get_tai_ns",
	[209] = "user_ringbuf_drain",
};

/* The first helper id of each release, oldest first. */
static const struct { int first; const char *since; } helper_releases[] = {
	{ 112, "5.5" }, { 119, "5.6" }, { 120, "5.7" }, { 121, "5.6" }, { 122, "5.7" },
	{ 125, "5.8" }, { 136, "5.9" }, { 142, "5.10" }, { 156, "5.11" }, { 163, "5.12" },
	{ 164, "5.13" }, { 166, "5.14" }, { 169, "5.15" }, { 176, "5.16" }, { 180, "5.17" },
	{ 186, "5.18" }, { 194, "5.19" }, { 204, "6.0" }, { 208, "6.1" }, { 210, NULL },
};

const char *bk_helper_name(int id)
{
	if (id < 0 || (size_t)id >= sizeof(helper_names) / sizeof(helper_names[0]))
		return NULL;
	return helper_names[id];
}

const char *bk_helper_since(int id)
{
	const char *since = NULL;

	for (size_t i = 0; i < sizeof(helper_releases) / sizeof(helper_releases[0]); i++)
		if (id >= helper_releases[i].first)
			since = helper_releases[i].since;
	return since;
}

const char *bk_map_type_since(enum bpf_map_type type)
{
	switch ((int)type) {
	case 26: return "5.6";	/* struct_ops */
	case 27: return "5.8";	/* ringbuf */
	case 28: return "5.10";	/* inode_storage */
	case 29: return "5.11";	/* task_storage */
	case 30: return "5.16";	/* bloom_filter */
	case 31: return "6.1";	/* user_ringbuf */
	case 32: return "6.2";	/* cgrp_storage */
	default: return NULL;
	}
}

static int say(char *why, size_t len, const char *what, const char *name, int id, const char *since)
{
	char num[32];

	if (!name) {
		snprintf(num, sizeof(num), "number %d", id);
		name = num;
	}
	snprintf(why, len, "the BPF %s%s%s%s%s", what, name, since ? " (Linux " : "",
		 since ? since : "", since ? ")" : "");
	return 1;
}

int bk_missing_feature(const struct bpf_object *obj, char *why, size_t len)
{
	struct bpf_program *prog;
	struct bpf_map *map;

	bpf_object__for_each_map(map, obj) {
		enum bpf_map_type t = bpf_map__type(map);

		if (!bpf_map__autocreate(map))
			continue;
		if (libbpf_probe_bpf_map_type(t, NULL) == 0)
			return say(why, len, "map type ", libbpf_bpf_map_type_str(t), t,
				   bk_map_type_since(t));
	}
	bpf_object__for_each_program(prog, obj) {
		const struct bpf_insn *in = bpf_program__insns(prog);
		size_t n = bpf_program__insn_cnt(prog);
		enum bpf_prog_type pt = bpf_program__type(prog);

		if (!bpf_program__autoload(prog) || !in)
			continue;
		/* Helpers cannot be probed for these: a kprobe program stands in. */
		if (pt == BPF_PROG_TYPE_TRACING || pt == BPF_PROG_TYPE_LSM || pt == BPF_PROG_TYPE_EXT ||
		    pt == BPF_PROG_TYPE_STRUCT_OPS)
			pt = BPF_PROG_TYPE_KPROBE;
		for (size_t i = 0; i < n; i++) {
			char helper[64];
			int id = in[i].imm;

			if (in[i].code != (BPF_JMP | BPF_CALL) || in[i].src_reg != 0)
				continue;
			if (libbpf_probe_bpf_helper(pt, id, NULL) != 0)
				continue;
			if (bk_helper_name(id))
				snprintf(helper, sizeof(helper), "bpf_%s", bk_helper_name(id));
			return say(why, len, "helper ", bk_helper_name(id) ? helper : NULL, id,
				   bk_helper_since(id));
		}
	}
	return 0;
}

/* "5.15" before "5.8"? Releases compared as numbers. */
static int release_cmp(const char *a, const char *b)
{
	int a1 = 0, a2 = 0, b1 = 0, b2 = 0;

	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	sscanf(a, "%d.%d", &a1, &a2);
	sscanf(b, "%d.%d", &b1, &b2);
	return a1 != b1 ? a1 - b1 : a2 - b2;
}

const char *bk_object_floor(const struct bpf_object *obj, char *what, size_t len)
{
	const char *floor = NULL, *s;
	struct bpf_program *prog;
	struct bpf_map *map;

	what[0] = 0;
	bpf_object__for_each_map(map, obj) {
		enum bpf_map_type t = bpf_map__type(map);

		s = bk_map_type_since(t);
		if (release_cmp(s, floor) > 0) {
			floor = s;
			say(what, len, "map type ", libbpf_bpf_map_type_str(t), t, NULL);
		}
	}
	bpf_object__for_each_program(prog, obj) {
		const struct bpf_insn *in = bpf_program__insns(prog);
		size_t n = bpf_program__insn_cnt(prog);

		for (size_t i = 0; in && i < n; i++) {
			if (in[i].code != (BPF_JMP | BPF_CALL) || in[i].src_reg != 0)
				continue;
			s = bk_helper_since(in[i].imm);
			if (release_cmp(s, floor) > 0 && release_cmp(s, "5.5") > 0) {
				char helper[64];

				floor = s;
				snprintf(helper, sizeof(helper), "bpf_%s", bk_helper_name(in[i].imm));
				say(what, len, "helper ", helper, in[i].imm, NULL);
			}
		}
	}
	return floor;
}

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * bindsnoop: trace bind() calls of IPv4 and IPv6 sockets (TCP, UDP, ...) with
 * the protocol, the address and port asked for, the socket's options and the
 * result.
 */
#include <argp.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>
#include "core/attach.h"
#include "core/json.h"
#include "core/log.h"
#include "core/loop.h"
#include "core/opts.h"
#include "core/output.h"
#include "core/setup.h"
#include "kernel/btfenum.h"
#include "net/conn.h"
#include "net/netopts.h"
#include "net/stream.h"
#include "bindsnoop.h"
#include "bindsnoop.skel.h"

#define W_RET 11
#define W_PROTO 5
#define W_IF 5

const char argp_program_doc[] =
	"Trace bind() calls of IPv4 and IPv6 sockets, with their options and result.\n"
	"\n"
	"USAGE: bindsnoop [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-x]\n"
	"                 [-4|-6] [--ports LIST] [--netns NS] [-T] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"OPTS: F freebind, T transparent, N bind-address-no-port, R reuseaddr,\n"
	"r reuseport ('.' when off).\n"
	"\n"
	"EXAMPLES:\n"
	"    bindsnoop                   # every bind of an IPv4 or IPv6 socket\n"
	"    bindsnoop -x                # failed binds only\n"
	"    bindsnoop --ports 80,443    # binds to ports 80 and 443\n"
	"    bindsnoop -p 181 -j         # process 181's binds, as JSON lines";

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-*s %-*s OPTS  %-*s %5s %s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", W_RET,
	       "RET", W_PROTO, "PROTO", W_IF, "IF", "PORT", "ADDR");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct bind_event *e = data;
	char comm[4 * 16], addr[BK_INET_ADDR_LEN] = "?", num[24], proto[16], opts[6], ifname[IF_NAMESIZE];
	const char *ret = bk_ret_name(e->ret, num);
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_local(&j, &e->conn);
		bk_json_str(&j, "protocol", bk_ip_proto(e->protocol, proto), (size_t)-1);
		bk_json_ret(&j, e->ret);
		bk_json_object_begin(&j, "opts");
		bk_json_bool(&j, "freebind", e->opts & BIND_OPT_FREEBIND);
		bk_json_bool(&j, "transparent", e->opts & BIND_OPT_TRANSPARENT);
		bk_json_bool(&j, "bind_address_no_port", e->opts & BIND_OPT_NO_PORT);
		bk_json_bool(&j, "reuseaddr", e->opts & BIND_OPT_REUSEADDR);
		bk_json_bool(&j, "reuseport", e->opts & BIND_OPT_REUSEPORT);
		bk_json_object_end(&j);
		bk_json_uint(&j, "ifindex", e->ifindex);
		bk_json_end(&j);
		return 0;
	}
	bk_inet_addr(addr, sizeof(addr), e->conn.family, e->conn.laddr);
	snprintf(opts, sizeof(opts), "%c%c%c%c%c", e->opts & BIND_OPT_FREEBIND ? 'F' : '.',
		 e->opts & BIND_OPT_TRANSPARENT ? 'T' : '.', e->opts & BIND_OPT_NO_PORT ? 'N' : '.',
		 e->opts & BIND_OPT_REUSEADDR ? 'R' : '.', e->opts & BIND_OPT_REUSEPORT ? 'r' : '.');
	if (!e->ifindex || !if_indextoname(e->ifindex, ifname))
		snprintf(ifname, sizeof(ifname), "%u", e->ifindex);
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-*s %-*s %s %-*s %5u %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, W_RET, ret,
	       W_PROTO, bk_ip_proto(e->protocol, proto), opts, W_IF, ifname,
	       e->conn.lport, addr);
	return 0;
}

/* Linux 6.6 and later keep freebind & co. as inet_flags bits, numbered in BTF. */
static int flag_bits(volatile struct bind_flag_bits *b)
{
	static const char *const names[] = { "INET_FLAGS_FREEBIND", "INET_FLAGS_TRANSPARENT",
					     "INET_FLAGS_BIND_ADDRESS_NO_PORT" };
	long v[3] = { -1, -1, -1 };
	int n = bk_enum_consts(names, v, 3);

	if (n < 0)
		return n;
	b->freebind = v[0];
	b->transparent = v[1];
	b->no_port = v[2];
	b->known = n == 3;
	return 0;
}

static const struct bk_net_stream stream = {
	.ring_bytes = 256 << 10,
	.handle_event = handle_event,
	.print_header = print_header,
	.lost_what = "binds were not shown",
};

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct bindsnoop_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env, the network filters in bk_net. */
	bk_net_parse_args(argc, argv, NULL, NULL, NULL, argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_FAILED | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL |
			  BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH,
			  BK_NET_FAMILY | BK_NET_PORTS | BK_NET_NETNS);

	/* Logging, privileges, BTF. */
	err = bk_init("bindsnoop");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = bindsnoop_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The option bits go to .rodata before load. */
	err = flag_bits(&skel->rodata->targ_bits);
	if (err)
		goto cleanup;

	/* The attach path: bind()'s tracepoints, else fexit, else kprobes on inet_bind/inet6_bind. */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_bind, skel->progs.handle_bind_exit } },
		{ "fentry", { skel->progs.handle_bind_fexit }, { skel->progs.handle_bind6_fexit } },
		{ "kprobe",
		  { skel->progs.handle_bind_kprobe, skel->progs.handle_bind_exit_kprobe },
		  { skel->progs.handle_bind6_kprobe, skel->progs.handle_bind6_exit_kprobe } },
	};

	/* Filters to .rodata; choose the path, load, attach; events, signals, header. */
	err = bk_net_stream(&loop, BK_NET_SKEL(skel), variants, 3, &stream);
	if (err)
		goto cleanup;

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	bindsnoop_bpf__destroy(skel);
	return bk_exit(err);
}

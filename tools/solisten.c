// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * solisten: trace listen() calls of IPv4 and IPv6 sockets, with the address
 * and port, the backlog asked for, the limit the kernel set and the result.
 */
#include <argp.h>
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
#include "net/conn.h"
#include "net/netopts.h"
#include "net/stream.h"
#include "solisten.h"
#include "solisten.skel.h"

#define W_RET 11
#define W_PROTO 5
#define W_BACKLOG 7

const char argp_program_doc[] =
	"Trace listen() calls of IPv4 and IPv6 sockets, with their backlog and result.\n"
	"\n"
	"USAGE: solisten [-p PID] [-t TID] [-u UID] [-n COMM] [--cgroup PATH] [-x]\n"
	"                [-4|-6] [--ports LIST] [--netns NS] [-T] [-U] [-j] [-d SECONDS]\n"
	"\n"
	"EXAMPLES:\n"
	"    solisten                    # every listen() of an IPv4 or IPv6 socket\n"
	"    solisten --ports 8080       # listens on port 8080\n"
	"    solisten -x                 # failed listens only\n"
	"    solisten -j                 # JSON lines";

static void print_header(void)
{
	if (bk_env.json)
		return;
	bk_print_prefix_header();
	printf("%-*s %-*s %-*s %-*s %*s %*s %5s %s\n", BK_W_PID, "PID", BK_W_COMM, "COMM", W_RET,
	       "RET", W_PROTO, "PROTO", W_BACKLOG, "BACKLOG", W_BACKLOG, "LIMIT", "PORT", "ADDR");
}

static int handle_event(void *ctx, void *data, size_t size)
{
	const struct listen_event *e = data;
	char comm[4 * 16], addr[BK_INET_ADDR_LEN] = "?", num[24], proto[16];
	const char *ret = bk_ret_name(e->ret, num);
	struct bk_json j;

	if (bk_env.json) {
		bk_json_event(&j, stdout, e->ts_ns, e->tgid, e->tid, e->uid, e->comm);
		bk_json_local(&j, &e->conn);
		bk_json_str(&j, "protocol", bk_ip_proto(e->protocol, proto), (size_t)-1);
		bk_json_int(&j, "backlog", e->backlog);
		bk_json_uint(&j, "max_backlog", e->max_backlog);
		bk_json_ret(&j, e->ret);
		bk_json_end(&j);
		return 0;
	}
	bk_inet_addr(addr, sizeof(addr), e->conn.family, e->conn.laddr);
	bk_escape(comm, sizeof(comm), e->comm, sizeof(e->comm));
	bk_print_prefix(e->ts_ns, e->uid);
	printf("%-*u %-*s %-*s %-*s %*d %*u %5u %s\n", BK_W_PID, e->tgid, BK_W_COMM, comm, W_RET, ret,
	       W_PROTO, bk_ip_proto(e->protocol, proto), W_BACKLOG, e->backlog, W_BACKLOG, e->max_backlog,
	       e->conn.lport, addr);
	return 0;
}

static const struct bk_net_stream stream = {
	.ring_bytes = 256 << 10,
	.handle_event = handle_event,
	.print_header = print_header,
	.lost_what = "listens were not shown",
};

int main(int argc, char **argv)
{
	struct bk_loop loop = {};
	struct solisten_bpf *skel = NULL;
	int err;

	/* Arguments; the shared letters land in bk_env, the network filters in bk_net. */
	bk_net_parse_args(argc, argv, NULL, NULL, NULL, argp_program_doc,
			  BK_OPT_FILTERS | BK_OPT_FAILED | BK_OPT_TIMESTAMP | BK_OPT_UIDCOL |
			  BK_OPT_DURATION | BK_OPT_JSON | BK_OPT_FORCE_PATH,
			  BK_NET_FAMILY | BK_NET_PORTS | BK_NET_NETNS);

	/* Logging, privileges, BTF. */
	err = bk_init("solisten");
	if (err)
		goto cleanup;

	/* Open the BPF object. */
	skel = solisten_bpf__open_opts(bk_open_opts());
	err = bk_opened(skel);
	if (err)
		goto cleanup;

	/* The attach path: listen()'s tracepoints, else fexit, else kprobes on inet_listen. */
	struct bk_variant variants[] = {
		{ "tracepoint", { skel->progs.handle_listen, skel->progs.handle_listen_exit } },
		{ "fentry", { skel->progs.handle_listen_fexit } },
		{ "kprobe", { skel->progs.handle_listen_kprobe, skel->progs.handle_listen_exit_kprobe } },
	};

	/* Filters to .rodata; choose the path, load, attach; events, signals, header. */
	err = bk_net_stream(&loop, BK_NET_SKEL(skel), variants, 3, &stream);
	if (err)
		goto cleanup;

	/* Until Ctrl-C, SIGTERM or -d. */
	err = bk_run(&loop);

cleanup:
	bk_loop_free(&loop);
	solisten_bpf__destroy(skel);
	return bk_exit(err);
}

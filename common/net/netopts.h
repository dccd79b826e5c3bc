/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The options of the network filters, shared by the network tools as a
 * second argp child beside the common letters (core/opts.h):
 *
 *	-4, --ipv4 / -6, --ipv6     IPv4 or IPv6 sockets only
 *	--ports LIST                the local or the remote port is listed
 *	--lports LIST, --rports LIST  the local / the remote port is listed
 *	--netns NS                  one network namespace: an inode number or
 *	                            a path to its file (/proc/PID/ns/net,
 *	                            /run/netns/NAME)
 *
 * They are filled into the BPF side's bk_net_filter (.rodata, before load)
 * and bk_net_ports (after load); see bpf/net.bpf.h.
 */
#ifndef BPFKIT_NETOPTS_H
#define BPFKIT_NETOPTS_H

#include <argp.h>
#include <linux/types.h>
#include <bpf/libbpf.h>
#include "net.h"

enum {
	BK_NET_FAMILY = 1 << 0,	/* -4, -6 */
	BK_NET_PORTS = 1 << 1,	/* --ports */
	BK_NET_LPORTS = 1 << 2,	/* --lports */
	BK_NET_RPORTS = 1 << 3,	/* --rports */
	BK_NET_NETNS = 1 << 4,	/* --netns */
};
#define BK_NET_ALL (BK_NET_FAMILY | BK_NET_PORTS | BK_NET_LPORTS | BK_NET_RPORTS | BK_NET_NETNS)

struct bk_net_env {
	int family;			/* 0, AF_INET or AF_INET6 */
	__u32 netns;			/* 0: every namespace */
	/* The lists of --ports, --lports, --rports: index BK_PORTS_* - 1. */
	__u16 ports[3][BK_NET_MAX_PORTS];
	int nports[3];
	__u64 min_ns;			/* [min_ms] of a threshold tool */
};

extern struct bk_net_env bk_net;

/*
 * "80,443": 1 to max ports of 1-65535, strictly, appended to ports[*n].
 * 0, -EINVAL or -E2BIG.
 */
int bk_parse_ports(const char *s, __u16 *ports, int max, int *n);

/* A namespace inode number, or the inode of an nsfs file at a path. 0 or -errno. */
int bk_parse_netns(const char *s, __u32 *inode);

/*
 * The [min_ms] of a threshold tool: milliseconds >= 0, decimals allowed
 * ("0.5"), strictly. 0, -EINVAL or -ERANGE.
 */
int bk_parse_min_ms(const char *s, __u64 *ns);

/*
 * For threshold tools: the positional [min_ms] into *ns. Call from the
 * tool's parser on ARGP_KEY_ARG; it reports bad values with bk_usage().
 */
void bk_parse_min_ms_arg(struct argp_state *state, const char *arg, __u64 *ns);

/* The whole parser of a threshold tool whose only own argument is [min_ms]: bk_net.min_ns. */
error_t bk_parse_min_ms_only(int key, char *arg, struct argp_state *state);

/*
 * bk_parse_args_doc() with the network options of `netmask` as well. A NULL
 * args_doc means the tool takes no positional arguments.
 */
void bk_net_parse_args(int argc, char **argv, const struct argp_option *options,
		       argp_parser_t parser, const char *args_doc, const char *doc,
		       unsigned int mask, unsigned int netmask);

/* Before load: the filters into the BPF side's .rodata. */
void bk_net_filter_fill(volatile struct bk_net_filter *f);

/* After load: the port lists into the bk_net_ports map. 0 or -errno (sentence set). */
int bk_net_ports_fill(struct bpf_map *ports);

/* bk_load(), bk_net_ports_fill(), bk_attach(): what every network tool does in turn. */
int bk_net_start(struct bpf_object_skeleton *s, struct bpf_map *ports);

#endif

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <bpf/bpf.h>
#include "core/log.h"
#include "core/opts.h"
#include "core/setup.h"
#include "net/netopts.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

struct bk_net_env bk_net;

/* Set by bk_net_parse_args(): the tool takes no positional arguments. */
static bool no_args;

enum { OPT_PORTS = 1100, OPT_LPORTS, OPT_RPORTS, OPT_NETNS };

static const struct {
	unsigned int mask;
	struct argp_option opt;
} all_options[] = {
	{ BK_NET_FAMILY, { "ipv4", '4', NULL, 0, "IPv4 sockets only", 0 } },
	{ BK_NET_FAMILY, { "ipv6", '6', NULL, 0, "IPv6 sockets only (v4-mapped addresses included)", 0 } },
	{ BK_NET_PORTS, { "ports", OPT_PORTS, "LIST", 0, "Only connections whose local or remote port is listed (comma-separated)", 0 } },
	{ BK_NET_LPORTS, { "lports", OPT_LPORTS, "LIST", 0, "Only these local ports", 0 } },
	{ BK_NET_RPORTS, { "rports", OPT_RPORTS, "LIST", 0, "Only these remote ports", 0 } },
	{ BK_NET_NETNS, { "netns", OPT_NETNS, "NS", 0, "Only this network namespace: its inode number or a path "
			  "(/proc/PID/ns/net, /run/netns/NAME)", 0 } },
};

#define N_OPTIONS (sizeof(all_options) / sizeof(all_options[0]))
static struct argp_option options[N_OPTIONS + 1];

int bk_parse_ports(const char *s, __u16 *ports, int max, int *n)
{
	char *copy, *tok, *save = NULL;
	int err = 0;
	long v;

	if (!*s || *s == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
		return -EINVAL;
	copy = strdup(s);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		if (*n == max)
			err = -E2BIG;
		else
			err = bk_parse_long(tok, 1, 65535, &v);
		if (!err)
			ports[(*n)++] = (__u16)v;
	}
	free(copy);
	return err;
}

int bk_parse_netns(const char *s, __u32 *inode)
{
	struct statfs sfs;
	struct stat st;
	long v;

	if (!bk_parse_long(s, 1, UINT32_MAX, &v)) {
		*inode = (__u32)v;
		return 0;
	}
	if (*s != '/' && *s != '.')
		return -EINVAL;
	if (stat(s, &st) || statfs(s, &sfs))
		return -errno;
	if (sfs.f_type != NSFS_MAGIC)
		return -ENOTDIR;
	*inode = (__u32)st.st_ino;
	return 0;
}

int bk_parse_min_ms(const char *s, __u64 *ns)
{
	char *end;
	double v;

	if (!*s || *s == ' ' || *s == '+' || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end || !isfinite(v))
		return -EINVAL;
	if (errno == ERANGE || v < 0 || v > 1e9)
		return -ERANGE;
	*ns = (__u64)(v * 1e6 + 0.5);
	return 0;
}

void bk_parse_min_ms_arg(struct argp_state *state, const char *arg, __u64 *ns)
{
	if (state->arg_num > 0)
		bk_usage(state, "unexpected argument '%s'", arg);
	if (bk_parse_min_ms(arg, ns))
		bk_usage(state, "invalid min_ms '%s': want milliseconds >= 0", arg);
}

error_t bk_parse_min_ms_only(int key, char *arg, struct argp_state *state)
{
	if (key != ARGP_KEY_ARG)
		return ARGP_ERR_UNKNOWN;
	bk_parse_min_ms_arg(state, arg, &bk_net.min_ns);
	return 0;
}

static error_t parse_net(int key, char *arg, struct argp_state *state)
{
	static const char *names[] = { "--ports", "--lports", "--rports" };
	int kind, err;

	switch (key) {
	case ARGP_KEY_ARG:
		if (!no_args)
			return ARGP_ERR_UNKNOWN;
		bk_usage(state, "unexpected argument '%s'", arg);
	case '4':
	case '6':
		if (bk_net.family)
			bk_usage(state, "-4 and -6 exclude each other; give neither for both");
		bk_net.family = key == '4' ? AF_INET : AF_INET6;
		break;
	case OPT_PORTS:
	case OPT_LPORTS:
	case OPT_RPORTS:
		kind = key - OPT_PORTS;
		if (bk_parse_ports(arg, bk_net.ports[kind], BK_NET_MAX_PORTS, &bk_net.nports[kind]))
			bk_usage(state, "invalid %s '%s': want up to %d ports of 1-65535, separated by "
				 "commas", names[kind], arg, BK_NET_MAX_PORTS);
		break;
	case OPT_NETNS:
		err = bk_parse_netns(arg, &bk_net.netns);
		if (err == -ENOTDIR)
			bk_usage(state, "--netns '%s' is not a namespace file (want /proc/PID/ns/net "
				 "or /run/netns/NAME)", arg);
		else if (err == -EINVAL)
			bk_usage(state, "invalid --netns '%s': want a namespace inode number or a "
				 "path to its file", arg);
		else if (err)
			bk_usage(state, "cannot use --netns '%s': %s", arg, strerror(-err));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static struct argp net_argp = { options, parse_net, NULL, NULL, NULL, NULL, NULL };

void bk_net_parse_args(int argc, char **argv, const struct argp_option *opts,
		       argp_parser_t parser, const char *args_doc, const char *doc,
		       unsigned int mask, unsigned int netmask)
{
	struct argp_child children[3] = {};
	size_t i, n = 0;

	for (i = 0; i < N_OPTIONS; i++)
		if (all_options[i].mask & netmask)
			options[n++] = all_options[i].opt;
	memset(&options[n], 0, sizeof(options[n]));
	no_args = !args_doc;
	children[0] = (struct argp_child){ &net_argp, 0, "Network filters:", 1 };
	children[1] = *bk_opts_child(mask);
	children[1].group = 2;

	const struct argp argp = { opts, parser, args_doc, doc, children, NULL, NULL };

	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		exit(BK_EXIT_USAGE);
}

void bk_net_filter_fill(volatile struct bk_net_filter *f)
{
	f->family = bk_net.family;
	f->netns = bk_net.netns;
	f->ports = bk_net.nports[BK_PORTS_ANY - 1] > 0;
	f->lports = bk_net.nports[BK_PORTS_LOCAL - 1] > 0;
	f->rports = bk_net.nports[BK_PORTS_REMOTE - 1] > 0;
}

int bk_net_ports_fill(struct bpf_map *ports)
{
	__u8 one = 1;

	for (int kind = BK_PORTS_ANY; kind <= BK_PORTS_REMOTE; kind++) {
		for (int i = 0; i < bk_net.nports[kind - 1]; i++) {
			__u32 key = (__u32)kind << 16 | bk_net.ports[kind - 1][i];

			if (bpf_map__update_elem(ports, &key, sizeof(key), &one, sizeof(one),
						 BPF_ANY)) {
				bk_set_error("cannot fill the ports map: %s", strerror(errno));
				return -errno;
			}
		}
	}
	return 0;
}

int bk_net_start(struct bpf_object_skeleton *s, struct bpf_map *ports)
{
	int err = bk_load(s);

	if (!err)
		err = bk_net_ports_fill(ports);
	if (!err)
		err = bk_attach(s);
	return err;
}

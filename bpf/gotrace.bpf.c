// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * gotrace: calls of Go functions with their arguments and results.
 *
 * Plain uprobes at each function's entry (arguments are in the registers of
 * Go's ABIInternal there) and at every RET instruction (results are in the
 * same registers); never a uretprobe, which crashes Go programs. The entry is
 * kept per goroutine and stack depth (bpf/goroutine.bpf.h) and one event goes
 * out at the return. Strings are copied at the entry, since the caller may
 * reuse their memory by the time the function returns.
 */
#include "events.bpf.h"
#include "goroutine.bpf.h"
#include "gotrace.h"

struct start {
	struct go_start h;
	__u64 regs[GOTRACE_ALL];
	__u64 words[GOTRACE_WORDS];
	__u8 str_ok;
	__u8 word_ok;
	__u8 stack_ok;
	__u8 pad[5];
	char str[GOTRACE_STRS][GOTRACE_STR_LEN];
};

/* Calls in flight, allocated as they come (a start is big); the user side
 * sizes it (--max-inflight). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, GO_INFLIGHT_DEFAULT);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct go_call_key);
	__type(value, struct start);
} starts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, GO_MAX_FUNCS);
	__type(key, __u32);	/* function index */
	__type(value, struct gotrace_spec);
} specs SEC(".maps");

BK_SCRATCH(start_scratch, struct start);

/* The integer argument/result registers of ABIInternal, in order. */
static __always_inline void read_regs(struct pt_regs *ctx, __u64 *r)
{
	for (int i = 0; i < GOTRACE_REGS; i++)
		r[i] = go_arg(ctx, i);
}

/* Reads len bytes of stack words from SP+8+off into r[GOTRACE_REGS...]; 1 when read. */
static __always_inline __u8 read_stack(struct pt_regs *ctx, __u64 *r, __u32 off, __u32 len)
{
	if (!len)
		return 0;
	if (len > GOTRACE_STACK_WORDS * 8)
		len = GOTRACE_STACK_WORDS * 8;
	return !bpf_probe_read_user(&r[GOTRACE_REGS], len, (void *)(GO_SP(ctx) + 8 + off));
}

/* Copies the strings whose pointer registers `which` names (or, with
 * GOTRACE_VIA_WORD, the words read before); bit i of the result says
 * str[i] was read. */
static __always_inline __u8 read_strs(const __u64 *regs, const __u64 *words, __u8 word_ok,
				      const __u8 *which, char (*str)[GOTRACE_STR_LEN])
{
	__u8 ok = 0;

	for (int i = 0; i < GOTRACE_STRS; i++) {
		__u32 r = which[i];
		__u64 p, len;

		if (r == GOTRACE_NONE)
			continue;
		if (r & GOTRACE_VIA_WORD) {
			r &= ~GOTRACE_VIA_WORD;
			if (r >= GOTRACE_WORDS - 1 || ((word_ok >> r) & 3) != 3)
				continue;
			p = words[r];
			len = words[r + 1];
		} else {
			if (r >= GOTRACE_ALL - 1)
				continue;
			p = regs[r];
			len = regs[r + 1];
		}
		if (len > GOTRACE_STR_LEN)
			len = GOTRACE_STR_LEN;
		if (!bpf_probe_read_user(str[i], len, (void *)p))
			ok |= 1 << i;
	}
	return ok;
}

/* Reads the word at offset off[i] from the address in register which[i];
 * bit i of the result says words[i] was read. */
static __always_inline __u8 read_words(const __u64 *regs, const __u8 *which, const __u8 *off,
				       __u64 *words)
{
	__u8 ok = 0;

	for (int i = 0; i < GOTRACE_WORDS; i++) {
		__u32 r = which[i];

		words[i] = 0;
		if (r >= GOTRACE_ALL || !regs[r])
			continue;
		if (!bpf_probe_read_user(&words[i], sizeof(words[i]), (void *)(regs[r] + off[i])))
			ok |= 1 << i;
	}
	return ok;
}

/* uprobe at the first instruction of a Go function; cookie: its index */
SEC("uprobe")
int handle_call(struct pt_regs *ctx)
{
	__u64 cookie = go_cookie(ctx), g;
	__u32 func = GO_COOKIE_INDEX(cookie);
	struct gotrace_spec *spec;
	struct go_call_key key;
	struct start *s;

	if (bk_filtered(bpf_get_current_pid_tgid()))
		return 0;
	if (!go_call_key(ctx, &key, &g))
		return 0;
	/* A re-run after morestack keeps its start; a stale one is replaced. */
	s = bpf_map_lookup_elem(&starts, &key);
	if (s && go_rerun(&s->h, func, g, cookie))
		return 0;
	s = bk_scratch(&start_scratch);
	spec = bpf_map_lookup_elem(&specs, &func);
	if (!s || !spec)
		return 0;
	s->h.ts_ns = bpf_ktime_get_ns();
	s->h.entry_ip = GO_IP(ctx);
	s->h.func = func;
	read_regs(ctx, s->regs);
	s->stack_ok = read_stack(ctx, s->regs, 0, spec->arg_stack_len);
	s->word_ok = read_words(s->regs, spec->arg_word, spec->arg_word_off, s->words);
	s->str_ok = read_strs(s->regs, s->words, s->word_ok, spec->arg_str, s->str);
	go_start_store(&starts, &key, s, g, cookie);
	return 0;
}

/*
 * Fills event e at a return, in the ring buffer itself (no copy through a
 * scratch record); with_strs is a constant: without strings the record was
 * reserved short, ending before them, and they are not touched.
 */
static __always_inline void fill(struct pt_regs *ctx, struct gotrace_event *e,
				 const struct start *s, const struct gotrace_spec *spec,
				 const struct go_call_key *key, __u32 func, bool with_strs)
{
	__u64 id = bpf_get_current_pid_tgid();

	e->ts_ns = bpf_ktime_get_ns();
	e->lat_ns = e->ts_ns - s->h.ts_ns;
	e->goid = key->goid;
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->func = func;
	__builtin_memcpy(e->args, s->regs, sizeof(e->args));
	e->arg_str_ok = s->str_ok;
	e->entry_ip = s->h.entry_ip;
	__builtin_memcpy(e->arg_words, s->words, sizeof(e->arg_words));
	e->arg_word_ok = s->word_ok;
	e->arg_stack_ok = s->stack_ok;
	read_regs(ctx, e->rets);
	e->ret_stack_ok = read_stack(ctx, e->rets, spec->ret_stack_off, spec->ret_stack_len);
	e->ret_word_ok = read_words(e->rets, spec->ret_word, spec->ret_word_off, e->ret_words);
	e->ret_str_ok = 0;
	if (!with_strs)
		return;
	__builtin_memcpy(e->arg_str, s->str, sizeof(e->arg_str));
	e->ret_str_ok = read_strs(e->rets, e->ret_words, e->ret_word_ok, spec->ret_str,
				  e->ret_str);
}

/* uprobe at each RET instruction of a Go function; cookie: its index | GO_COOKIE_RET */
SEC("uprobe")
int handle_call_exit(struct pt_regs *ctx)
{
	struct gotrace_spec *spec;
	struct gotrace_event *e;
	struct go_call_key key;
	__u32 func = GO_COOKIE_INDEX(go_cookie(ctx));
	struct start *s;
	__u64 g;

	if (!go_call_key(ctx, &key, &g))
		return 0;
	s = bpf_map_lookup_elem(&starts, &key);
	if (!s) {
		go_start_missing(&key);
		return 0;
	}
	/* Another function's start at this depth is stale: drop it. */
	if (s->h.func != func)
		goto out;
	spec = bpf_map_lookup_elem(&specs, &func);
	if (!spec)
		goto out;
	/* Slots are used in order: without a first one, the record ends before the strings. */
	if (spec->arg_str[0] == GOTRACE_NONE && spec->ret_str[0] == GOTRACE_NONE) {
		e = bk_reserve(offsetof(struct gotrace_event, arg_str));
		if (!e)
			goto out;
		fill(ctx, e, s, spec, &key, func, false);
	} else {
		e = bk_reserve(sizeof(*e));
		if (!e)
			goto out;
		fill(ctx, e, s, spec, &key, func, true);
	}
	bk_submit(e);
out:
	bpf_map_delete_elem(&starts, &key);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// SPDX-License-Identifier: GPL-2.0 OR BSD-3-Clause
/*
 * uflow: the call flow of Python programs, from the interpreter's USDT probes
 * python:function__entry and python:function__return (file, function, line).
 *
 * The call depth is kept per thread here, so that the order of events in the
 * ring buffer does not matter; a thread's entry is dropped when its depth
 * gets back to zero. Returns from calls that began before uflow attached find
 * depth zero and stay there.
 *
 * --module and --function are applied here, before an event takes room in
 * the ring buffer: a flood of other calls cannot crowd the wanted ones out.
 * The depth is counted for every call, so the depth shown stays the true one.
 */
#include "events.bpf.h"
#include <bpf/usdt.bpf.h>
#include "uflow.h"

/* --module, --function: length 0 is no filter; prefix: the name begins so. */
const volatile char targ_module[UFLOW_FILTER_LEN] = {};
const volatile __u32 targ_module_len = 0;
const volatile __u8 targ_module_prefix = 0;
const volatile char targ_function[UFLOW_FILTER_LEN] = {};
const volatile __u32 targ_function_len = 0;
const volatile __u8 targ_function_prefix = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);	/* tid */
	__type(value, __s32);	/* open calls */
} depths SEC(".maps");

BK_SCRATCH(scratch, struct flow_event);

#define MASK(i) ((i) & (UFLOW_FILE_LEN - 1))

/* Whether s[start, end) is want (or begins with it, for a prefix). */
static __always_inline bool matches(const char *s, __u32 start, __u32 end,
				    const volatile char *want, __u32 want_len, bool prefix)
{
	if (prefix ? end - start < want_len : end - start != want_len)
		return false;
	for (__u32 i = 0; i < UFLOW_FILTER_LEN; i++) {
		if (i >= want_len)
			break;
		if (s[MASK(start + i)] != want[i])
			return false;
	}
	return true;
}

static __always_inline bool at(const char *s, __u32 i, const char *lit, __u32 n)
{
	for (__u32 k = 0; k < n; k++)
		if (s[MASK(i + k)] != lit[k])
			return false;
	return true;
}

/*
 * The module a file stands for, as uflow names it: "/srv/app/views.py" ->
 * views, ".../pkg/__init__.py" -> pkg, "<frozen importlib._bootstrap>" ->
 * importlib._bootstrap; other names ("<string>") as they are.
 */
/*
 * The verifier follows each exit of a search loop on its own, with the
 * position found, and the string length the loop compared against, as known
 * numbers; it would then walk the code after the loop once per position.
 * Values read back from a map are unknown to it, so the exits join there:
 * this scratch holds the length and the positions found.
 */
struct scan {
	__u32 len;
	__u32 pos;
};
BK_SCRATCH(scans, struct scan);

/* x, as the verifier cannot know it; at most UFLOW_FILE_LEN - 1. */
static __always_inline __u32 launder(volatile __u32 *slot, __u32 x)
{
	*slot = x;
	return *slot & (UFLOW_FILE_LEN - 1);
}

/* Just past the last '/' in f[0, end); 0 when there is none. */
static __always_inline __u32 after_last_slash(const char *f, __u32 end)
{
	for (__u32 k = 0; k < UFLOW_FILE_LEN; k++) {
		if (k >= end)
			break;
		if (f[MASK(end - 1 - k)] == '/')
			return end - k;
	}
	return 0;
}

/* Index of the first '>' in f[8, len); 0 when there is none. */
static __always_inline __u32 frozen_end(const char *f, __u32 len)
{
	for (__u32 i = 8; i < UFLOW_FILE_LEN; i++) {
		if (i >= len)
			break;
		if (f[MASK(i)] == '>')
			return i;
	}
	return 0;
}

/*
 * The module a file stands for, as uflow names it: "/srv/app/views.py" ->
 * views, ".../pkg/__init__.py" -> pkg, "<frozen importlib._bootstrap>" ->
 * importlib._bootstrap; other names ("<string>") as they are.
 */
static __always_inline bool module_matches(const char *f, __u32 file_len)
{
	struct scan *v = bk_scratch(&scans);
	__u32 len, start, end, gt;

	if (!v)
		return false;
	v->len = file_len;
	len = launder(&v->len, file_len);
	if (len >= 9 && at(f, 0, "<frozen ", 8)) {
		gt = launder(&v->pos, frozen_end(f, len));
		len = launder(&v->len, v->len);
		if (gt >= 8 && gt < len)
			return matches(f, 8, gt, targ_module, targ_module_len, targ_module_prefix);
	}
	start = launder(&v->pos, after_last_slash(f, len));
	len = launder(&v->len, v->len);
	end = len;
	if (start > len)
		return false;
	if (len - start == 11 && start > 1 && at(f, start, "__init__.py", 11)) {
		/* a package: its directory's name */
		end = start - 1;
		v->len = end;
		start = launder(&v->pos, after_last_slash(f, end));
		end = launder(&v->len, v->len);
		if (start > end)
			return false;
	} else if (len - start > 3 && at(f, len - 3, ".py", 3)) {
		end = len - 3;
	}
	return matches(f, start, end, targ_module, targ_module_len, targ_module_prefix);
}

/* Whether e's file and function pass --module and --function. */
static __always_inline int uflow_wanted(const struct flow_event *e, __u32 file_len, __u32 func_len)
{
	if (!e)
		return 0;
	if (targ_function_len && !matches(e->func, 0, func_len & (UFLOW_FUNC_LEN - 1),
					  targ_function, targ_function_len, targ_function_prefix))
		return 0;
	if (targ_module_len && !module_matches(e->file, file_len & (UFLOW_FILE_LEN - 1)))
		return 0;
	return 1;
}

static __always_inline void emit(__u32 kind, __s32 depth, const char *file, const char *func,
				 __s32 lineno)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct flow_event *e = bk_scratch(&scratch);
	long flen, fnlen;

	if (!e)
		return;
	flen = bpf_probe_read_user_str(e->file, sizeof(e->file), file);
	if (flen < 0) {
		e->file[0] = 0;
		flen = 1;
	}
	fnlen = bpf_probe_read_user_str(e->func, sizeof(e->func), func);
	if (fnlen < 0) {
		e->func[0] = 0;
		fnlen = 1;
	}
	if ((targ_function_len || targ_module_len) && !uflow_wanted(e, flen - 1, fnlen - 1))
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->tgid = id >> 32;
	e->tid = (__u32)id;
	e->cpu = bpf_get_smp_processor_id();
	e->kind = kind;
	e->depth = depth;
	e->lineno = lineno;
	bk_output(e, sizeof(*e));
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

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * common/stacks: kallsyms parsing and lookup (a synthetic kallsyms file),
 * perf-map parsing, folded formatting, flame graph layout, and the time to
 * symbolize a 10,000-stack profile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/loop.h"
#include "stacks/flame.h"
#include "stacks/ksyms.h"
#include "stacks/perfmap.h"
#include "stacks/stacks.h"
#include "unit.h"

static char dir[] = "/tmp/bpfkit-stacks.XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	char *p = path[k++ % 4];
	FILE *f;

	snprintf(p, 256, "%s/%s", dir, name);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	return p;
}

static const char kallsyms[] =
	"0000000000000000 A fixed_percpu_data\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81000000 T _stext\n"
	"ffffffff81001000 t do_one_initcall\n"
	"ffffffff81001200 T schedule\n"
	"ffffffff81001300 D some_data\n"
	"ffffffff81001400 W weak_func\n"
	"ffffffff81002000 T __x64_sys_getppid\n"
	"ffffffffc0000000 t ext4_readdir\t[ext4]\n"
	"ffffffffc0000100 t ext4_file_open\t[ext4]\n"
	"ffffffffc0001000 t bpf_prog_6deef7357e7b4530_handle\t[bpf]\n"
	"garbage line\n"
	"ffffffff81001100 b bss_thing\n";

static void test_ksyms(void)
{
	struct bk_ksyms *ks;
	struct bk_ksym s;

	CHECK_INT(bk_ksyms_load(write_file("kallsyms", kallsyms), &ks), 0);
	if (!ks)
		return;
	CHECK(!bk_ksyms_restricted(ks));
	/* data and bss symbols are not kept */
	CHECK_INT(bk_ksyms_count(ks), 9);
	CHECK_INT(bk_ksyms_find(ks, 0xffffffff81001234, &s), 0);
	CHECK_STR(s.name, "schedule");
	CHECK_INT(s.offset, 0x34);
	CHECK_STR(s.module, "");
	/* a return address at the end of a function: addr - 1 stays inside */
	CHECK_INT(bk_ksyms_find(ks, 0xffffffff81001400 - 1, &s), 0);
	CHECK_STR(s.name, "schedule");
	CHECK_INT(bk_ksyms_find(ks, 0xffffffff81001400, &s), 0);
	CHECK_STR(s.name, "weak_func");
	/* aliases: the first in the file */
	CHECK_INT(bk_ksyms_find(ks, 0xffffffff81000010, &s), 0);
	CHECK_STR(s.name, "_text");
	CHECK_INT(bk_ksyms_find(ks, 0xffffffffc0000180, &s), 0);
	CHECK_STR(s.name, "ext4_file_open");
	CHECK_STR(s.module, "ext4");
	CHECK_INT(bk_ksyms_find(ks, 0xffffffffc0001010, &s), 0);
	CHECK_STR(s.module, "bpf");
	CHECK_INT(bk_ksyms_find(ks, 0xffffffff80000000, &s), -ENOENT);
	CHECK_INT(bk_ksyms_addr(ks, "__x64_sys_getppid"), 0xffffffff81002000);
	bk_ksyms_free(ks);
}

static void test_ksyms_restricted(void)
{
	struct bk_ksyms *ks;
	struct bk_ksym s;

	CHECK_INT(bk_ksyms_load(write_file("kallsyms0",
					   "0000000000000000 T _text\n"
					   "0000000000000000 t schedule\n"
					   "0000000000000000 t ext4_readdir\t[ext4]\n"), &ks), 0);
	if (!ks)
		return;
	CHECK(bk_ksyms_restricted(ks));
	CHECK_INT(bk_ksyms_find(ks, 0xffffffff81001234, &s), -ENOENT);
	CHECK(strstr(bk_ksyms_restricted_why(), "kptr_restrict") != NULL);
	bk_ksyms_free(ks);
	CHECK_INT(bk_ksyms_load("/nonexistent/kallsyms", &ks), -ENOENT);
}

static void test_kernel_frames_hex_when_restricted(void)
{
	struct bk_stacks *s;
	struct bk_trace *t = bk_trace_new();
	__u64 ips[] = { 0xffffffff81001234, 0xffffffff81002010 };
	char buf[256];

	CHECK_INT(bk_stacks_new(-1, &s), 0);
	bk_stacks_set_kallsyms(s, write_file("kallsyms0b", "0000000000000000 T _text\n"));
	bk_stacks_add_kernel_ips(s, t, ips, 2);
	bk_trace_fold(t, "x", buf, sizeof(buf));
	CHECK_STR(buf, "x;0xffffffff81002010_[k];0xffffffff81001234_[k]");
	bk_stacks_free(s);
	bk_trace_free(t);
}

static void test_kernel_frames(void)
{
	struct bk_stacks *s;
	struct bk_trace *t = bk_trace_new();
	/* leaf first, as the kernel gives them; the caller's entry is a return address */
	__u64 ips[] = { 0xffffffff81001200, 0xffffffff81001400, 0xffffffff81002004 };
	char buf[256];

	CHECK_INT(bk_stacks_new(-1, &s), 0);
	bk_stacks_set_kallsyms(s, write_file("kallsyms1", kallsyms));
	CHECK_INT(bk_stacks_add_kernel_ips(s, t, ips, 3), 3);
	bk_trace_fold(t, "comm", buf, sizeof(buf));
	/* 0x...1400 is a return address: the call was at its end, in schedule */
	CHECK_STR(buf, "comm;__x64_sys_getppid_[k];schedule_[k];schedule_[k]");
	CHECK_INT(t->f[0].kind, BK_FRAME_KERNEL);
	CHECK_INT(t->f[0].offset, 4);
	bk_stacks_free(s);
	bk_trace_free(t);
}

static void test_perfmap(void)
{
	struct bk_perfmap *m;
	const char *name;
	__u64 off;

	CHECK_INT(bk_perfmap_load(write_file("perf-1.map",
					     "7f0000001000 100 LazyCompile:~main /app/x.js:1\n"
					     "0x7f0000002000 0x40 Interpreter\n"
					     "not a line\n"
					     "7f0000003000 zz bad size\n"
					     "7f0000004000 0 zero size\n"
					     "7f0000001000 80 LazyCompile:*main /app/x.js:1\n"
					     "7f0000005000 10\n"), &m), 0);
	if (!m)
		return;
	CHECK_INT(bk_perfmap_count(m), 2);
	CHECK_INT(bk_perfmap_find(m, 0x7f0000001010, &name, &off), 0);
	/* the later line for one start wins: recompiled in place */
	CHECK_STR(name, "LazyCompile:*main /app/x.js:1");
	CHECK_INT(off, 0x10);
	CHECK_INT(bk_perfmap_find(m, 0x7f0000001090, &name, &off), -ENOENT);
	CHECK_INT(bk_perfmap_find(m, 0x7f000000203f, &name, &off), 0);
	CHECK_STR(name, "Interpreter");
	CHECK_INT(bk_perfmap_find(m, 0x7f0000002040, &name, &off), -ENOENT);
	CHECK_INT(bk_perfmap_find(m, 0x100, &name, &off), -ENOENT);
	bk_perfmap_free(m);
	CHECK_INT(bk_perfmap_load("/nonexistent/perf-1.map", &m), -ENOENT);
}

static void test_ns_pid(void)
{
	pid_t ns;

	CHECK_INT(bk_ns_pid(getpid(), &ns), 0);
	CHECK_INT(ns, getpid());
	CHECK_INT(bk_ns_pid(0x7ffffff0, &ns), -ESRCH);
}

static void test_fold(void)
{
	struct bk_trace *t = bk_trace_new();
	char buf[256], small[30];

	bk_trace_push(t, "main", NULL, 0, BK_FRAME_USER, false);
	bk_trace_push(t, "a;b", NULL, 0, BK_FRAME_USER, true);
	bk_trace_push(t, "LazyCompile:*f", NULL, 0, BK_FRAME_JIT, false);
	bk_trace_push(t, "inl", NULL, 0, BK_FRAME_INLINED, false);
	bk_trace_push(t, "-", NULL, 0, BK_FRAME_MARK, false);
	bk_trace_push(t, "do_sys\nx", NULL, 0, BK_FRAME_KERNEL, true);
	bk_trace_fold(t, "my;comm", buf, sizeof(buf));
	CHECK_STR(buf, "my:comm;main;a:b;LazyCompile:*f_[j];inl_[i];-;do_sys\\nx_[k]");
	/* too long: cut on a frame, with a visible marker */
	bk_trace_fold(t, "c", small, sizeof(small));
	CHECK_STR(small, "c;main;a:b;[...]");
	bk_trace_reset(t);
	bk_trace_push(t, BK_FRAME_MISSING_USER, NULL, 0, BK_FRAME_MARK, false);
	bk_trace_fold(t, "c", buf, sizeof(buf));
	CHECK_STR(buf, "c;[missing user stack]");
	bk_trace_free(t);
}

static void test_frame_kind(void)
{
	size_t n;

	CHECK_INT(bk_frame_kind_of("f_[k]", 5, &n), BK_FRAME_KERNEL);
	CHECK_INT(n, 1);
	CHECK_INT(bk_frame_kind_of("f_[j]", 5, &n), BK_FRAME_JIT);
	CHECK_INT(bk_frame_kind_of("f_[i]", 5, &n), BK_FRAME_INLINED);
	CHECK_INT(bk_frame_kind_of("f_[w]", 5, &n), BK_FRAME_WAKER);
	CHECK_INT(bk_frame_kind_of("f_[x]", 5, &n), BK_FRAME_USER);
	CHECK_INT(n, 5);
	CHECK_INT(bk_frame_kind_of("--", 2, &n), BK_FRAME_MARK);
	CHECK_INT(bk_frame_kind_of("[missing user stack]", 20, &n), BK_FRAME_MARK);
	CHECK_INT(bk_frame_kind_of("[unknown] (/x+0x1)", 18, &n), BK_FRAME_UNKNOWN);
}

static char *flame_svg(struct bk_flame *fg, const struct bk_flame_opts *o)
{
	char *svg = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&svg, &len);

	CHECK_INT(bk_flame_write(fg, f, o), 0);
	fclose(f);
	return svg;
}

static void test_flame(void)
{
	struct bk_flame_opts o;
	struct bk_flame *fg;
	char *svg;

	CHECK_INT(bk_flame_new(&fg), 0);
	CHECK_INT(bk_flame_add_line(fg, "prog;main;work;burn 90\n"), 0);
	CHECK_INT(bk_flame_add_line(fg, "prog;main;work;burn 5"), 0);
	CHECK_INT(bk_flame_add_line(fg, "prog;main;idle 4\r\n"), 0);
	CHECK_INT(bk_flame_add_line(fg, "prog;main;rare<&> 1"), 0);
	CHECK_INT(bk_flame_add_line(fg, "# a comment"), 0);
	CHECK_INT(bk_flame_add_line(fg, ""), 0);
	CHECK_INT(bk_flame_add_line(fg, "no count here"), -EINVAL);
	CHECK_INT(bk_flame_add_line(fg, "x;y 12abc"), -EINVAL);
	CHECK_INT(bk_flame_add_line(fg, "perf;weighted 2.5"), 0);
	CHECK_INT(bk_flame_total(fg), 102);
	bk_flame_opts_default(&o);
	o.count_name = "us";
	o.title = "T<itle>";
	svg = flame_svg(fg, &o);
	CHECK(strstr(svg, "<title>burn (95 us, 93.14%)</title>") != NULL);
	CHECK(strstr(svg, "<title>all (102 us, 100.00%)</title>") != NULL);
	CHECK(strstr(svg, "<title>rare&lt;&amp;&gt; (1 us, 0.98%)</title>") != NULL);
	CHECK(strstr(svg, ">T&lt;itle&gt;</text>") != NULL);
	CHECK(strstr(svg, "102 us in all") != NULL);
	free(svg);
	/* min-width: a 1-in-102 frame is about 11 px wide at 1200 px */
	o.min_width = 25;
	svg = flame_svg(fg, &o);
	CHECK(strstr(svg, "<title>rare") == NULL);
	CHECK(strstr(svg, "<title>weighted") == NULL);
	CHECK(strstr(svg, "<title>idle") != NULL);
	free(svg);
	bk_flame_free(fg);
}

static void test_flame_layout(void)
{
	struct bk_flame_opts o;
	struct bk_flame *fg;
	char *svg, *p;
	double x, w;
	int y, y_root, y_b;

	CHECK_INT(bk_flame_new(&fg), 0);
	bk_flame_add(fg, "r;b", 3, 1);
	bk_flame_add(fg, "r;a", 3, 3);
	bk_flame_opts_default(&o);
	o.width = 420;	/* 400 px for 4 counts: 100 px each */
	svg = flame_svg(fg, &o);
	/* siblings in name order: a (300 px) then b (100 px) */
	p = strstr(svg, "<title>a (");
	CHECK(p && sscanf(strstr(p, "<rect"), "<rect x=\"%lf\" y=\"%d\" width=\"%lf\"", &x, &y, &w) == 3);
	CHECK(x == 10 && w == 300);
	p = strstr(svg, "<title>b (");
	CHECK(p && sscanf(strstr(p, "<rect"), "<rect x=\"%lf\" y=\"%d\" width=\"%lf\"", &x, &y_b, &w) == 3);
	CHECK(x == 310 && w == 100);
	p = strstr(svg, "<title>all (");
	CHECK(p && sscanf(strstr(p, "<rect"), "<rect x=\"%lf\" y=\"%d\"", &x, &y_root) == 2);
	/* the root at the bottom, children above it; icicle: the other way */
	CHECK(y_root > y_b);
	free(svg);
	o.inverted = true;
	svg = flame_svg(fg, &o);
	p = strstr(svg, "<title>all (");
	CHECK(p && sscanf(strstr(p, "<rect"), "<rect x=\"%lf\" y=\"%d\"", &x, &y_root) == 2);
	p = strstr(svg, "<title>b (");
	CHECK(p && sscanf(strstr(p, "<rect"), "<rect x=\"%lf\" y=\"%d\"", &x, &y_b) == 2);
	CHECK(y_root < y_b);
	free(svg);
	bk_flame_free(fg);
}

/* Colours come from the kind and the name only. */
static void test_flame_colours(void)
{
	struct bk_flame_opts o;
	struct bk_flame *fg;
	char *a, *b;
	int r, g, bl;

	bk_flame_opts_default(&o);
	CHECK_INT(bk_flame_new(&fg), 0);
	bk_flame_add(fg, "x;f_[k]", 7, 1);
	bk_flame_add(fg, "x;g_[j]", 7, 1);
	a = flame_svg(fg, &o);
	bk_flame_free(fg);
	CHECK_INT(bk_flame_new(&fg), 0);
	bk_flame_add(fg, "y;z;f_[k]", 9, 5);
	b = flame_svg(fg, &o);
	/* f_[k] has one colour wherever it is */
	CHECK(strstr(a, "<title>f_[k]") && strstr(b, "<title>f_[k]"));
	CHECK(!strncmp(strstr(strstr(a, "<title>f_[k]"), "fill="), strstr(strstr(b, "<title>f_[k]"), "fill="), 20));
	/* JIT frames are green: more green than red */
	CHECK(sscanf(strstr(strstr(a, "<title>g_[j]"), "fill="), "fill=\"rgb(%d,%d,%d)", &r, &g, &bl) == 3);
	CHECK(g > r && g > bl);
	free(a);
	free(b);
	o.palette = BK_FLAME_OFFCPU;
	a = flame_svg(fg, &o);
	/* off-CPU: kernel frames are blue */
	CHECK(sscanf(strstr(strstr(a, "<title>f_[k]"), "fill="), "fill=\"rgb(%d,%d,%d)", &r, &g, &bl) == 3);
	CHECK(bl > r && bl > g);
	free(a);
	bk_flame_free(fg);
}

int main(void);

/* A function of this program, to find in our own stacks. */
__attribute__((noinline)) int stacks_test_marker(int x)
{
	return x * 3 + 1;
}

static void test_own_symbols(void)
{
	struct bk_stacks *s;
	struct bk_trace *t = bk_trace_new();
	__u64 ips[2] = { (__u64)(unsigned long)stacks_test_marker + 2,
			 (__u64)(unsigned long)main + 1 + 1 };
	char buf[512];

	CHECK_INT(bk_stacks_new(-1, &s), 0);
	bk_stacks_pid_seen(s, getpid());
	CHECK_INT(bk_stacks_add_user_ips(s, t, getpid(), ips, 2), 2);
	bk_trace_fold(t, "me", buf, sizeof(buf));
	CHECK_STR(buf, "me;main;stacks_test_marker");
	/* an address in no mapping */
	bk_trace_reset(t);
	ips[0] = 0x10;
	bk_stacks_add_user_ips(s, t, getpid(), ips, 1);
	CHECK_STR(t->f[0].name, "[unknown] (0x10)");
	CHECK_INT(t->f[0].kind, BK_FRAME_UNKNOWN);
	bk_stacks_free(s);
	bk_trace_free(t);
}

/* The vdso's functions have names: it is the same image in every process. */
static void test_vdso(void)
{
	struct bk_stacks *s;
	struct bk_trace *t = bk_trace_new();
	unsigned long long lo = 0, hi = 0;
	char line[256], buf[256];
	__u64 ip;
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "[vdso]"))
			sscanf(line, "%llx-%llx", &lo, &hi);
	fclose(f);
	if (!lo)
		return;
	CHECK_INT(bk_stacks_new(-1, &s), 0);
	bk_stacks_pid_seen(s, getpid());
	/* somewhere in its text: try addresses until one resolves */
	for (ip = lo + 0x600; ip < hi; ip += 0x40) {
		bk_trace_reset(t);
		bk_stacks_add_user_ips(s, t, getpid(), &ip, 1);
		if (t->f[0].kind == BK_FRAME_USER)
			break;
	}
	CHECK_INT(t->f[0].kind, BK_FRAME_USER);
	CHECK_STR(t->f[0].module, "[vdso]");
	bk_trace_fold(t, "v", buf, sizeof(buf));
	CHECK(strstr(buf, "time") || strstr(buf, "getcpu") || strstr(buf, "getres"));
	bk_stacks_free(s);
	bk_trace_free(t);
}

/* CPU time: other work on a shared machine does not count against us. */
static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * 10,000 stacks of 30 user frames (libc and this program) and 12 kernel
 * frames (this kernel's kallsyms when readable), symbolized, folded and
 * drawn: under a second.
 */
static void test_bench_10000_stacks(void)
{
	unsigned long long lo = 0, hi = 0, s0, e0;
	struct bk_stacks *s;
	struct bk_flame *fg;
	struct bk_trace *t = bk_trace_new();
	static __u64 upool[400], kpool[400];
	char line[512], buf[8192];
	__u64 ips[42];
	double t0, el;
	FILE *f = fopen("/proc/self/maps", "r"), *null;
	int i, k;

	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "r-xp") && strstr(line, "libc.so") &&
		    sscanf(line, "%llx-%llx", &s0, &e0) == 2)
			lo = s0, hi = e0;
	fclose(f);
	CHECK(lo && hi > lo);
	srand(42);
	for (i = 0; i < 400; i++) {
		upool[i] = i % 4 ? lo + (unsigned long long)rand() % (hi - lo)
				 : (__u64)(unsigned long)test_bench_10000_stacks + i;
		kpool[i] = 0xffffffff81000000ULL + (unsigned long long)rand() % 0x1000000;
	}
	CHECK_INT(bk_stacks_new(-1, &s), 0);
	CHECK_INT(bk_flame_new(&fg), 0);
	null = fopen("/dev/null", "w");
	t0 = now_s();
	bk_stacks_pid_seen(s, getpid());
	for (i = 0; i < 10000; i++) {
		bk_trace_reset(t);
		for (k = 0; k < 30; k++)
			ips[k] = upool[(i * 7 + k * 13) % 400];
		bk_stacks_add_user_ips(s, t, getpid(), ips, 30);
		bk_trace_push(t, "-", NULL, 0, BK_FRAME_MARK, false);
		for (k = 0; k < 12; k++)
			ips[k] = kpool[(i * 11 + k * 17) % 400];
		bk_stacks_add_kernel_ips(s, t, ips, 12);
		k = (int)bk_trace_fold(t, "bench", buf, sizeof(buf));
		bk_flame_add(fg, buf, k, 1 + i % 5);
		fprintf(null, "%s %d\n", buf, 1 + i % 5);
	}
	CHECK_INT(bk_flame_write(fg, null, NULL), 0);
	el = now_s() - t0;
	printf("# symbolized, folded and drew 10000 stacks (42 frames each) in %.0f ms of CPU\n", el * 1e3);
	CHECK(el < 1.0);
	fclose(null);
	bk_flame_free(fg);
	bk_stacks_free(s);
	bk_trace_free(t);
}

int main(void)
{
	char cmd[64];

	if (!mkdtemp(dir))
		return 1;
	RUN(test_ksyms);
	RUN(test_ksyms_restricted);
	RUN(test_kernel_frames_hex_when_restricted);
	RUN(test_kernel_frames);
	RUN(test_perfmap);
	RUN(test_ns_pid);
	RUN(test_fold);
	RUN(test_frame_kind);
	RUN(test_flame);
	RUN(test_flame_layout);
	RUN(test_flame_colours);
	RUN(test_own_symbols);
	RUN(test_vdso);
	RUN(test_bench_10000_stacks);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		return 1;
	UNIT_EXIT();
}

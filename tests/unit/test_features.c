// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* Helper names and releases against the build host's <linux/bpf.h>; the
 * object scan on this kernel (which has everything) finds nothing missing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include "kernel/features.h"
#include "unit.h"

static void test_names(void)
{
	CHECK_STR(bk_helper_name(BPF_FUNC_probe_read_user), "probe_read_user");
	CHECK_STR(bk_helper_name(BPF_FUNC_ringbuf_reserve), "ringbuf_reserve");
	CHECK_STR(bk_helper_name(BPF_FUNC_get_attach_cookie), "get_attach_cookie");
	CHECK_STR(bk_helper_name(BPF_FUNC_loop), "loop");
	CHECK_STR(bk_helper_name(BPF_FUNC_user_ringbuf_drain), "user_ringbuf_drain");
	CHECK(bk_helper_name(1) == NULL);
	CHECK(bk_helper_name(100000) == NULL);
}

static void test_since(void)
{
	CHECK(bk_helper_since(BPF_FUNC_map_lookup_elem) == NULL);
	CHECK_STR(bk_helper_since(BPF_FUNC_probe_read_kernel), "5.5");
	CHECK_STR(bk_helper_since(BPF_FUNC_get_ns_current_pid_tgid), "5.7");
	CHECK_STR(bk_helper_since(BPF_FUNC_xdp_output), "5.6");
	CHECK_STR(bk_helper_since(BPF_FUNC_ringbuf_output), "5.8");
	CHECK_STR(bk_helper_since(BPF_FUNC_get_task_stack), "5.9");
	CHECK_STR(bk_helper_since(BPF_FUNC_d_path), "5.10");
	CHECK_STR(bk_helper_since(BPF_FUNC_get_current_task_btf), "5.11");
	CHECK_STR(bk_helper_since(BPF_FUNC_for_each_map_elem), "5.13");
	CHECK_STR(bk_helper_since(BPF_FUNC_sys_bpf), "5.14");
	CHECK_STR(bk_helper_since(BPF_FUNC_get_attach_cookie), "5.15");
	CHECK_STR(bk_helper_since(BPF_FUNC_find_vma), "5.17");
	CHECK_STR(bk_helper_since(BPF_FUNC_ktime_get_tai_ns), "6.1");
	CHECK_STR(bk_map_type_since(BPF_MAP_TYPE_RINGBUF), "5.8");
	CHECK_STR(bk_map_type_since(BPF_MAP_TYPE_TASK_STORAGE), "5.11");
	CHECK(bk_map_type_since(BPF_MAP_TYPE_HASH) == NULL);
	CHECK_STR(bk_map_type_since(BPF_MAP_TYPE_BLOOM_FILTER), "5.16");
}

/* The floor read from the objects (no root needed to open them). */
static void test_floor(void)
{
	const char *out = getenv("OUTPUT") ? getenv("OUTPUT") : "build";
	const char *tools[][3] = {
		{ "opensnoop", "5.8", "the BPF map type ringbuf" },
		{ "funccount", "5.15", "the BPF helper bpf_get_attach_cookie" },
	};
	char path[256], what[128];

	for (size_t i = 0; i < 2; i++) {
		struct bpf_object *obj;

		snprintf(path, sizeof(path), "%s/obj/%s.bpf.o", out, tools[i][0]);
		obj = bpf_object__open_file(path, NULL);
		CHECK(obj != NULL);
		if (!obj)
			continue;
		CHECK_STR(bk_object_floor(obj, what, sizeof(what)), tools[i][1]);
		CHECK_STR(what, tools[i][2]);
		bpf_object__close(obj);
	}
}

/* As root: a loaded object's programs can still be scanned, and this kernel
 * lacks nothing opensnoop and execsnoop use. */
static void test_scan(void)
{
	const char *out = getenv("OUTPUT") ? getenv("OUTPUT") : "build";
	const char *tools[] = { "opensnoop", "execsnoop" };
	char path[256], why[128] = "";

	if (geteuid() != 0)
		return;
	for (size_t i = 0; i < 2; i++) {
		struct bpf_object *obj;

		why[0] = 0;
		snprintf(path, sizeof(path), "%s/obj/%s.bpf.o", out, tools[i]);
		obj = bpf_object__open_file(path, NULL);
		CHECK(obj != NULL);
		if (!obj)
			continue;
		CHECK(bk_missing_feature(obj, why, sizeof(why)) == 0);
		CHECK_STR(why, "");
		/* A call to a helper no kernel has is found and named. */
		if (i == 0) {
			struct bpf_program *prog = bpf_object__next_program(obj, NULL);
			size_t n = bpf_program__insn_cnt(prog);
			struct bpf_insn *in = calloc(n, sizeof(*in));
			size_t k;

			memcpy(in, bpf_program__insns(prog), n * sizeof(*in));
			for (k = 0; k < n; k++)
				if (in[k].code == (BPF_JMP | BPF_CALL) && in[k].src_reg == 0)
					break;
			CHECK(k < n);
			if (k < n) {
				in[k].imm = 9999;
				CHECK(bpf_program__set_insns(prog, in, n) == 0);
				CHECK(bk_missing_feature(obj, why, sizeof(why)) == 1);
				CHECK_STR(why, "the BPF helper number 9999");
			}
			free(in);
		}
		bpf_object__close(obj);
	}
}

/* test_features --floor OBJ...: each object's kernel floor, as
 * "NAME RELEASE FEATURE" ("-" when nothing newer than 5.5). */
static int floors(int n, char **objs)
{
	libbpf_set_print(NULL);
	for (int i = 0; i < n; i++) {
		struct bpf_object *obj = bpf_object__open_file(objs[i], NULL);
		const char *base = strrchr(objs[i], '/') ? strrchr(objs[i], '/') + 1 : objs[i];
		char what[128];
		const char *f;

		if (!obj)
			return 1;
		f = bk_object_floor(obj, what, sizeof(what));
		printf("%.*s %s %s\n", (int)strcspn(base, "."), base, f ? f : "-", f ? what : "-");
		bpf_object__close(obj);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--floor"))
		return floors(argc - 2, argv + 2);
	RUN(test_names);
	RUN(test_since);
	RUN(test_floor);
	RUN(test_scan);
	UNIT_EXIT();
}

// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* The top-style screen (common/core/top.c): options, layouts, rows shown. */
#include <stdio.h>
#include <bpf/bpf.h>
#include "core/opts.h"
#include "core/top.h"
#include "unit.h"

struct row {
	__u32 key;
	__u32 pad;
	__u64 value;
};

static int by_value(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? 1 : -1;
	return x->key < y->key ? -1 : x->key > y->key;
}

static void head(void *ctx, const char *hms, long n)
{
	printf("H %ld\n", n);
}

static void print_row(void *ctx, const void *row, const char *t)
{
	const struct row *r = row;

	printf("R %u %llu%s\n", r->key, (unsigned long long)r->value, bk_env.json ? " json" : "");
}

static struct bk_top top = {
	.rows = 3,
	BK_TOP_ROW(struct row, key, value),
	.cap = 64,
	.cmp = by_value,
	.head = head,
	.print_row = print_row,
};

/* The map holds key i -> value i * 10 for keys 1..n. */
static void fill(int fd, __u32 n)
{
	for (__u32 k = 1; k <= n; k++) {
		__u64 v = k * 10;

		bpf_map_update_elem(fd, &k, &v, BPF_ANY);
	}
}

/* What one refresh printed. */
static const char *refresh(char *buf, size_t len)
{
	FILE *f = tmpfile();
	int saved = dup(STDOUT_FILENO);
	size_t n;

	fflush(stdout);
	dup2(fileno(f), STDOUT_FILENO);
	CHECK_INT(bk_top_refresh(&top), 0);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	rewind(f);
	n = fread(buf, 1, len - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Busiest first, ROWS of them, a blank line between refreshes, the map emptied. */
static void test_columns(void)
{
	char buf[512];

	top.printed = 0;
	top.blank_after = false;
	fill(top.fd, 5);
	CHECK_STR(refresh(buf, sizeof(buf)), "H 5\nR 5 50\nR 4 40\nR 3 30\n");
	fill(top.fd, 1);
	CHECK_STR(refresh(buf, sizeof(buf)), "\nH 1\nR 1 10\n");
	CHECK_STR(refresh(buf, sizeof(buf)), "\nH 0\n");
}

/* The other layout: a blank line after each refresh. */
static void test_blank_after(void)
{
	char buf[512];

	top.printed = 0;
	top.blank_after = true;
	fill(top.fd, 2);
	CHECK_STR(refresh(buf, sizeof(buf)), "H 2\nR 2 20\nR 1 10\n\n");
	CHECK_STR(refresh(buf, sizeof(buf)), "H 0\n\n");
	top.blank_after = false;
}

/* -j: no title, no blank lines; ROWS rows, or all of them with json_all. */
static void test_json(void)
{
	char buf[512];

	bk_env.json = true;
	fill(top.fd, 4);
	CHECK_STR(refresh(buf, sizeof(buf)), "R 4 40 json\nR 3 30 json\nR 2 20 json\n");
	top.json_all = true;
	fill(top.fd, 4);
	CHECK_STR(refresh(buf, sizeof(buf)), "R 4 40 json\nR 3 30 json\nR 2 20 json\nR 1 10 json\n");
	top.json_all = false;
	bk_env.json = false;
}

static struct bk_top parsed = { .rows = 20, .max_rows = 100 };

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	return bk_top_parse_opt(&parsed, key, arg, state);
}

static const void *parse_top(int argc, char **argv)
{
	static const struct argp_option options[] = {
		BK_TOP_ARGP_OPTIONS("rows", "KEY", "Sort by a or b"),
		{},
	};
	static const struct argp argp = { options, parse_opt, "[interval [count]]", "doc",
					  NULL, NULL, NULL };

	parsed.sort_keys = (const char *const[]){ "a", "b", NULL };
	parsed.sort_want = "a or b";
	if (argp_parse(&argp, argc, argv, 0, NULL, NULL))
		_exit(97);
	return &parsed;
}

/* Parses argv in a child (usage errors exit); its exit status, 0 if it returned. */
static int parse(const char *const *args, struct bk_top *out)
{
	return unit_parse(parse_top, args, out, sizeof(*out));
}

/* -C, -r and -S strictly; [interval [count]] as every summary tool. */
static void test_options(void)
{
	struct bk_top t;

	CHECK_INT(parse((const char *[]){ "-C", "-r", "7", "-S", "b", NULL }, &t), 0);
	CHECK(t.no_clear);
	CHECK_INT(t.rows, 7);
	CHECK_INT(t.sort, 1);
	CHECK_INT(parse((const char *[]){ NULL }, &t), 0);
	CHECK(!t.no_clear);
	CHECK_INT(t.rows, 20);
	CHECK_INT(t.sort, 0);
	CHECK_INT(parse((const char *[]){ "-S", "c", NULL }, &t), 64);
	CHECK_INT(parse((const char *[]){ "-r", "0", NULL }, &t), 64);
	CHECK_INT(parse((const char *[]){ "-r", "101", NULL }, &t), 64);
	CHECK_INT(parse((const char *[]){ "-r", "5x", NULL }, &t), 64);
	CHECK_INT(parse((const char *[]){ "2", "3", NULL }, &t), 0);
	CHECK_INT(parse((const char *[]){ "2", "3", "4", NULL }, &t), 64);
}

int main(void)
{
	top.fd = bpf_map_create(BPF_MAP_TYPE_HASH, "bk_top", sizeof(__u32), sizeof(__u64), 64,
				NULL);
	RUN(test_options);
	if (top.fd < 0) {
		printf("SKIP top: cannot create BPF maps here (%s)\n", strerror(errno));
		UNIT_EXIT();
	}
	RUN(test_columns);
	RUN(test_blank_after);
	RUN(test_json);
	close(top.fd);
	UNIT_EXIT();
}

/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * symcache against running children of the symtarget trigger, which print
 * the runtime addresses of their functions: PIE, non-PIE and stripped with a
 * debuglink copy, libc, processes that exit, and the per-binary cache.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uspace/elfsym.h"
#include "uspace/symcache.h"
#include "unit.h"

#define TRIGGER_SRC "tests/triggers/symtarget.c"

static char tmp[64];
static char trigger[PATH_MAX];

struct child {
	pid_t pid;
	uint64_t alpha, beta, gamma, getppid;
};

static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* Runs `prog --wait` and reads the addresses it prints. */
static int start_child(const char *prog, struct child *c)
{
	char buf[512], name[64];
	unsigned long long addr;
	int fds[2];
	FILE *fp;

	memset(c, 0, sizeof(*c));
	if (pipe(fds))
		return -1;
	fflush(stdout); /* or the child may print our buffer again */
	c->pid = fork();
	if (c->pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execl(prog, prog, "--wait", NULL);
		_exit(127);
	}
	close(fds[1]);
	fp = fdopen(fds[0], "r");
	while (fp && fgets(buf, sizeof(buf), fp)) {
		if (!strcmp(buf, "ready\n"))
			break;
		if (sscanf(buf, "%63s %llx", name, &addr) != 2)
			continue;
		if (!strcmp(name, "symtarget_alpha"))
			c->alpha = addr;
		else if (!strcmp(name, "symtarget_beta"))
			c->beta = addr;
		else if (!strcmp(name, "symtarget_gamma"))
			c->gamma = addr;
		else if (!strcmp(name, "getppid"))
			c->getppid = addr;
	}
	if (fp)
		fclose(fp);
	return c->pid > 0 && c->alpha && c->beta && c->gamma && c->getppid ?
		       0 :
		       -1;
}

static void stop_child(struct child *c)
{
	if (c->pid <= 0)
		return;
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	c->pid = 0;
}

/* The path and start of the first mapping of pid whose path contains
 * needle, as the maps show it. */
static int mapping(pid_t pid, const char *needle, char *path,
		   unsigned long long *start)
{
	char maps[64], line[PATH_MAX + 128], *p;
	unsigned long long end;
	FILE *fp;
	int err = -1;

	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)pid);
	fp = fopen(maps, "r");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		p = strchr(line, '/');
		if (p && strstr(p, needle) &&
		    sscanf(line, "%llx-%llx", start, &end) == 2) {
			snprintf(path, PATH_MAX, "%s", p);
			err = 0;
			break;
		}
	}
	fclose(fp);
	return err;
}

static void expect(struct symcache *sc, pid_t pid, uint64_t addr,
		   const char *want)
{
	char buf[PATH_MAX + 256];

	CHECK_INT(symcache_snprint(sc, pid, addr, buf, sizeof(buf)), 0);
	CHECK_STR(buf, want);
}

/* The functions of a PIE child, static ones included, and libc's. */
static void check_child(const char *prog, const char *module)
{
	char want[PATH_MAX + 256], libc[PATH_MAX];
	struct symcache_result r;
	struct elfsym_file *ef;
	unsigned long long start;
	struct symcache *sc;
	struct child c;
	uint64_t off;

	CHECK_INT(start_child(prog, &c), 0);
	CHECK_INT(symcache_new(&sc), 0);
	if (unit_cur_failed)
		goto out;
	snprintf(want, sizeof(want), "symtarget_alpha+0x0 (%s)", module);
	expect(sc, c.pid, c.alpha, want);
	snprintf(want, sizeof(want), "symtarget_beta+0x3 (%s)", module);
	expect(sc, c.pid, c.beta + 3, want);
	snprintf(want, sizeof(want), "symtarget_gamma+0x1 (%s)", module);
	expect(sc, c.pid, c.gamma + 1, want);

	CHECK_INT(symcache_resolve(sc, c.pid, c.beta + 2, &r), 0);
	CHECK_STR(r.name, "symtarget_beta");
	CHECK_INT(r.offset, 2);
	CHECK_STR(r.module, module);
	/* the file offset is the one a uprobe on the function takes */
	CHECK_INT(elfsym_open(trigger, &ef), 0);
	if (ef) {
		CHECK_INT(elfsym_lookup(ef, "symtarget_beta", &off), 0);
		CHECK_INT(r.module_off, off + 2);
		elfsym_close(ef);
	}

	CHECK_INT(mapping(c.pid, "/libc.so", libc, &start), 0);
	snprintf(want, sizeof(want), "getppid+0x4 (%s)", libc);
	expect(sc, c.pid, c.getppid + 4, want);

	/* the ELF header is in the first mapping but in no function */
	CHECK_INT(mapping(c.pid, module, want, &start), 0);
	CHECK_INT(symcache_resolve(sc, c.pid, start, &r), -ENOENT);
	CHECK(r.name == NULL);
	snprintf(want, sizeof(want), "[unknown] (%s+0x0)", module);
	expect(sc, c.pid, start, want);
out:
	symcache_free(sc);
	stop_child(&c);
}

static void test_pie_child(void)
{
	check_child(trigger, trigger);
}

static void test_nopie_child(void)
{
	char exe[PATH_MAX];

	snprintf(exe, sizeof(exe), "%s/nopie", tmp);
	CHECK_INT(sh("gcc -g -O2 -no-pie -o %s %s", exe, TRIGGER_SRC), 0);
	CHECK_INT(sh("readelf -h %s | grep -q 'EXEC (Executable'", exe), 0);
	/* check_child() compares the uprobe offset with the trigger's */
	snprintf(trigger, sizeof(trigger), "%s", exe);
	check_child(exe, exe);
}

/* A stripped binary whose symbols are in a .gnu_debuglink file. */
static void test_debuglink_child(void)
{
	char exe[PATH_MAX], want[PATH_MAX + 64];
	struct symcache *sc;
	struct child c;

	snprintf(exe, sizeof(exe), "%s/st-stripped", tmp);
	CHECK_INT(sh("cd %s && objcopy --only-keep-debug %s st-stripped.debug "
		     "&& objcopy --strip-all "
		     "--remove-section=.note.gnu.build-id "
		     "--add-gnu-debuglink=st-stripped.debug %s st-stripped",
		     tmp, trigger, trigger),
		  0);
	CHECK_INT(start_child(exe, &c), 0);
	CHECK_INT(symcache_new(&sc), 0);
	if (!unit_cur_failed) {
		snprintf(want, sizeof(want), "symtarget_gamma+0x2 (%s)", exe);
		expect(sc, c.pid, c.gamma + 2, want);
	}
	symcache_free(sc);
	stop_child(&c);
}

static void test_exited(void)
{
	char want[PATH_MAX + 64];
	struct symcache_result r;
	struct symcache *loaded, *fresh;
	struct child c;
	pid_t pid;

	CHECK_INT(start_child(trigger, &c), 0);
	CHECK_INT(symcache_new(&loaded), 0);
	CHECK_INT(symcache_new(&fresh), 0);
	if (unit_cur_failed)
		goto out;
	CHECK_INT(symcache_load_pid(loaded, c.pid), 0);
	pid = c.pid;
	stop_child(&c);

	/* maps read while it ran still serve its stacks */
	snprintf(want, sizeof(want), "symtarget_alpha+0x5 (%s)", trigger);
	expect(loaded, pid, c.alpha + 5, want);
	CHECK_INT(symcache_resolve(fresh, pid, c.alpha, &r), -ESRCH);
	CHECK(r.name == NULL && r.module == NULL);
	expect(fresh, pid, c.alpha, "[unknown]");
	symcache_forget_pid(loaded, pid);
	expect(loaded, pid, c.alpha, "[unknown]");
	CHECK_INT(symcache_load_pid(loaded, pid), -ESRCH);
out:
	symcache_free(loaded);
	symcache_free(fresh);
}

/* Two processes of one binary (at different bases under ASLR) share one
 * symbol table; resolving many frames stays cheap. */
static void test_shared_and_fast(void)
{
	struct symcache_result r1, r2;
	struct child a, b;
	struct symcache *sc;
	struct timespec t0, t1;
	double secs;
	int i, bad = 0;

	CHECK_INT(start_child(trigger, &a), 0);
	CHECK_INT(start_child(trigger, &b), 0);
	CHECK_INT(symcache_new(&sc), 0);
	if (unit_cur_failed)
		goto out;
	CHECK_INT(symcache_resolve(sc, a.pid, a.alpha + 1, &r1), 0);
	CHECK_INT(symcache_resolve(sc, b.pid, b.alpha + 1, &r2), 0);
	CHECK_STR(r2.name, "symtarget_alpha");
	CHECK(r1.name == r2.name);
	CHECK_INT(r1.module_off, r2.module_off);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 200000; i++) {
		struct child *c = i & 1 ? &a : &b;

		if (symcache_resolve(sc, c->pid,
				     i & 2 ? c->gamma + 1 : c->getppid, &r1))
			bad++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK_INT(bad, 0);
	secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (secs >= 2.0)
		printf("  200000 lookups took %.2fs\n", secs);
	CHECK(secs < 2.0);
out:
	symcache_free(sc);
	stop_child(&a);
	stop_child(&b);
}

static void test_bad_addresses(void)
{
	struct symcache_result r;
	struct symcache *sc;
	char buf[16];
	struct child c;

	CHECK_INT(start_child(trigger, &c), 0);
	CHECK_INT(symcache_new(&sc), 0);
	if (unit_cur_failed)
		goto out;
	CHECK_INT(symcache_resolve(sc, c.pid, 0x10, &r), -ENOENT);
	CHECK(r.name == NULL && r.module == NULL);
	expect(sc, c.pid, 0x10, "[unknown]");
	expect(sc, c.pid, UINT64_MAX, "[unknown]");
	CHECK_INT(symcache_resolve(sc, 0, c.alpha, &r), -EINVAL);
	CHECK_INT(symcache_resolve(sc, -1, c.alpha, &r), -EINVAL);
	/* truncated, but terminated */
	CHECK_INT(symcache_snprint(sc, c.pid, c.alpha, buf, sizeof(buf)),
		  -ENOSPC);
	CHECK_STR(buf, "symtarget_alpha");
out:
	symcache_free(sc);
	stop_child(&c);
}

int main(void)
{
	if (unit_trigger("symtarget", trigger))
		return 1;
	if (unit_tmpdir("test_symcache", tmp, sizeof(tmp)))
		return 1;

	RUN(test_pie_child);
	RUN(test_debuglink_child);
	RUN(test_exited);
	RUN(test_shared_and_fast);
	RUN(test_bad_addresses);
	/* last: it points trigger at its own build */
	if (access(TRIGGER_SRC, R_OK))
		printf("SKIP test_nopie_child: no %s here\n", TRIGGER_SRC);
	else
		RUN(test_nopie_child);

	sh("rm -rf %s", tmp);
	UNIT_EXIT();
}

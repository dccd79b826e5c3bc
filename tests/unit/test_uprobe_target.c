/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * uprobe_target: the spec parser, library name matching, maps lines, and
 * resolution checked against what this process and a child map, what
 * `ldconfig -p` says, and $PATH directories made here.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "uspace/uprobe_target.h"
#include "unit.h"

static char tmp[64];
static char trigger[PATH_MAX];

static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* The canonical path of the first mapping in pid whose path contains
 * needle; "" when none. */
static void mapped_path(pid_t pid, const char *needle, char *out)
{
	char path[64], line[PATH_MAX + 128];
	FILE *fp;
	char *p;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	fp = fopen(path, "r");
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		p = strchr(line, '/');
		if (p && strstr(p, needle)) {
			if (!realpath(p, out))
				out[0] = '\0';
			break;
		}
	}
	fclose(fp);
}

/* A child running `symtarget --wait`, stopped by stop_child(). */
static pid_t start_child(const char *prefix)
{
	int fds[2];
	char buf[512];
	FILE *fp;
	pid_t pid;

	if (pipe(fds))
		return -1;
	fflush(stdout); /* or the child may print our buffer again */
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		if (prefix)
			execlp(prefix, prefix, "-Urm", trigger, "--wait", NULL);
		else
			execl(trigger, trigger, "--wait", NULL);
		_exit(127);
	}
	close(fds[1]);
	fp = fdopen(fds[0], "r");
	while (fp && fgets(buf, sizeof(buf), fp))
		if (!strcmp(buf, "ready\n"))
			break;
	if (fp)
		fclose(fp);
	return pid;
}

static void stop_child(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

struct spec_case {
	const char *in;
	int err;
	char kind;
	const char *target, *func;
};

static void test_spec_parse(void)
{
	static const struct spec_case cases[] = {
		{ "libc:malloc", 0, 'p', "libc", "malloc" },
		{ "/bin/bash:readline", 0, 'p', "/bin/bash", "readline" },
		{ "p:c:mal*", 0, 'p', "c", "mal*" },
		{ "r:./a.out:_ZN3foo3bEv", 0, 'r', "./a.out", "_ZN3foo3bEv" },
		{ "p:libc.so.6:foo.cold", 0, 'p', "libc.so.6", "foo.cold" },
		{ "libc:[a-c]?x", 0, 'p', "libc", "[a-c]?x" },
		{ "u:python:function__entry", -EOPNOTSUPP },
		{ "t:sched:sched_switch", -EOPNOTSUPP },
		{ "pp:libc:malloc", -EINVAL },
		{ "1:libc:malloc", -EINVAL },
		{ "a:b:c:d", -EINVAL },
		{ "malloc", -EINVAL },
		{ "", -EINVAL },
		{ ":malloc", -EINVAL },
		{ "libc:", -EINVAL },
		{ "p::malloc", -EINVAL },
		{ "p:libc:", -EINVAL },
		{ "lib c:malloc", -EINVAL },
		{ "libc:mal loc", -EINVAL },
		{ "libc:malloc\n", -EINVAL },
		{ "libc:mal\tloc", -EINVAL },
		{ "libc:a/b", -EINVAL },
		{ "libc:a+0x10", -EINVAL },
	};
	static char long_spec[PATH_MAX + 64];
	struct uprobe_spec s;
	size_t i;
	int err;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err = uprobe_spec_parse(cases[i].in, &s);
		if (err != cases[i].err)
			printf("  case \"%s\"\n", cases[i].in);
		CHECK_INT(err, cases[i].err);
		if (err || cases[i].err)
			continue;
		CHECK_INT(s.kind, cases[i].kind);
		CHECK_STR(s.target, cases[i].target);
		CHECK_STR(s.func, cases[i].func);
	}
	memset(long_spec, 'a', PATH_MAX + 10);
	long_spec[PATH_MAX + 10] = '\0';
	long_spec[5] = ':';
	CHECK_INT(uprobe_spec_parse(long_spec, &s), -ENAMETOOLONG);
	long_spec[5] = 'a';
	long_spec[PATH_MAX + 2] = ':';
	CHECK_INT(uprobe_spec_parse(long_spec, &s), -ENAMETOOLONG);
}

static void test_lib_matches(void)
{
	CHECK(uprobe_target_lib_matches("libc.so.6", "c"));
	CHECK(uprobe_target_lib_matches("libc.so.6", "libc"));
	CHECK(uprobe_target_lib_matches("libc.so.6", "libc.so"));
	CHECK(uprobe_target_lib_matches("libc.so.6", "libc.so.6"));
	CHECK(uprobe_target_lib_matches("libc.so", "c"));
	CHECK(uprobe_target_lib_matches("libc-2.31.so", "c"));
	CHECK(uprobe_target_lib_matches("libreadline.so.8.2", "readline"));
	CHECK(uprobe_target_lib_matches("libpython3.11.so.1.0",
					"python3.11"));
	CHECK(!uprobe_target_lib_matches("libcap.so.2", "c"));
	CHECK(!uprobe_target_lib_matches("libcrypt.so.1", "libc"));
	CHECK(!uprobe_target_lib_matches("libc++.so.1", "c"));
	CHECK(!uprobe_target_lib_matches("libc.so.6", "libc.so.6.1"));
	CHECK(!uprobe_target_lib_matches("libc.so.6", "libc.so.7"));
	CHECK(!uprobe_target_lib_matches("libc.so.6x", "libc.so.6"));
	CHECK(!uprobe_target_lib_matches("libc.so.6", ""));
	CHECK(!uprobe_target_lib_matches("libc.so.6", "/lib/libc.so.6"));
	CHECK(!uprobe_target_lib_matches("libcso", "c"));
	CHECK(!uprobe_target_lib_matches("libc-foo.so", "c"));
	CHECK(uprobe_target_lib_matches("ld-linux-x86-64.so.2",
					"ld-linux-x86-64.so.2"));
	CHECK(uprobe_target_lib_matches("pam_unix.so", "pam_unix.so"));
	CHECK(!uprobe_target_lib_matches("libpam_unix.so", "pam_unix.so"));
}

static void test_maps_line(void)
{
	char l1[] = "55d0c1a00000-55d0c1a28000 r-xp 00028000 fe:01 1311 "
		    "          /usr/lib/x86_64-linux-gnu/libc.so.6\n";
	char l2[] = "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n";
	char l3[] = "7f0000000000-7f0000002000 r-xp 00001000 00:2a 77 "
		    "/tmp/a dir/my lib.so (deleted)\n";
	char l4[] = "7ffd1000-7ffd3000 r-xp 00000000 00:00 0   [vdso]";
	char bad1[] = "7f0000000000 r-xp 00000000 00:00 0";
	char bad2[] = "2000-1000 r-xp 00000000 00:00 0 /x";
	char bad3[] = "1000-2000 r-xp 0 00:00 0x12 /x";
	char bad4[] = "";
	struct proc_map m;

	CHECK_INT(proc_map_parse(l1, &m), 0);
	CHECK_INT(m.start, 0x55d0c1a00000ULL);
	CHECK_INT(m.end, 0x55d0c1a28000ULL);
	CHECK_INT(m.pgoff, 0x28000);
	CHECK_INT(m.dev_major, 0xfe);
	CHECK_INT(m.dev_minor, 1);
	CHECK_INT(m.ino, 1311);
	CHECK(m.exec);
	CHECK(!m.deleted);
	CHECK_STR(m.path, "/usr/lib/x86_64-linux-gnu/libc.so.6");
	CHECK_INT(proc_map_parse(l2, &m), 0);
	CHECK_STR(m.path, "");
	CHECK(!m.exec);
	CHECK_INT(proc_map_parse(l3, &m), 0);
	CHECK_STR(m.path, "/tmp/a dir/my lib.so");
	CHECK(m.deleted);
	CHECK_INT(m.dev_minor, 0x2a);
	CHECK_INT(proc_map_parse(l4, &m), 0);
	CHECK_STR(m.path, "[vdso]");
	CHECK_INT(proc_map_parse(bad1, &m), -EINVAL);
	CHECK_INT(proc_map_parse(bad2, &m), -EINVAL);
	CHECK_INT(proc_map_parse(bad3, &m), -EINVAL);
	CHECK_INT(proc_map_parse(bad4, &m), -EINVAL);
}

static void test_paths(void)
{
	char buf[PATH_MAX], want[PATH_MAX], cwd[PATH_MAX];

	CHECK_INT(uprobe_target_resolve(trigger, 0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, trigger);
	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_INT(sh("cp %s %s/prog && ln -s prog %s/link", trigger, tmp, tmp),
		  0);
	CHECK_INT(chdir(tmp), 0);
	CHECK(realpath("prog", want) != NULL);
	CHECK_INT(uprobe_target_resolve("./prog", 0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, want);
	/* canonical: the symlink gives the file itself */
	CHECK_INT(uprobe_target_resolve("./link", 0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, want);
	/* relative paths are ours even with a PID */
	CHECK_INT(uprobe_target_resolve("./prog", getpid(), buf, sizeof(buf)),
		  0);
	CHECK_STR(buf, want);
	CHECK_INT(uprobe_target_resolve("./missing", 0, buf, sizeof(buf)),
		  -ENOENT);
	CHECK_INT(uprobe_target_resolve("/", 0, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(uprobe_target_resolve("", 0, buf, sizeof(buf)), -EINVAL);
	CHECK_INT(uprobe_target_resolve("./prog", 0, buf, 4), -ENAMETOOLONG);
	CHECK_INT(chdir(cwd), 0);
}

static void test_program_in_path(void)
{
	char buf[PATH_MAX], want[PATH_MAX], *saved, *old = getenv("PATH");

	saved = strdup(old ? old : "");
	/* a non-executable file of the name earlier in PATH is skipped */
	CHECK_INT(sh("mkdir -p %s/bin1 %s/bin2 && : > %s/bin1/symt-prog && "
		     "cp %s %s/bin2/symt-prog",
		     tmp, tmp, tmp, trigger, tmp),
		  0);
	snprintf(buf, sizeof(buf), "%s/bin1:%s/bin2:%s", tmp, tmp, saved);
	setenv("PATH", buf, 1);
	snprintf(buf, sizeof(buf), "%s/bin2/symt-prog", tmp);
	CHECK(realpath(buf, want) != NULL);
	CHECK_INT(uprobe_target_resolve("symt-prog", 0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, want);
	CHECK_INT(uprobe_target_resolve("symt-prog-missing", 0, buf,
					sizeof(buf)),
		  -ENOENT);

	/* an empty element, first, last or between two, is the working
	 * directory (POSIX), not the root */
	{
		static const char *const paths[] = { ":/nonexistent", "/nonexistent:",
						     "/nonexistent::/nonexistent2" };
		char cwd[PATH_MAX], dir[PATH_MAX];

		CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
		snprintf(dir, sizeof(dir), "%s/bin2", tmp);
		CHECK_INT(chdir(dir), 0);
		for (size_t i = 0; i < 3; i++) {
			setenv("PATH", paths[i], 1);
			buf[0] = '\0';
			CHECK_INT(uprobe_target_resolve("symt-prog", 0, buf, sizeof(buf)), 0);
			CHECK_STR(buf, want);
		}
		CHECK_INT(chdir(cwd), 0);
	}
	setenv("PATH", saved, 1);
	free(saved);

	/* bash as `command -v` and the link behind it see it */
	if (sh("command -v bash > %s/bash.txt", tmp) == 0) {
		FILE *fp;
		char line[PATH_MAX] = "";

		snprintf(buf, sizeof(buf), "%s/bash.txt", tmp);
		fp = fopen(buf, "r");
		CHECK(fp && fgets(line, sizeof(line), fp));
		if (fp)
			fclose(fp);
		line[strcspn(line, "\n")] = '\0';
		CHECK(realpath(line, want) != NULL);
		CHECK_INT(uprobe_target_resolve("bash", 0, buf, sizeof(buf)),
			  0);
		CHECK_STR(buf, want);
	}
}

static void test_libc_self(void)
{
	static const char *const names[] = { "libc", "c", "libc.so.6" };
	char buf[PATH_MAX], want[PATH_MAX];
	size_t i;

	mapped_path(getpid(), "/libc.so", want);
	CHECK(want[0] == '/');
	for (i = 0; i < 3; i++) {
		/* through our maps */
		CHECK_INT(uprobe_target_resolve(names[i], getpid(), buf,
						sizeof(buf)),
			  0);
		CHECK_STR(buf, want);
		/* through the ld.so cache: the same file */
		CHECK_INT(uprobe_target_resolve(names[i], 0, buf, sizeof(buf)),
			  0);
		CHECK_STR(buf, want);
	}
	CHECK_INT(uprobe_target_resolve("libno-such-lib", 0, buf, sizeof(buf)),
		  -ENOENT);
	CHECK_INT(uprobe_target_resolve("libno-such-lib", getpid(), buf,
					sizeof(buf)),
		  -ENOENT);
}

/* A library no process here maps, as `ldconfig -p` lists it. */
static void test_ldconfig(void)
{
	char buf[PATH_MAX], line[PATH_MAX + 128], want[PATH_MAX] = "", *p;
	FILE *fp;

	fp = popen("ldconfig -p 2>/dev/null", "r");
	CHECK(fp != NULL);
	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		p = strstr(line, " => ");
		if (!want[0] && strstr(line, "\tlibz.so.1 ") && p &&
		    !realpath(p + 4, want))
			want[0] = '\0';
	}
	pclose(fp);
	CHECK(want[0] == '/');
	CHECK_INT(uprobe_target_resolve("z", 0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, want);
	CHECK_INT(uprobe_target_resolve("libz.so.1", 0, buf, sizeof(buf)), 0);
	CHECK_STR(buf, want);
}

#ifdef __x86_64__
#define LDCONFIG_ARCH "x86-64)"
#endif

#ifdef LDCONFIG_ARCH
/*
 * Every library of our architecture in the ld.so cache resolves to the
 * first entry `ldconfig -p` lists for it, past entries of other
 * architectures (lib32) and in directories outside the standard ones.
 */
static void test_ldconfig_all(void)
{
	static char names[2048][128], paths[2048][PATH_MAX];
	char line[PATH_MAX + 256], buf[PATH_MAX], want[PATH_MAX], *arrow;
	int n = 0, i, j, bad = 0;
	FILE *fp;

	fp = popen("ldconfig -p 2>/dev/null", "r");
	CHECK(fp != NULL);
	if (!fp)
		return;
	while (n < 2048 && fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		arrow = strstr(line, " => ");
		if (!arrow || !strstr(line, LDCONFIG_ARCH) ||
		    sscanf(line, " %127s", names[n]) != 1)
			continue;
		snprintf(paths[n], PATH_MAX, "%s", arrow + 4);
		n++;
	}
	pclose(fp);
	CHECK(n > 20);
	for (i = 0; i < n; i++) {
		/* the first listed entry this name designates */
		for (j = 0; j < n; j++)
			if (uprobe_target_lib_matches(names[j], names[i]))
				break;
		if (!realpath(paths[j], want))
			continue;
		if (uprobe_target_resolve(names[i], 0, buf, sizeof(buf)) ||
		    strcmp(buf, want)) {
			if (!bad++)
				printf("  %s: want %s\n", names[i], want);
		}
	}
	CHECK_INT(bad, 0);
}
#endif

static void test_child_pid(void)
{
	char buf[PATH_MAX], want[PATH_MAX];
	pid_t pid, dead;

	pid = start_child(NULL);
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	/* the program by its name, through the maps */
	CHECK_INT(uprobe_target_resolve("symtarget", pid, buf, sizeof(buf)), 0);
	CHECK_STR(buf, trigger);
	mapped_path(pid, "/libc.so", want);
	CHECK_INT(uprobe_target_resolve("c", pid, buf, sizeof(buf)), 0);
	CHECK_STR(buf, want);
	CHECK_INT(uprobe_target_pid_path(pid, "/etc/passwd", buf, sizeof(buf)),
		  0);
	CHECK_STR(buf, "/etc/passwd");
	stop_child(pid);

	fflush(stdout);
	dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	CHECK_INT(uprobe_target_resolve("c", dead, buf, sizeof(buf)), -ESRCH);
	CHECK_INT(uprobe_target_pid_path(dead, "/x", buf, sizeof(buf)), -ESRCH);
}

/* A child in its own mount namespace: its files are ours through
 * /proc/PID/root. */
static bool userns_ok(void)
{
	return sh("unshare -Urm true 2>/dev/null") == 0;
}

static void test_other_mntns(void)
{
	char buf[PATH_MAX], want[PATH_MAX + 64], libc[PATH_MAX];
	pid_t pid;

	pid = start_child("unshare");
	CHECK(pid > 0);
	if (pid <= 0)
		return;
	/* unshare execs the trigger in the same process */
	mapped_path(pid, "/libc.so", libc);
	CHECK(libc[0] == '/');
	snprintf(want, sizeof(want), "/proc/%d/root%s", (int)pid, libc);
	CHECK_INT(uprobe_target_resolve("libc", pid, buf, sizeof(buf)), 0);
	CHECK_STR(buf, want);
	snprintf(want, sizeof(want), "/proc/%d/root%s", (int)pid, trigger);
	CHECK_INT(uprobe_target_resolve(trigger, pid, buf, sizeof(buf)), 0);
	CHECK_STR(buf, want);
	CHECK_INT(uprobe_target_resolve("symtarget", pid, buf, sizeof(buf)), 0);
	CHECK_STR(buf, want);
	CHECK(access(buf, R_OK) == 0);
	stop_child(pid);
}

int main(void)
{
	if (unit_trigger("symtarget", trigger))
		return 1;
	if (unit_tmpdir("test_uprobe_target", tmp, sizeof(tmp)))
		return 1;

	RUN(test_spec_parse);
	RUN(test_lib_matches);
	RUN(test_maps_line);
	RUN(test_paths);
	RUN(test_program_in_path);
	RUN(test_libc_self);
	RUN(test_ldconfig);
#ifdef LDCONFIG_ARCH
	RUN(test_ldconfig_all);
#endif
	RUN(test_child_pid);
	if (userns_ok())
		RUN(test_other_mntns);
	else
		printf("SKIP test_other_mntns: unshare -Urm is not allowed\n");

	sh("rm -rf %s", tmp);
	UNIT_EXIT();
}

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# What the tools need and what they say when it is missing (README,
# Requirements), found by running them with fewer privileges; the checks of
# their input that come before any tracing (--btf, --cgroup); and tracefs
# mounted by the tool where it is not. Host only: kernel-independent.
. "$(dirname "$0")/../lib.sh"
if [ "$IN_VM" = 1 ]; then
	skip "privileges" "kernel-independent: checked on the host"
	exit 0
fi
if ! command -v setpriv >/dev/null; then
	skip "privileges" "no setpriv here"
	exit 0
fi
# The tools run as another user from a copy it may execute.
cp "$BIN/opensnoop" "$BIN/gethostlatency" "$TMP/" && chmod 755 "$TMP" "$TMP/opensnoop" "$TMP/gethostlatency"
asuser() { # asuser CAPS CMD...: as uid 65534 with only CAPS (e.g. +bpf,+perfmon)
	local caps=-all${1:+,$1}; shift
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=$caps \
		--ambient-caps=$caps --bounding-set=$caps "$@"
}
onlycaps() { # onlycaps CAPS CMD...: as root with only CAPS
	local caps=-all${1:+,$1}; shift
	setpriv --inh-caps=$caps --ambient-caps=$caps --bounding-set=$caps "$@"
}

expect_exit "privileges: no capability at all is one sentence, exit 1" 1 asuser "" "$TMP/opensnoop"
grep -q 'needs root, or the CAP_BPF and CAP_PERFMON capabilities' "$TMP/exit.err" ||
	fail "privileges: the message names CAP_BPF and CAP_PERFMON" "$(cat "$TMP/exit.err")"

# Tracepoints: as root, CAP_BPF and CAP_PERFMON are enough; another user also
# needs CAP_DAC_READ_SEARCH for tracefs (mode 0700), and is told so.
expect_exit "privileges: root with CAP_BPF and CAP_PERFMON runs opensnoop" 0 \
	onlycaps +bpf,+perfmon "$TMP/opensnoop" -d 0.3
expect_exit "privileges: another user with CAP_BPF and CAP_PERFMON: one sentence, exit 1" 1 \
	asuser +bpf,+perfmon "$TMP/opensnoop" -d 0.3
if grep -q 'CAP_DAC_READ_SEARCH' "$TMP/exit.err" && ! grep -q 'not mounted' "$TMP/exit.err"; then
	pass "privileges: it names CAP_DAC_READ_SEARCH, not a missing tracefs"
else
	fail "privileges: it names CAP_DAC_READ_SEARCH, not a missing tracefs" "$(cat "$TMP/exit.err")"
fi
expect_exit "privileges: another user with CAP_BPF, CAP_PERFMON, CAP_DAC_READ_SEARCH runs opensnoop" 0 \
	asuser +bpf,+perfmon,+dac_read_search "$TMP/opensnoop" -d 0.3

# Uprobes: CAP_SYS_ADMIN, even for root; the refusal says so.
expect_exit "privileges: uprobes without CAP_SYS_ADMIN: one sentence, exit 1" 1 \
	onlycaps +bpf,+perfmon,+dac_read_search "$TMP/gethostlatency" -d 0.3
grep -q 'uprobes need CAP_SYS_ADMIN' "$TMP/exit.err" ||
	fail "privileges: the uprobe refusal names CAP_SYS_ADMIN" "$(cat "$TMP/exit.err")"
expect_exit "privileges: root with CAP_BPF, CAP_PERFMON, CAP_SYS_ADMIN runs gethostlatency" 0 \
	onlycaps +bpf,+perfmon,+sys_admin "$TMP/gethostlatency" -d 0.3

# --btf: a file that is not BTF, or not a kernel's, is one sentence before any
# tracing; an empty one is a usage error.
head -c 4096 /dev/urandom >"$TMP/garbage"
expect_exit "privileges: --btf of a file that is not BTF: one sentence, exit 1" 1 "$BIN/opensnoop" --btf "$TMP/garbage"
grep -q "is not a BTF file" "$TMP/exit.err" && ! grep -qi "error 4001\|libbpf" "$TMP/exit.err" ||
	fail "privileges: it says the file is not BTF, without libbpf's words" "$(cat "$TMP/exit.err")"
expect_exit "privileges: --btf of a program's BTF: one sentence, exit 1" 1 "$BIN/opensnoop" --btf "$OUTPUT/obj/opensnoop.bpf.o"
grep -q "not a kernel's" "$TMP/exit.err" || fail "privileges: it says the BTF is not a kernel's" "$(cat "$TMP/exit.err")"
expect_exit "privileges: --btf '' is a usage error" 64 "$BIN/opensnoop" --btf ''
expect_exit "privileges: --btf of the kernel's own BTF works" 0 "$BIN/opensnoop" --btf /sys/kernel/btf/vmlinux -d 0.3

# --cgroup: a missing directory and a cgroup v1 one are usage errors, said in words.
expect_exit "privileges: --cgroup of a missing directory is a usage error" 64 "$BIN/opensnoop" --cgroup /nonexistent/cg
v1=$(awk '$3 == "cgroup" { print $2; exit }' /proc/mounts)
if [ -n "$v1" ]; then
	expect_exit "privileges: --cgroup of a cgroup v1 directory is a usage error" 64 "$BIN/opensnoop" --cgroup "$v1"
	if grep -q 'cgroup v1 directory' "$TMP/exit.err" && ! grep -q 'Bad file descriptor' "$TMP/exit.err"; then
		pass "privileges: it says the directory is cgroup v1"
	else
		fail "privileges: it says the directory is cgroup v1" "$(cat "$TMP/exit.err")"
	fi
else
	skip "privileges: --cgroup of a cgroup v1 directory" "no cgroup v1 hierarchy here"
fi

# tracefs not mounted (in a mount namespace of our own): the tool mounts it
# and says so, in one line.
if command -v unshare >/dev/null; then
	unshare -m --propagation private bash -c "umount -l /sys/kernel/tracing 2>/dev/null; umount -l /sys/kernel/debug/tracing 2>/dev/null;
		[ -e /sys/kernel/tracing/events ] && exit 9; \"$BIN/opensnoop\" -d 0.3 >/dev/null" 2>"$TMP/mount.err"
	rc=$?
	if [ $rc = 9 ]; then
		skip "privileges: tracefs mounted by the tool" "cannot unmount tracefs in a mount namespace here"
	elif [ $rc = 0 ] && grep -q 'mounted tracefs on /sys/kernel/tracing' "$TMP/mount.err" && [ "$(wc -l <"$TMP/mount.err")" = 1 ]; then
		pass "privileges: a tool that mounts tracefs says so in one line"
	else
		fail "privileges: a tool that mounts tracefs says so in one line" "rc=$rc: $(cat "$TMP/mount.err")"
	fi
fi

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# The sentence of a tool that can do nothing on this kernel (or machine),
# bk_set_unsupported() in common/core/log.h, and the harness's one check for
# it, kernel_unsupported in tests/lib.sh, cannot drift apart: the real
# refusals of the places that make one (bk_choose: dcsnoop; a tool's own:
# mdflush, cpufreq, llcstat), where this host lacks what they need, are
# recognised; a runtime failure with another sentence, a --force-path the
# kernel lacks (a path, not the tool, is missing), the sentence with another
# status, another tool's name or not at the start of its line are not.
# Host only (runs in about a second: each tool ends at start-up).
. "$(dirname "$0")/../lib.sh"

# refused NAME TOOL ARGS...: the tool's refusal is recognised.
refused() {
	local name=$1 t=$2 rc=0
	shift 2
	timeout -k 5 20 "$BIN/$t" "$@" >/dev/null 2>"$TMP/$t.err" </dev/null || rc=$?
	kernel_unsupported "$t" "$TMP/$t.err" $rc
	expect_eq "unsupported: $name: recognised" "$?" 0 "exit status $rc: $(cat "$TMP/$t.err")"
}

# not_refused NAME WANT TOOL ERRFILE RC: kernel_unsupported returns WANT.
not_refused() {
	local r=0
	kernel_unsupported "$3" "$4" "$5" || r=$?
	expect_eq "unsupported: $1: not recognised" "$r" "$2" "$(cat "$4")"
}

if ! "$BIN/dcsnoop" -d 0.01 >/dev/null 2>&1; then
	refused "dcsnoop without fentry and kprobes (bk_choose)" dcsnoop -d 0.01
	rc=0
	"$BIN/dcsnoop" --force-path=fentry -d 0.01 >/dev/null 2>"$TMP/forced.err" || rc=$?
	not_refused "dcsnoop --force-path=fentry (exit $rc, a path the kernel lacks)" 1 dcsnoop "$TMP/forced.err" $rc
else
	skip "unsupported: dcsnoop" "this kernel has fentry or kprobes"
fi
if [ ! -e /proc/mdstat ]; then
	refused "mdflush without md (its own refusal)" mdflush -d 0.01
else
	skip "unsupported: mdflush" "this kernel has md"
fi
if ! ls /sys/devices/system/cpu/cpu*/cpufreq >/dev/null 2>&1; then
	refused "cpufreq without a cpufreq driver (its own refusal)" cpufreq -d 0.01
else
	skip "unsupported: cpufreq" "this machine has a cpufreq driver"
fi
if ! "$BIN/llcstat" -d 0.01 >/dev/null 2>&1; then
	refused "llcstat without hardware cache counters (its own refusal)" llcstat -d 0.01
else
	skip "unsupported: llcstat" "this machine has hardware cache counters"
fi

# A runtime failure: the same exit status, another sentence.
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups "$BIN/opensnoop" -d 0.01 \
	>/dev/null 2>"$TMP/noroot.err" </dev/null || rc=$?
expect_eq "unsupported: opensnoop without privileges: exit 1" "$rc" 1 "$(cat "$TMP/noroot.err")"
not_refused "opensnoop without privileges" 1 opensnoop "$TMP/noroot.err" $rc

# The sentence alone is not enough: its status, its tool, its place.
echo "dcsnoop: this kernel has no hook this tool can use: none" >"$TMP/s.err"
not_refused "the sentence with exit status 0" 2 dcsnoop "$TMP/s.err" 0
not_refused "the sentence with exit status 64" 2 dcsnoop "$TMP/s.err" 64
not_refused "another tool's sentence" 1 mdflush "$TMP/s.err" 1
echo "libbpf: dcsnoop: this kernel has no hook this tool can use: none" >"$TMP/mid.err"
not_refused "the sentence inside another line" 1 dcsnoop "$TMP/mid.err" 1
printf 'dcsnoop: fentry path not available: x\ndcsnoop: this kernel has no hook' >"$TMP/last.err"
kernel_unsupported dcsnoop "$TMP/last.err" 1
expect_eq "unsupported: after -v lines, on a last line without a newline: recognised" "$?" 0

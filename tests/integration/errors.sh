#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Failures a person must understand from one message: a program the verifier
# rejects (built here from opensnoop with an unbounded write added), a hook
# the kernel lacks, no privileges. Needs clang: skipped where it is missing.
. "$(dirname "$0")/../lib.sh"

if ! command -v clang >/dev/null || ! command -v make >/dev/null; then
	skip "errors: verifier rejection" "no clang here to build a broken object"
	exit 0
fi
src=$TMP/src
mkdir -p "$src/tools"
cp -r Makefile common bpf "$src/"
cp tools/opensnoop.c "$src/tools/"
sed -i 's|^\t\(bpf_get_current_comm(e->comm, sizeof(e->comm));\)|\tif (ret > 5) *((char *)e + ret) = 1;\n\t\1|' "$src/bpf/opensnoop.bpf.c"
if ! grep -q 'if (ret > 5)' "$src/bpf/opensnoop.bpf.c"; then
	fail "errors: verifier rejection" "could not plant the bug in opensnoop.bpf.c"
	exit 0
fi
if ! make -s -C "$src" OUTPUT="$TMP/b" "$TMP/b/bin/opensnoop" >"$TMP/build.log" 2>&1; then
	fail "errors: verifier rejection" "building the broken opensnoop failed: $(tail -3 "$TMP/build.log")"
	exit 0
fi
rc=0
"$TMP/b/bin/opensnoop" >/dev/null 2>"$TMP/v.err" || rc=$?
expect_eq "errors: a verifier rejection exits 1" "$rc" 1
if head -1 "$TMP/v.err" | grep -q "^opensnoop: the kernel ($(uname -r)) rejected BPF program 'handle_open_exit'" &&
	grep -q 'unbounded memory access' "$TMP/v.err" && ! grep -q '^libbpf:' "$TMP/v.err"; then
	pass "errors: a verifier rejection names the program, the kernel and the verifier's reason"
else
	fail "errors: a verifier rejection names the program, the kernel and the verifier's reason" "$(head -c 600 "$TMP/v.err")"
fi
n=$(wc -l <"$TMP/v.err")
[ "$n" -le 8 ] && pass "errors: the verifier message is short ($n lines)" || fail "errors: the verifier message is short" "$n lines"

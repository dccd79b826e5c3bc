#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Every tool's BPF object goes through this kernel's verifier on every attach
# path the kernel offers: each tool with --force-path is started on each of its
# paths (listed by the tool itself) and must attach and end cleanly on SIGINT,
# or say in one sentence that the kernel lacks that path.
. "$(dirname "$0")/../lib.sh"

for bin in "$BIN"/*; do
	t=${bin##*/}
	"$bin" --help 2>/dev/null | grep -q -- '--force-path' || continue
	paths=$("$bin" --force-path=no-such-path 2>&1 | sed -n "s/.*this tool has //p" | tr -d ',')
	if [ -z "$paths" ]; then
		fail "load: $t lists its attach paths" "no list in: $("$bin" --force-path=no-such-path 2>&1 | head -2)"
		continue
	fi
	for p in $paths; do
		if start_tool "load-$t-$p" "$t" --force-path="$p"; then
			stop_tool INT
			if [ "$TOOL_RC" = 0 ]; then pass "load: $t loads and attaches via $p"
			else fail "load: $t via $p" "exit status $TOOL_RC after SIGINT: $(tail -2 "$TMP/load-$t-$p.err")"; fi
		elif grep -q 'not available on this kernel' "$TMP/load-$t-$p.err"; then
			pass "load: $t says in one line that this kernel has no $p path"
		else
			fail "load: $t via $p" "$(grep -v '^libbpf' "$TMP/load-$t-$p.err" | head -3)"
		fi
	done
done
no_leaks "load: nothing is left loaded"

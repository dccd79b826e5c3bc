#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Reproducible builds (issue 15): the committed tree, copied to two places
# whose paths differ, built at two different times, gives byte-identical
# binaries (no time, build path or random name in them). A tool of each kind
# by default (plain BPF, CO-RE with the file-system hooks, Go with libdw and
# zydis, no BPF); REPRO_TOOLS="..." names others ("all": every tool).
# Runs on the host only (no host_only: the VMs do not run it).
. "$(dirname "$0")/../lib.sh"
want=${REPRO_TOOLS:-opensnoop fsslower gofunclat flamegraph}
[ "$want" = all ] && want=$(make -s print-tools)
a=$TMP/a/src
b=$TMP/bb/elsewhere/src
mkdir -p "$a" "$b"
git archive HEAD | tar -x -C "$a"
git archive HEAD | tar -x -C "$b"
ok=1
for d in "$a" "$b"; do
	if ! make -s -C "$d" -j2 $(printf 'build/bin/%s ' $want) >"$d.log" 2>&1; then
		fail "repro: build in $d" "$(tail -3 "$d.log")"
		ok=0
	fi
	# Another second on the clock for the second build.
	nap 1.1
done
[ "$ok" = 1 ] || exit 0
differ=
for t in $want; do
	cmp -s "$a/build/bin/$t" "$b/build/bin/$t" || differ="$differ $t"
done
expect_eq "repro: two builds of HEAD in other paths give identical binaries ($(echo $want))" "${differ:-none}" none
leak=
for t in $want; do
	grep -q -a -e "$TMP" "$a/build/bin/$t" && leak="$leak $t"
done
expect_eq "repro: no build path in the binaries" "${leak:-none}" none

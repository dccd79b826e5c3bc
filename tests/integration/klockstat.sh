#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# klockstat against tests/triggers/locker (threads queueing on their
# process's mmap_lock): the text report's banner and a block for that
# rw-semaphore, and [interval [count]]. The row in tests/tools.table checks
# the JSON, the filters and the path on each kernel. Mutex hold times on each
# path that has them (fentry, kprobe: the VMs), against locker -H: 5 reads of
# a pts that each hold the tty's read mutex 200 ms; the holds measured lie
# inside the read() calls the trigger timed, and fill at least 90% of them.
. "$(dirname "$0")/../lib.sh"
. tests/fslib.sh
T=klockstat

# JSON on the first path that has holds, text on the second (one run each).
fmt=json
for p in fentry kprobe; do
	if ! "$BIN/$T" --force-path=$p -d 0.01 >/dev/null 2>"$TMP/probe.err"; then
		grep -q "not available on this kernel" "$TMP/probe.err" &&
			skip "$T: $p: hold times" "this kernel has no $p path" ||
			fail "$T: $p: hold times" "$(tail -2 "$TMP/probe.err")"
		continue
	fi
	jopt=; [ $fmt = json ] && jopt=-j
	traced hold$p $T -p @PID@ $jopt --force-path=$p -- "$TRIG/locker" -w -H 200 -k 5 || continue
	read -r _ k _ rt <<<"$(grep '^reads ' "$TMP/hold$p.trig")"
	if [ $fmt = json ]; then
		got=$(jq -rs --argjson pid "$TRIG_PID" 'map(select(.pid == $pid and .measured == "hold"
			and .kind == "mutex" and any(.kstack[]; . == "n_tty_read")))
			| map("\(.count) \(.total_ns) \(.max_ns)") | join(",")' "$TMP/hold$p.out")
	else
		# The block of a hold whose stack has n_tty_read: "N T M" from its header, in ns.
		got=$(awk -v pid="$TRIG_PID" '/^[^ ]/ { h = $0 } /^    n_tty_read$/ && h != "" { print h; h = "" }' \
			"$TMP/hold$p.out" | grep -E "^locker\[$TRIG_PID\] mutex 0x[0-9a-f]+( [^ :]+)?: [0-9]+ holds, " |
			sed -E 's/.*: ([0-9]+) holds, avg [0-9]+ us, max ([0-9]+) us, total ([0-9]+) us$/\1 \3000 \2000/' |
			paste -sd,)
		head -1 "$TMP/hold$p.out" | grep -q "^Tracing kernel lock waits and mutex hold times ($p) " &&
			pass "$T: $p: text: the banner says mutex holds are measured" ||
			fail "$T: $p: text: the banner says mutex holds are measured" "$(head -1 "$TMP/hold$p.out")"
	fi
	read -r n tot max <<<"${got/,/ , }"
	# Text rounds down to microseconds: the 10% are ample for that.
	[ "$k" = 5 ] && [ "$n" = 5 ] && [ "$tot" -le "$rt" ] && [ $((tot * 10)) -ge $((rt * 9)) ] &&
		[ "$max" -ge 180000000 ] && [ "$max" -le "$rt" ] &&
		pass "$T: $p: $fmt: 5 holds of the tty's read mutex at n_tty_read, within 10% of the reads' time" ||
		fail "$T: $p: $fmt: 5 holds of the tty's read mutex at n_tty_read, within 10% of the reads' time" \
			"rows '$got' (count total max), trigger: $k reads in $rt ns; $(head -c 400 "$TMP/hold$p.out")"
	fmt=text
done
host_only

expect_exit "$T: interval 0 is a usage error" 64 "$BIN/$T" 0
expect_exit "$T: a third argument is a usage error" 64 "$BIN/$T" 1 1 1

if traced text $T -p @PID@ --force-path=tracepoint -- "$TRIG/locker" -w; then
	head -1 "$TMP/text.out" | grep -q '^Tracing kernel lock waits (wait times; hold times are not measured: they need fentry or kprobes)' &&
		pass "$T: text: the banner says what is measured" ||
		fail "$T: text: the banner says what is measured" "$(head -1 "$TMP/text.out")"
	hdr=$(grep -E "^locker\[$TRIG_PID\] rwsem:write 0x[0-9a-f]+: [0-9]+ waits, avg [0-9]+ us, max [0-9]+ us, total [0-9]+ us$" \
		"$TMP/text.out" | head -1)
	[ -n "$hdr" ] && pass "$T: text: a block for the mmap_lock's write waits" ||
		fail "$T: text: a block for the mmap_lock's write waits" "$(grep -c . "$TMP/text.out") lines"
	blk=$(awk -v h="$hdr" '$0 == h { on = 1; next } on && /^$/ { exit } on' "$TMP/text.out")
	n=$(awk '/-> .*: [0-9]+ / { s += $5 } END { print s + 0 }' <<<"$blk")
	w=$(sed -E 's/.*: ([0-9]+) waits.*/\1/' <<<"$hdr")
	[ -n "$hdr" ] && [ "$n" = "$w" ] && grep -q '^    rwsem_down_write_slowpath$' <<<"$blk" &&
		pass "$T: text: its kernel stack, and a histogram of as many waits as counted" ||
		fail "$T: text: its kernel stack, and a histogram of as many waits as counted" "$hdr / $n / $blk"
fi

start_tool iv $T -p $$ 0.3 2
wait_tool 20
expect_eq "$T: interval and count: ends by itself with 0" "$TOOL_RC/$TOOL_ALIVE" "0/0"

no_leaks "$T: no BPF program or link is left behind"

# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Helpers for the network tools' tests (sourced after lib.sh): several tool
# instances watching one trigger run, a trigger held at a gate, and a veth
# pair between two network namespaces.

declare -A BGPID=() BGRC=()

# on_host: true outside the VMs. A network tool's own file runs in the VMs
# only for its part above host_only (tests/README.md): what its row's
# trigger cannot show there (tcpretrans -l); the rest is the host's.
on_host() {
	[ "$IN_VM" = 0 ]
}

# tool_bg NAME TOOL ARGS...: starts TOOL -v ARGS in the background, stdout to
# $TMP/NAME.out, stderr to $TMP/NAME.err. tools_ready waits for it.
tool_bg() {
	local name=$1 tool=$2; shift 2
	"$BIN/$tool" -v "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null &
	BGPID[$name]=$!
}

# tools_ready NAME...: waits until each tool says it attached and keeps the
# ids of its programs and links for leak_check. Returns 1 (and fails) for a
# tool that exited or never attached.
tools_ready() {
	local name i ok=0
	for name; do
		for i in $(seq 1 300); do
			grep -q 'attached via' "$TMP/$name.err" && break
			kill -0 "${BGPID[$name]}" 2>/dev/null || break
			sleep 0.1
		done
		if ! grep -q 'attached via' "$TMP/$name.err"; then
			fail "$name: did not attach" "$(tail -3 "$TMP/$name.err")"
			ok=1
		else
			record_ids "${BGPID[$name]}"
		fi
	done
	return $ok
}

# tools_stop SIGNAL NAME...: signals each tool and waits for it; BGRC[NAME]
# is its exit status (killed after 10 s: 137).
tools_stop() {
	local sig=$1 name i; shift
	for name; do
		kill -s "$sig" "${BGPID[$name]}" 2>/dev/null
	done
	for name; do
		for i in $(seq 1 100); do
			kill -0 "${BGPID[$name]}" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "${BGPID[$name]}" 2>/dev/null
		BGRC[$name]=0
		wait "${BGPID[$name]}" || BGRC[$name]=$?
	done
}

# trig_start NAME CMD...: runs a trigger that waits for a line on stdin (-w)
# in the background, output to $TMP/NAME.trig. trig_go releases it and waits.
trig_start() {
	local name=$1; shift
	rm -f "$TMP/$name.fifo"
	mkfifo "$TMP/$name.fifo"
	"$@" <"$TMP/$name.fifo" >"$TMP/$name.trig" 2>"$TMP/$name.trigerr" &
	TRIG_PID=$!
	exec 7>"$TMP/$name.fifo"
}

trig_go() {
	echo go >&7
	exec 7>&-
	wait "$TRIG_PID"
	TRIG_RC=$?
}

# trig_value NAME WORD: the value of the trigger's first "WORD VALUE" line,
# waiting up to 10 s for it; WORD pid: the PID it prints alone first.
trig_value() {
	local i v
	for i in $(seq 1 100); do
		if [ "$2" = pid ]; then
			v=$(awk 'NR == 1 && /^[0-9]+$/ { print; exit }' "$TMP/$1.trig" 2>/dev/null)
		else
			v=$(awk -v w="$2" '$1 == w { print $2; exit }' "$TMP/$1.trig" 2>/dev/null)
		fi
		[ -n "$v" ] && { echo "$v"; return 0; }
		sleep 0.1
	done
	return 1
}

# trig_values NAME WORD: every value of "WORD VALUE" lines, space-separated.
trig_values() {
	awk -v w="$2" '$1 == w { printf "%s%s", sep, $2; sep = " " }' "$TMP/$1.trig"
}

# veth_pair: two namespaces NSA and NSB joined by a veth pair, IPv4
# 10.201.0.1 (A) and 10.201.0.2 (B), IPv6 fd01::1 and fd01::2, torn down at
# exit. Sets VETH_A/VETH_B (the interfaces) and NETNS_OK (1 when usable;
# else a SKIP was printed).
veth_pair() {
	local lib_trap
	NSA=bk-${1:-net}-a-$$ NSB=bk-${1:-net}-b-$$
	VETH_A=bkv$$a VETH_B=bkv$$b
	NETNS_OK=1
	lib_trap=$(trap -p EXIT)
	eval "trap -- 'veth_cleanup; '${lib_trap#trap -- }"
	if ! { ip netns add "$NSA" && ip netns add "$NSB"; } 2>"$TMP/ns.err"; then
		NETNS_OK=0; skip "namespaces" "cannot create network namespaces: $(head -1 "$TMP/ns.err")"
		return
	fi
	if ! ip link add "$VETH_A" netns "$NSA" type veth peer name "$VETH_B" netns "$NSB" 2>"$TMP/ns.err"; then
		NETNS_OK=0; skip "namespaces" "no veth pair (module veth missing?): $(head -1 "$TMP/ns.err")"
		return
	fi
	ip -n "$NSA" addr add 10.201.0.1/24 dev "$VETH_A" &&
	ip -n "$NSB" addr add 10.201.0.2/24 dev "$VETH_B" &&
	ip -n "$NSA" addr add fd01::1/64 dev "$VETH_A" nodad &&
	ip -n "$NSB" addr add fd01::2/64 dev "$VETH_B" nodad &&
	ip -n "$NSA" link set "$VETH_A" up && ip -n "$NSB" link set "$VETH_B" up &&
	ip -n "$NSA" link set lo up && ip -n "$NSB" link set lo up ||
		{ NETNS_OK=0; fail "namespaces" "cannot configure the veth pair"; }
}

veth_cleanup() {
	ip netns del "$NSA" 2>/dev/null
	ip netns del "$NSB" 2>/dev/null
}

# ns_inode NS: the inode number of a named network namespace.
ns_inode() {
	stat -L -c %i "/run/netns/$1"
}

# leak_check TOOL: none of the programs and links the tools held (read from
# their own fdinfo, so other people's tools never count) is still loaded
# (lib.sh's no_leaks).
leak_check() {
	no_leaks "$1: no BPF program or link is left behind"
}

# count_json FILE JQ-FILTER [ARGS...]: how many records of FILE select() keeps.
count_json() {
	local f=$1 q=$2; shift 2
	jq -c "$@" "select($q)" "$f" 2>/dev/null | wc -l
}

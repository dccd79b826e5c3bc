#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# trixie-libbpf-tools.sh DIR TOOL: makes DIR/TOOL-libbpf, a command that runs
# Debian trixie's libbpf-tools TOOL (Debian bookworm ships libbpf-tools 0.26,
# which has no memleak) through trixie's own loader and libraries, and prints
# its path. Fetched once into DIR with a private apt state (its own sources
# list, lists and cache; nothing changes in the system's apt configuration,
# nothing is installed): libbpf-tools and the runtime libraries it needs,
# unpacked with dpkg-deb -x into DIR/root. On failure: one line on stderr, exit 1.
set -u
DIR=$1
TOOL=$2
mkdir -p "$DIR" || exit 1
DIR=$(cd "$DIR" && pwd)
ROOT=$DIR/root
LIB=$ROOT/usr/lib/x86_64-linux-gnu
WRAP=$DIR/$TOOL-libbpf
fail() { echo "bench: trixie libbpf-tools: $*" >&2; exit 1; }

if [ ! -x "$ROOT/usr/sbin/$TOOL-libbpf" ] || [ ! -x "$LIB/ld-linux-x86-64.so.2" ]; then
	[ "$(dpkg --print-architecture)" = amd64 ] || fail "only amd64 is fetched, this is $(dpkg --print-architecture)"
	mkdir -p "$DIR/apt/lists/partial" "$DIR/apt/cache/archives/partial" "$DIR/debs" || exit 1
	echo "deb http://deb.debian.org/debian trixie main" >"$DIR/apt/sources.list"
	: >"$DIR/apt/status"
	APT=(-q -o "Dir::Etc::SourceList=$DIR/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
		-o "Dir::State::Lists=$DIR/apt/lists" -o "Dir::Cache=$DIR/apt/cache"
		-o "Dir::State::Status=$DIR/apt/status" -o APT::Architecture=amd64
		-o APT::Architectures=amd64 -o APT::Sandbox::User=root)
	apt-get "${APT[@]}" update >"$DIR/apt.log" 2>&1 || fail "apt-get update of trixie failed: $(tail -1 "$DIR/apt.log")"
	(cd "$DIR/debs" && apt-get "${APT[@]}" download libbpf-tools libc6 libelf1t64 zlib1g libzstd1) >>"$DIR/apt.log" 2>&1 ||
		fail "Debian trixie has no libbpf-tools or its libraries: $(tail -1 "$DIR/apt.log")"
	rm -rf "$ROOT"
	for d in "$DIR"/debs/*.deb; do dpkg-deb -x "$d" "$ROOT" || fail "cannot unpack $d"; done
	# Only the package lists are big (40 MB): the .debs stay, the lists go.
	rm -rf "$DIR/apt/lists"
	[ -x "$ROOT/usr/sbin/$TOOL-libbpf" ] || fail "trixie's libbpf-tools has no $TOOL"
fi
cat >"$WRAP" <<EOF
#!/bin/sh
exec "$LIB/ld-linux-x86-64.so.2" --library-path "$LIB" "$ROOT/usr/sbin/$TOOL-libbpf" "\$@"
EOF
chmod +x "$WRAP"
"$WRAP" --version >/dev/null 2>&1 || fail "$TOOL-libbpf does not run through trixie's loader"
echo "$WRAP"

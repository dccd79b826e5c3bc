#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# ladder.sh OUTDIR: fetches the Go programs of tests/go/ladder.list with npm
# into OUTDIR (cached: a binary already there is kept), as
# OUTDIR/RELEASE-ARCH-NAME, and checks that each says the release it is
# listed under. Prints one line per binary: its path, or "SKIP why" when npm
# cannot fetch it (no network). Exit 0 unless a fetched binary is not what
# the list says.
set -u
[ $# -eq 1 ] || { echo "usage: ladder.sh OUTDIR" >&2; exit 64; }
list=$(cd "$(dirname "$0")" && pwd)/ladder.list
mkdir -p "$1"
out=$(cd "$1" && pwd)
rc=0
while read -r rel arch pkg ver file; do
	case $rel in ''|'#'*) continue ;; esac
	name=$rel-$arch-$(basename "$file")
	bin=$out/$name
	if [ ! -x "$bin" ]; then
		tmp=$(mktemp -d "$out/.fetch.XXXXXX")
		if ! tgz=$(cd "$tmp" && npm pack --silent "$pkg@$ver" 2>"$tmp/err" | tail -1) ||
		   [ ! -f "$tmp/$tgz" ]; then
			echo "SKIP $name: npm pack $pkg@$ver failed: $(tail -1 "$tmp/err")"
			rm -rf "$tmp"
			continue
		fi
		tar -xzf "$tmp/$tgz" -C "$tmp" "$file" && chmod +x "$tmp/$file" && mv "$tmp/$file" "$bin"
		rm -rf "$tmp"
	fi
	# The release the binary was built by, as strings(1) shows it.
	if ! LC_ALL=C grep -aqF "$rel" "$bin"; then
		echo "ladder.sh: $bin does not say $rel" >&2
		rc=1
		continue
	fi
	echo "$bin"
done <"$list"
exit $rc

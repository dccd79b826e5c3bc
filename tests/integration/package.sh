#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# The Debian package (issue 15): `make package` builds it offline from the
# committed tree; lintian finds no error; unpacked with dpkg -x into a fresh
# tree it holds every tool, page and alias (prefixed bpfkit-), the README,
# the licence texts and a DEP-5 copyright; an installed tool runs from there;
# every library a binary needs is declared in Depends (${shlibs:Depends}).
# Runs on the host only (no host_only: the VMs do not run it).
. "$(dirname "$0")/../lib.sh"
# PACKAGE_DEB=FILE checks a .deb built before instead (the build takes minutes).
PKGOUT=$TMP/out
log=$TMP/package.log
if [ -n "${PACKAGE_DEB:-}" ]; then
	deb=$PACKAGE_DEB
elif ! make -s package OUTPUT="$PKGOUT" >"$log" 2>&1; then
	fail "package: make package builds the .deb" "$(grep -E 'error|Error' "$log" | head -3)"
	exit 0
else
	deb=$(ls "$PKGOUT"/package/bpfkit_*.deb 2>/dev/null | head -1)
fi
if [ -z "$deb" ]; then fail "package: make package builds the .deb" "no .deb in $PKGOUT/package"; exit 0; fi
pass "package: make package builds the .deb"

# lintian: no error (warnings are allowed; they are shown in the log).
if command -v lintian >/dev/null; then
	lintian --fail-on error "$deb" >"$TMP/lintian" 2>&1
	errs=$(grep '^E: ' "$TMP/lintian")
	if [ -z "$errs" ]; then pass "package: lintian reports no error"
	else fail "package: lintian reports no error" "$(echo $errs | head -c 400)"; fi
else
	fail "package: lintian reports no error" "lintian is not installed (make deps)"
fi

# Unpacked: the tools, pages, aliases, docs, licences.
root=$TMP/root
dpkg -x "$deb" "$root"
TOOLS=${TOOLS:-$(make -s print-tools)}
missing=
for t in $TOOLS; do
	[ -x "$root/usr/sbin/bpfkit-$t" ] || missing="$missing bpfkit-$t"
	[ -f "$root/usr/share/man/man8/bpfkit-$t.8.gz" ] || missing="$missing bpfkit-$t.8.gz"
done
for a in $(make -s print-aliases); do
	[ -x "$root/usr/sbin/bpfkit-${a%%:*}" ] || missing="$missing bpfkit-${a%%:*}"
	[ -e "$root/usr/share/man/man8/bpfkit-${a%%:*}.8.gz" ] || missing="$missing bpfkit-${a%%:*}.8.gz"
done
doc=$root/usr/share/doc/bpfkit
for f in copyright README.md LICENSE LICENSES/GPL-2.0.txt LICENSES/LGPL-2.1.txt \
	 LICENSES/BSD-2-Clause.txt LICENSES/BSD-3-Clause.txt; do
	[ -e "$doc/$f" ] || [ -e "$doc/$f.gz" ] || missing="$missing doc/$f"
done
expect_eq "package: every tool, page, alias, doc and licence text" "${missing:-none}" none

# The copyright file names every licence of the SPDX lines, in DEP-5.
spdx=$(git ls-files | xargs grep -hoE 'SPDX-License-Identifier: [A-Za-z0-9.() +-]+' 2>/dev/null |
	sed 's/SPDX-License-Identifier: *//; s/ *$//; s/[()]//g; s/ OR /\n/g' | sort -u)
nolic=
head -1 "$doc/copyright" | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' ||
	nolic=" not-DEP-5"
for l in $spdx; do
	grep -q "^License: $l\$" "$doc/copyright" || nolic="$nolic $l"
	[ -f "LICENSES/$l.txt" ] || nolic="$nolic LICENSES/$l.txt"
done
expect_eq "package: copyright (DEP-5) and LICENSES/ cover every SPDX licence ($(echo $spdx))" "${nolic:-none}" none

# Run-time dependencies: each library a binary needs comes from a package
# that Depends names.
depends=$(dpkg-deb -f "$deb" Depends)
undeclared=
for lib in $(find "$root/usr/sbin" -type f -exec objdump -p {} \; 2>/dev/null | awk '$1 == "NEEDED" { print $2 }' | sort -u); do
	path=$(ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64|AArch64/ { print $NF; exit }')
	pkg=$(dpkg -S "$path" 2>/dev/null | head -1 | cut -d: -f1)
	[ -z "$pkg" ] && pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1)
	case ", $depends," in *", $pkg "*|*", $pkg,"*|*"| $pkg "*|*"| $pkg,"*) ;; *) undeclared="$undeclared $lib($pkg)" ;; esac
done
expect_eq "package: every needed library's package is in Depends ($depends)" "${undeclared:-none}" none

# One installed tool runs from the unpacked tree, for a second.
if [ "$(id -u)" -eq 0 ]; then
	timeout 30 "$root/usr/sbin/bpfkit-opensnoop" -d 1 >"$TMP/run" 2>&1
	rc=$?
	out=$(head -1 "$TMP/run")
	expect_eq "package: the installed bpfkit-opensnoop -d 1 runs (exit, header)" "$rc ${out%% *}" "0 PID"
fi

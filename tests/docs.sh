#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Every tool in the Makefile's TOOLS list is complete: man page with every
# section, an integration test, a README row, a row in tests/tools.table.
# Needs no root.
cd "$(dirname "$0")/.." || exit 1
TOOLS=${TOOLS:-$(make -s print-tools)}
sections="NAME SYNOPSIS DESCRIPTION OPTIONS EXAMPLES FIELDS OVERHEAD CAVEATS EXIT.STATUS SEE.ALSO"
for t in $TOOLS; do
	page=man/man8/$t.8
	if [ ! -f "$page" ]; then echo "FAIL $t: docs: no $page"; continue; fi
	missing=
	for s in $sections; do
		grep -qE "^\.SH \"?$s\"?\$" "$page" || missing="$missing ${s/./ }"
	done
	if [ -n "$missing" ]; then echo "FAIL $t: man page sections: missing$missing"
	else echo "PASS $t: man page has every section"; fi
	if [ -f "tests/integration/$t.sh" ]; then echo "PASS $t: has an integration test"
	else echo "FAIL $t: has an integration test: no tests/integration/$t.sh"; fi
	if grep -qE "^\| $t \|" README.md; then echo "PASS $t: has a README row"
	else echo "FAIL $t: has a README row"; fi
done
# The other way round: no README row or test for a tool that is not built.
for t in $(sed -n 's/^| \([a-z0-9]*\) | .*/\1/p' README.md | grep -vx -e tool -e option); do
	case " $TOOLS " in *" $t "*) ;; *) echo "FAIL README: row for $t, which is not in TOOLS" ;; esac
done

# tests/tools.table: one row per tool of TOOLS, under the group of its
# Makefile list (TOOLS_PROC, ...), in the Makefile's order.
. tests/table.sh
if table_read; then
	for e in "${TAB_ERRORS[@]}"; do echo "FAIL table: $e"; done
	# The groups TOOLS is made of (not TOOLS_NOBPF, a property), in order.
	# Makefile lines as make reads them: a trailing backslash joins the next.
	mk=$(awk '{ if (sub(/\\$/, "")) { line = line $0; next } print line $0; line = "" }' Makefile)
	order=$(grep '^TOOLS :=' <<<"$mk" | grep -o 'TOOLS_[A-Z]*' | sed 's/TOOLS_//')
	groups=$(for g in $order; do sed -n "s/^TOOLS_$g :=\(.*\)/$g\1/p" <<<"$mk"; done)
	want_order=$(awk '{ for (i = 2; i <= NF; i++) print $i }' <<<"$groups")
	got_order=$(printf '%s\n' "${TAB_TOOLS[@]}")
	while read -r g list; do
		for t in $list; do
			if [ -z "${TAB[$t.rows]:-}" ]; then echo "FAIL $t: has a row in tests/tools.table"
			elif [ "${TAB[$t.rows]}" != 1 ]; then echo "FAIL $t: has one row in tests/tools.table: ${TAB[$t.rows]}"
			elif [ "${TAB[$t.group]}" != "$g" ]; then echo "FAIL $t: its row is under group ${TAB[$t.group]:-none}, the Makefile has it in TOOLS_$g"
			else echo "PASS $t: has one row in tests/tools.table, in its group"; fi
		done
	done <<<"$groups"
	for t in "${TAB_TOOLS[@]}"; do
		case " $TOOLS " in *" $t "*) ;; *) echo "FAIL table: row for $t, which is not in TOOLS" ;; esac
	done
	if [ "$(grep -Fxf <(echo "$want_order") <<<"$got_order")" = "$(grep -Fxf <(echo "$got_order") <<<"$want_order")" ]; then
		echo "PASS table: rows in the Makefile's order"
	else
		echo "FAIL table: rows in the Makefile's order: $(echo $got_order)"
	fi
else
	echo "FAIL table: tests/tools.table cannot be read"
fi

# Each BPF tool's man page states its kernel floor (CAVEATS, "Kernel floor:"),
# naming the release of the newest BPF feature its object uses (map types and
# helpers, read by test_features --floor from $OUTPUT/obj/TOOL.bpf.o).
OUT=${OUTPUT:-build}
if [ -x "$OUT/tests/unit/test_features" ]; then
	nobpf=" $(make -s print-nobpf) "
	objs=$(for t in $TOOLS; do [ -f "$OUT/obj/$t.bpf.o" ] && echo "$OUT/obj/$t.bpf.o"; done)
	"$OUT/tests/unit/test_features" --floor $objs 2>/dev/null | while read -r t floor what; do
		[ "$floor" = - ] && floor=5.5 && what="no BPF feature newer"
		line=$(grep -m1 '^Kernel floor:' "man/man8/$t.8" 2>/dev/null)
		if [ -z "$line" ]; then
			echo "FAIL $t: man page states its kernel floor: add 'Kernel floor: Linux $floor ($what).' as the first paragraph of CAVEATS"
		elif [[ $line != *"Linux $floor"[!0-9]* ]]; then
			echo "FAIL $t: man page states its kernel floor: its object needs Linux $floor ($what): '$line'"
		else
			echo "PASS $t: man page states its kernel floor (Linux $floor)"
		fi
	done
	for t in $TOOLS; do
		case "$nobpf" in *" $t "*) continue ;; esac
		[ -f "$OUT/obj/$t.bpf.o" ] || echo "FAIL $t: man page states its kernel floor: no $OUT/obj/$t.bpf.o to read it from"
	done
fi

# make install honours PREFIX and DESTDIR, and APP_PREFIX names every tool,
# man page and alias (the aliases pointing at their tool under the same prefix).
aliases=$(make -s print-aliases)
for pfx in "" bpfkit-; do
	dest=$(mktemp -d)
	name="install: DESTDIR and PREFIX${pfx:+, APP_PREFIX=$pfx}"
	if make -s install DESTDIR="$dest" PREFIX=/usr APP_PREFIX="$pfx" >/dev/null 2>&1; then
		missing=
		for t in $TOOLS; do
			[ -x "$dest/usr/sbin/$pfx$t" ] && [ ! -L "$dest/usr/sbin/$pfx$t" ] || missing="$missing sbin/$pfx$t"
			[ -f "$dest/usr/share/man/man8/$pfx$t.8" ] || missing="$missing man8/$pfx$t.8"
		done
		for a in $aliases; do
			[ "$(readlink "$dest/usr/sbin/$pfx${a%%:*}")" = "$pfx${a#*:}" ] &&
				[ -x "$dest/usr/sbin/$pfx${a%%:*}" ] || missing="$missing sbin/$pfx${a%%:*}"
			[ "$(readlink "$dest/usr/share/man/man8/$pfx${a%%:*}.8")" = "$pfx${a#*:}.8" ] &&
				[ -f "$dest/usr/share/man/man8/$pfx${a%%:*}.8" ] || missing="$missing man8/$pfx${a%%:*}.8"
		done
		extra=$(cd "$dest/usr" && find . ! -type d | sed 's|^\./||' | grep -v -e "^sbin/$pfx" -e "^share/man/man8/$pfx")
		if [ -n "$missing" ]; then echo "FAIL $name: missing$missing"
		elif [ -n "$extra" ]; then echo "FAIL $name: unprefixed: $(echo $extra)"
		else echo "PASS $name"; fi
	else
		echo "FAIL $name: make install failed"
	fi
	rm -rf "$dest"
done

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Every tool in the Makefile's TOOLS list is complete: man page with every
# section, an integration test, a README row. Needs no root.
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

# make install honours PREFIX and DESTDIR.
dest=$(mktemp -d)
if make -s install DESTDIR="$dest" PREFIX=/usr >/dev/null 2>&1; then
	missing=
	for t in $TOOLS; do
		[ -x "$dest/usr/sbin/$t" ] || missing="$missing sbin/$t"
		[ -f "$dest/usr/share/man/man8/$t.8" ] || missing="$missing man8/$t.8"
	done
	if [ -z "$missing" ]; then echo "PASS install: DESTDIR and PREFIX"; else echo "FAIL install: missing$missing"; fi
else
	echo "FAIL install: make install failed"
fi
rm -rf "$dest"

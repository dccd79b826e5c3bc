#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# flamegraph: folded stacks in, SVG out. The SVG is valid XML (python3's parser
# and xmllint), holds every frame above --min-width with its exact count, and its
# zoom and search script runs in a real browser (headless Chromium: the DOM after
# a scripted click and search, and screenshots of both states).
. "$(dirname "$0")/../lib.sh"
T=flamegraph
if [ "$IN_VM" = 1 ]; then
	skip "$T" "draws text, loads no BPF: checked on the host"
	exit 0
fi

expect_exit "$T: --width 5 is a usage error" 64 "$BIN/$T" --width 5
expect_exit "$T: --width 12px is a usage error" 64 "$BIN/$T" --width 12px
expect_exit "$T: --min-width -1 is a usage error" 64 "$BIN/$T" --min-width -1
expect_exit "$T: an unknown --palette is a usage error" 64 "$BIN/$T" --palette pink
expect_exit "$T: --help exits 0" 0 "$BIN/$T" --help
expect_exit "$T: empty input is one sentence, exit 1" 1 "$BIN/$T"
expect_exit "$T: a missing file is one sentence, exit 1" 1 "$BIN/$T" /nonexistent/stacks

# A folded profile with every kind of frame, names XML must escape, control
# bytes, UTF-8 and invalid UTF-8, a deep stack, and frames too narrow to draw.
IN=$TMP/in.folded
{
	echo "burner;_start;__libc_start_main;main;burn_cpu 9000"
	echo "burner;_start;__libc_start_main;main;burn_cpu;-;asm_sysvec_apic_timer_interrupt_[k] 500"
	echo "burner;_start;__libc_start_main;main;spin<T>&\"x\" 300"
	echo "node;LazyCompile:*fib /app/x.js:3_[j];inl_[i] 150"
	echo "burner;[missing user stack];-;schedule_[k] 40"
	printf 'ctl;a\001b;\xc3\xa9t\xc3\xa9;bad\xff 7\n'
	echo "# a comment line"
	echo "deep;$(seq -s ';' 1 300) 3"
	echo "tiny;one 1"
	echo "not a folded line"
} >"$IN"
"$BIN/$T" --title 'Test <graph>' --count-name samples <"$IN" >"$TMP/out.svg" 2>"$TMP/err"; rc=$?
expect_eq "$T: draws and exits 0" "$rc" 0
expect_eq "$T: says how many lines it skipped" "$(grep -c '1 lines were not folded' "$TMP/err")" 1

# check.py SVG FOLDED WIDTH MINWIDTH: every frame the folded input has above
# the minimum width is a box with that exact count; nothing else is.
cat >"$TMP/check.py" <<'PY'
import sys, re, xml.etree.ElementTree as ET
svg, folded, width, minw = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(svg).getroot()
got = {}
for g in root.iter("{http://www.w3.org/2000/svg}g"):
    t = g.find("s:title", ns)
    if t is None:
        continue
    m = re.match(r"^([\s\S]*) \(([0-9,]+) [a-z]+, [0-9.]+%\)$", t.text)
    got.setdefault(m.group(1), []).append(int(m.group(2).replace(",", "")))
tree, total = {}, 0
def esc(b):
    out = ""
    s = b.decode("utf-8", "surrogateescape")
    for ch in s:
        if 0xdc80 <= ord(ch) <= 0xdcff:
            out += "\\x%02x" % (ord(ch) - 0xdc00)
        elif ord(ch) < 0x20 or 0x7f <= ord(ch) < 0xa0:
            out += "\\x%02x" % ord(ch)
        else:
            out += ch
    return out
for line in open(folded, "rb").read().split(b"\n"):
    if not line or line.startswith(b"#"):
        continue
    stack, _, n = line.rpartition(b" ")
    if not n.isdigit() or not stack:
        continue
    n = int(n); total += n
    node = tree
    for f in stack.split(b";"):
        key = esc(f)
        node.setdefault(key, [0, {}])
        node[key][0] += n
        node = node[key][1]
want = {"all": [total]}
def walk(node):
    for name, (n, kids) in node.items():
        if n * (width - 20) / total >= minw:
            want.setdefault(name, []).append(n)
            walk(kids)
walk(tree)
for d in (got, want):
    for k in d:
        d[k].sort()
if got != want:
    missing = {k: v for k, v in want.items() if got.get(k) != v}
    extra = {k: v for k, v in got.items() if want.get(k) != v}
    print("missing or wrong:", list(missing.items())[:5], "unexpected:", list(extra.items())[:5])
    sys.exit(1)
print(sum(len(v) for v in want.values()))
PY
if n=$(python3 "$TMP/check.py" "$TMP/out.svg" "$IN" 1200 0.1 2>&1); then
	pass "$T: valid XML with every frame above 0.1 px and its exact count ($n boxes)"
else
	fail "$T: valid XML with every frame above 0.1 px and its exact count" "$n"
fi
if command -v xmllint >/dev/null; then
	if xmllint --noout "$TMP/out.svg" 2>"$TMP/xmllint.err"; then pass "$T: xmllint parses the SVG"
	else fail "$T: xmllint parses the SVG" "$(head -3 "$TMP/xmllint.err")"; fi
fi
grep -q '>Test &lt;graph&gt;</text>' "$TMP/out.svg" && pass "$T: --title, escaped" || fail "$T: --title, escaped" "not found"

"$BIN/$T" --min-width 5 --width 600 --count-name us <"$IN" >"$TMP/min.svg" 2>/dev/null
if n=$(python3 "$TMP/check.py" "$TMP/min.svg" "$IN" 600 5 2>&1); then
	pass "$T: --min-width 5 --width 600 leaves out exactly the narrower frames ($n boxes)"
else
	fail "$T: --min-width 5 --width 600 leaves out exactly the narrower frames" "$n"
fi
expect_eq "$T: --count-name us in the tooltips" "$(grep -c '<title>burn_cpu (9,500 us, ' "$TMP/min.svg")" 1

# --inverted: the root box at the top.
ys() { grep -o "<title>$2 ([^<]*</title><rect x=\"[0-9.]*\" y=\"[0-9]*\"" "$1" | sed 's/.*y="//; s/"//' | head -1; }
"$BIN/$T" <"$IN" >"$TMP/n.svg" 2>/dev/null
"$BIN/$T" --inverted <"$IN" >"$TMP/i.svg" 2>/dev/null
if [ "$(ys "$TMP/n.svg" all)" -gt "$(ys "$TMP/n.svg" main)" ] && [ "$(ys "$TMP/i.svg" all)" -lt "$(ys "$TMP/i.svg" main)" ]; then
	pass "$T: the root is at the bottom, or at the top with --inverted"
else
	fail "$T: --inverted" "all at $(ys "$TMP/n.svg" all)/$(ys "$TMP/i.svg" all), main at $(ys "$TMP/n.svg" main)/$(ys "$TMP/i.svg" main)"
fi

# Closed stdout: ends with 0 at once.
seq 1 20000 | sed 's/.*/a;b&;c 1/' >"$TMP/big.folded"
start=$(date +%s%N)
"$BIN/$T" <"$TMP/big.folded" 2>"$TMP/head.err" | head -c 100 >/dev/null
rc=${PIPESTATUS[0]}
el=$(( ($(date +%s%N) - start) / 1000000 ))
expect_eq "$T: a closed stdout ends it with 0 and no message" "$rc/$(wc -l <"$TMP/head.err")" "0/0"
expect_exit "$T: a full disk is one sentence, exit 1" 1 sh -c "'$BIN/$T' <'$IN' >/dev/full"

# In a real browser: click a frame, search, and screenshots.
CHROME=$(command -v chromium-headless-shell || command -v chromium || true)
if [ -z "$CHROME" ]; then
	skip "$T: in a browser" "no chromium-headless-shell or chromium (make deps installs it)"
	exit 0
fi
chrome() {	# chrome OUT-OPTION URL: one fresh headless run
	rm -rf "$TMP/profile"
	timeout 90 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$TMP/profile" --window-size=1200,400 "$@" 2>>"$TMP/chrome.err"
}
# Click "main" (the box the folded input puts under burn_cpu and spin), search "burn_cpu".
xy=$(grep -o '<title>main ([^<]*</title><rect x="[0-9.]*" y="[0-9]*"' "$TMP/out.svg" | sed 's/.*x="\([0-9.]*\)" y="\([0-9]*\)"/x=\1\&y=\2/')
chrome --dump-dom "file://$TMP/out.svg?$xy&s=burn_cpu" >"$TMP/dom.xml"
box() {	# box NAME: class and width of NAME's box in the DOM
	grep -o "<g class=\"[^\"]*\"><title>$1 ([^<]*</title><rect x=\"[0-9.]*\" y=\"[0-9]*\" width=\"[0-9.]*\"[^>]*fill=\"[^\"]*\"" "$TMP/dom.xml" |
		sed 's/<g class="\([^"]*\)".*width="\([0-9.]*\)".*fill="\([^"]*\)"/\1|\2|\3/' | head -1
}
# main has 9800 of all 10001 samples: zoomed, it spans the 1180 px; burn_cpu
# (9500 of main's 9800) spans 1143.88 px; node's frames are outside and hidden.
expect_eq "$T: browser: the clicked frame spans the width" "$(box main | cut -d'|' -f1,2)" "f|1180.00"
expect_eq "$T: browser: a frame above it is scaled with it" "$(box burn_cpu | cut -d'|' -f2)" "1143.88"
expect_eq "$T: browser: frames outside it are hidden" "$(box node | cut -d'|' -f1)" "f hide"
expect_eq "$T: browser: its callers are dimmed at full width" "$(box __libc_start_main | cut -d'|' -f1,2)" "f parent|1180.00"
expect_eq "$T: browser: Reset Zoom is shown" "$(grep -o '<text id="unzoom" class="[^"]*"' "$TMP/dom.xml")" '<text id="unzoom" class=""'
# burn_cpu: 9500 of 10001 (its nested _[k] frame does not count twice)
expect_eq "$T: browser: search shows the matched share" "$(grep -o 'Matched: [0-9.]*%' "$TMP/dom.xml")" "Matched: 95.0%"
expect_eq "$T: browser: search highlights the match" "$(box burn_cpu | cut -d'|' -f1,3)" "f match|rgb(230,0,230)"
# Screenshots: the zoomed graph looks different from the plain one.
chrome --screenshot="$TMP/plain.png" "file://$TMP/out.svg" >/dev/null
chrome --screenshot="$TMP/zoom.png" "file://$TMP/out.svg?$xy" >/dev/null
if [ -s "$TMP/plain.png" ] && [ -s "$TMP/zoom.png" ] && ! cmp -s "$TMP/plain.png" "$TMP/zoom.png"; then
	pass "$T: browser: screenshots of the plain and the zoomed graph differ"
else
	fail "$T: browser: screenshots" "$(ls -l "$TMP"/*.png 2>&1 | tr '\n' ' ') $(tail -2 "$TMP/chrome.err")"
fi

#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Prints MATRIX lines ("MATRIX tool path result kernel") as a tool x kernel table.
awk '
{ tool = $2; path = $3; res = $4; k = $5
  key = tool SUBSEP k
  if (!(tool in tools)) { tools[tool] = 1; order[++nt] = tool }
  if (!(k in kerns)) { kerns[k] = 1; korder[++nk] = k }
  cell = path ":" res
  if (key in cells && index(cells[key], cell) == 0) cells[key] = cells[key] "," cell
  else if (!(key in cells)) cells[key] = cell
}
END {
  printf "  %-14s", "TOOL"; for (j = 1; j <= nk; j++) printf " %-26s", korder[j]; printf "\n"
  for (i = 1; i <= nt; i++) {
    printf "  %-14s", order[i]
    for (j = 1; j <= nk; j++) { c = cells[order[i] SUBSEP korder[j]]; printf " %-26s", c == "" ? "-" : c }
    printf "\n"
  }
}' "$1"

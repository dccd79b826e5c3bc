#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
# Prints MATRIX lines ("MATRIX tool path result kernel") as a tool x kernel
# table of the attach paths that ran there and their results; paths the
# kernel does not offer (result n/a) are left out of the cell.
awk '
{ tool = $2; path = $3; res = $4; k = $5
  if (!(tool in tools)) { tools[tool] = 1; order[++nt] = tool }
  if (!(k in kerns)) { kerns[k] = 1; korder[++nk] = k }
  if (res == "n/a") next
  key = tool SUBSEP k
  cell = path " " res
  if (!(key in cells)) cells[key] = cell
  else if (index(", " cells[key] ",", ", " cell ",") == 0) cells[key] = cells[key] ", " cell
}
END {
  printf "  %-15s", "TOOL"; for (j = 1; j <= nk; j++) printf " %-40s", korder[j]; printf "\n"
  for (i = 1; i <= nt; i++) {
    printf "  %-15s", order[i]
    for (j = 1; j <= nk; j++) { c = cells[order[i] SUBSEP korder[j]]; printf " %-40s", c == "" ? "-" : c }
    printf "\n"
  }
}' "$1"

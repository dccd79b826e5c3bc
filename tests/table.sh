# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
#
# Reads tests/tools.table (sourced by the tests that use it; bash). After
# table_read:
#   TAB_TOOLS       the tools in table order
#   TAB[TOOL.KEY]   a row's fields (TOOL.group: its group line; TOOL.rows:
#                   how many rows it has)
#   TAB_ERRORS      what is malformed, one sentence each
# The table is read as shell words (quotes and line continuations as in
# bash): a line starting with a lowercase letter starts a row or a group.

TABLE=${TABLE:-tests/tools.table}
TAB_KEYS="kind letters paths args pargs varargs setup trigger gatewait pty thread user count want vmbudget"
declare -A TAB=()
TAB_TOOLS=()
TAB_ERRORS=()
TAB_GROUP=

tab_row() {
	local tool=$1 kv key val
	shift
	if [ "$tool" = group ]; then
		TAB_GROUP=$1
		return
	fi
	if [ -n "${TAB[$tool.rows]:-}" ]; then
		TAB[$tool.rows]=$((TAB[$tool.rows] + 1))
		return
	fi
	TAB_TOOLS+=("$tool")
	TAB[$tool.rows]=1
	TAB[$tool.group]=$TAB_GROUP
	for kv; do
		key=${kv%%=*}
		val=${kv#*=}
		case " $TAB_KEYS " in
		*" $key "*) TAB[$tool.$key]=$val ;;
		*) TAB_ERRORS+=("$tool: unknown field '$key' in $TABLE") ;;
		esac
	done
	[ -n "${TAB[$tool.pargs]+set}" ] || TAB[$tool.pargs]=${TAB[$tool.args]:-}
	[ -n "${TAB[$tool.user]:-}" ] || TAB[$tool.user]=65534
	case ${TAB[$tool.kind]:-} in
	stream|interval|summary) ;;
	filter) return ;;
	*) TAB_ERRORS+=("$tool: kind is '${TAB[$tool.kind]:-}', want stream, interval, summary or filter") ;;
	esac
	[ -n "${TAB[$tool.trigger]:-}" ] || TAB_ERRORS+=("$tool: no trigger (- when it has none yet)")
	[ "${TAB[$tool.trigger]:-}" = - ] && return
	for key in count want; do
		[ -n "${TAB[$tool.$key]:-}" ] || TAB_ERRORS+=("$tool: no $key")
	done
}

# tab_runs TOOL: whether the generic checks can run the tool against a trigger.
tab_runs() {
	[ "${TAB[$1.kind]:-}" != filter ] && [ "${TAB[$1.trigger]:-}" != - ]
}

table_read() {
	local src
	src=$(sed -E 's/^([a-z])/tab_row \1/' "$TABLE") || return 1
	eval "$src"
}

# tab TOOL KEY: a field ("" when absent).
tab() {
	echo "${TAB[$1.$2]:-}"
}

# tab_has TOOL LETTER: whether the row lists the shared letter.
tab_has() {
	case " ${TAB[$1.letters]:-} " in *" $2 "*) return 0 ;; esac
	return 1
}

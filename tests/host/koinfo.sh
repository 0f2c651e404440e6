# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# What the host's koinfo checks (tests/host/test-koinfo*.sh) share: what
# every host check has (host.sh: the helpers, $top, $tmp), two of the
# Makefile's facts (scripts/lib/facts.sh), slurp and one_line_error:
#   KOINFO  the inspector (set it to koinfo-asan to run the same under the
#           sanitizers); a relative path is the tree's
#   KDIR    the tree the modules were built against

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"
KOINFO=${KOINFO:?run it through make, which exports it}
case $KOINFO in /*) ;; *) KOINFO=$top/$KOINFO ;; esac
KDIR=${KDIR:?run it through make, which exports it}

nl='
'

# slurp FILE: its lines into $fact, as $(cat) would give them, and their
# count into $lines, with no process; none when there is no FILE.
slurp() {
	fact='' lines=0
	[ -r "$1" ] || return 0
	while IFS= read -r _l; do
		fact="$fact${fact:+$nl}$_l"
		lines=$((lines + 1))
	done <"$1"
}

# one_line_error NAME FILE ERE [STATUS [OPTION...]]: koinfo OPTION... FILE
# exits STATUS (1), prints nothing on stdout and one line on stderr, which
# matches ERE after "koinfo: ".
one_line_error() {
	_name=$1 _file=$2 _ere=$3 _want=${4:-1}
	shift $(($# < 4 ? $# : 4))
	"$KOINFO" "$@" "$_file" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	_bytes=0
	[ ! -s "$tmp/out" ] || _bytes=$(wc -c <"$tmp/out")
	slurp "$tmp/err"
	out="exit $rc, stdout $_bytes bytes, stderr $lines line(s): $fact"
	check_match "$_name" "^exit $_want, stdout 0 bytes, stderr 1 line\(s\): koinfo: .*$_ere" "$out"
}

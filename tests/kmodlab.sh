# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# What kmodlab's tests share, sourced by each tests/test-*.sh:
#   - KTAP output (ktap_helpers.sh) and kmod's tools (kmod_tools.sh);
#   - run: run a command, keep its output in $out and status in $rc;
#   - log_mark, then log_since (prints it) or log_get (sets $since): the
#     kernel log written since the mark, so that one check never reads
#     another's messages (a mark the log lost fails the checks that read
#     that text, check_match, check_no_match and check_glob); watched NAME:
#     the module states lifecycle_watcher logged for NAME since the mark;
#   - check_*: one KTAP result each; a failure says what was expected and
#     what came instead, as "#" lines before the "not ok";
#   - require_modules: hold each module's lock for the whole test, since
#     test files run side by side; fail when the file names a module the
#     suite does not have (in KO_DIR, or a failure fixture in
#     KMODLAB_FIXTURES), or one its "# kmodlab-modules:" line (run.sh) does
#     not declare;
#   - require_fixtures NAME...: the failure fixtures the file loads; one
#     missing fails the file (every image and board deploy has them);
#   - value FILE: a sysfs file's value; module_loaded NAME;
#   - HINT: when set, a failing check prints it as "# hint: ..." (labs/).
# A test that must undo something defines test_cleanup(): it runs on exit.
#
# The API for tests that are not the suite's (your own modules' tests,
# DIR/tests/*.sh: tests/own/test-own.sh), kept stable: these names, their
# arguments and what they print stay as they are.
#   ktap_print_header  ktap_set_plan N  ktap_finished (last: totals, exit)
#   ktap_test_pass NAME  ktap_test_fail NAME  ktap_test_skip NAME WHY
#   ktap_skip_all WHY  ktap_print_msg TEXT
#   require_modules M...    the modules the file's "# kmodlab-modules:"
#                           line declares, before the plan
#   run CMD...              sets $out (stdout and stderr) and $rc
#   check_run NAME RC [ERE]   check_eq NAME EXPECTED GOT
#   check_match NAME ERE TEXT  check_no_match NAME ERE TEXT
#   check_glob NAME PATTERN TEXT
#   log_mark  check_log NAME ERE  log_since (prints)  log_get (sets $since)
#   value FILE  field NAME MODINFO_OUTPUT  module_loaded M  loaded M...
#   unload M...             test_cleanup() (yours: runs at exit)
#   $KO_DIR $RELEASE $TESTS_DIR $KMODLAB_DIR; kmod's tools by name (kmod_tools.sh)
# Such a file starts with  . "$TESTS_DIR/kmodlab.sh"  (qemu/init exports
# TESTS_DIR). The rest (watched, check_answer, HINT, names starting with
# "_") is the suite's own and may change.
#
# Each process costs 5-25 ms in the QEMU guest (a kmod tool ~25 ms), so
# the helpers work with the shell's own builtins where they can: read,
# case, field splitting and parameter expansion start no process.
#
# Variables: RELEASE  the running kernel (default: uname -r; run.sh sets it)
#            KO_DIR   the built modules (default: /lib/modules/$RELEASE/extra)
#            KMODLAB_DIR  the suite's folder: tests/ and what the host
#                     put beside it (qemu/init and scripts/board.sh set it;
#                     default: the folder above TESTS_DIR)
#            KMODLAB_FIXTURES  the failure fixtures, fixture_*.ko (default:
#                     $KMODLAB_DIR/fixtures)

# shellcheck source-path=SCRIPTDIR
TESTS_DIR=${TESTS_DIR:-${0%/*}}
. "$TESTS_DIR/ktap_helpers.sh"
. "$TESTS_DIR/kmod_tools.sh"

RELEASE=${RELEASE:-$(uname -r)}
KO_DIR=${KO_DIR:-/lib/modules/$RELEASE/extra}
KMODLAB_DIR=${KMODLAB_DIR:-$TESTS_DIR/..}
KMODLAB_FIXTURES=${KMODLAB_FIXTURES:-$KMODLAB_DIR/fixtures}

run() {
	# A kmod tool by its path (kmod_tools.sh's kmod_NAME), not through its
	# function: the subshell then becomes the tool (exec) instead of
	# starting it (fork, exec).
	case $1 in
	*[!a-z_]*) ;;
	*)	eval "_tool=\${kmod_$1-}"
		[ -z "$_tool" ] || { shift; set -- "$_tool" "$@"; } ;;
	esac
	out=$("$@" 2>&1)
	rc=$?
}

log_mark() {
	_marks=$((${_marks:-0} + 1))
	_mark="kmodlab: mark $$.$_marks"
	printf '<6>%s\n' "$_mark" >/dev/kmsg
}

# log_get: the kernel log since the last log_mark, in $since. dmesg's
# output is cut by the shell, line by line: a sed process would cost more
# than it saves. First the newest 8 KB (syslog(2)'s READ_ALL keeps the
# newest records that fit), all of the log if the mark is not in them.
# (Not with ${log#*"$_mark"}: busybox sh matches that in a time that
# grows with the square of the log's length.)
log_get() {
	_log="$(dmesg -s 8192)
"
	case $_log in
	*"] $_mark
"*)	;;
	*)	_log=$(dmesg) ;;
	esac
	since='' _after=''
	_ifs=$IFS
	IFS='
'
	set -f
	for _line in $_log; do
		if [ -n "$_after" ]; then
			since="$since$_line
"
		else
			case $_line in
			*"] $_mark") _after=1 ;;
			esac
		fi
	done
	set +f
	IFS=$_ifs
	# No mark, no "since": the checks that read this text fail (__lost)
	# instead of finding nothing in it.
	[ -n "$_after" ] || since="$__lost_mark '$_mark' is not in the kernel log (the ring buffer overran it, or printk.devkmsg=off): the log since it cannot be read
"
}
__lost_mark='kmodlab: log_get: the mark'

# __lost NAME TEXT: TEXT is log_get's, and its mark was lost: NAME fails,
# saying so (a check_no_match must not pass on it).
__lost() {
	case $2 in
	"$__lost_mark "*)
		ktap_print_msg "$1: ${2%'
'}"
		__fail "$1" ;;
	*)	return 1 ;;
	esac
}

log_since() {
	log_get
	printf '%s' "$since"
}

# watched NAME: the states lifecycle_watcher logged for NAME since the mark
watched() {
	log_get
	case $since in "$__lost_mark "*) printf '%s' "$since"; return ;; esac
	_ifs=$IFS
	IFS='
'
	set -f
	for _line in $since; do
		case $_line in
		*"] lifecycle_watcher: $1: "[A-Z]*,*)
			_line=${_line#*"] lifecycle_watcher: $1: "}
			printf '%s ' "${_line%%,*}" ;;
		esac
	done
	set +f
	IFS=$_ifs
}

# Print TEXT as diagnostic lines, indented under the failing check.
__show() {
	printf '%s\n' "$1" | sed 's/^/#   /'
}

__fail() {	# NAME
	[ -z "${HINT-}" ] || ktap_print_msg "hint: $HINT"
	ktap_test_fail "$1"
}

check_eq() {	# NAME EXPECTED GOT
	if [ "$2" = "$3" ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: expected '$2', got '$3'"
		__fail "$1"
	fi
}

# __match ERE TEXT: a line of TEXT matches ERE. Most patterns here are
# plain text, perhaps anchored at the start (^) or end ($) of a line: the
# shell matches those itself. Any other is grep's, reading TEXT from a
# here-document (no printf process piping it).
__match() {
	case $1 in
	*[\[\\.*+?\(\){}\|]* | *\$?* | ?*^*)
		grep -qE -- "$1" <<EOF
$2
EOF
		return ;;
	esac
	_text=${1#^}
	[ "$_text" = "$1" ] || _text="
$_text"
	case $_text in
	*\$)	_text="${_text%\$}
" ;;
	esac
	case "
$2
" in
	*"$_text"*) return 0 ;;
	esac
	return 1
}

check_match() {	# NAME ERE TEXT: a line of TEXT matches ERE
	if __lost "$1" "$3"; then
		:
	elif __match "$2" "$3"; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: expected a line matching '$2' in:"
		__show "$3"
		__fail "$1"
	fi
}

# check_glob NAME PATTERN TEXT: TEXT matches the shell PATTERN (e.g.
# '*] params: load: *'). Like check_match, but a case statement starts no
# process, and each one costs 10-50 ms in the guest.
check_glob() {
	! __lost "$1" "$3" || return 0
	# shellcheck disable=SC2254 # $2 is a pattern on purpose
	case $3 in
	$2) ktap_test_pass "$1" ;;
	*) ktap_print_msg "$1: expected text matching '$2':"
	   __show "$3"
	   __fail "$1" ;;
	esac
}

# check_answer NAME GIVEN EXPECTED: a learner's answer (labs/); a wrong one
# shows what was given and the HINT, never the expected value.
check_answer() {
	if [ -n "$3" ] && [ "$2" = "$3" ]; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "your answer: '$2'"
		__fail "$1"
	fi
}

check_no_match() {	# NAME ERE TEXT: no line of TEXT matches ERE
	if __lost "$1" "$3"; then
		:
	elif __match "$2" "$3"; then
		ktap_print_msg "$1: expected no line matching '$2' in:"
		__show "$3"
		__fail "$1"
	else
		ktap_test_pass "$1"
	fi
}

check_log() {	# NAME ERE: the kernel log since log_mark matches ERE
	# Without an ERE it could not fail: the test is wrong, say so.
	[ -n "${2-}" ] || {
		ktap_print_msg "check_log NAME ERE: no ERE for '$1'"
		ktap_test_fail "$1"
		return
	}
	log_get
	check_match "$1" "$2" "$since"
}

check_run() {	# NAME RC [ERE]: the last run exited RC and printed ERE
	if [ "$rc" -eq "$2" ] && { [ -z "${3-}" ] || __match "$3" "$out"; }; then
		ktap_test_pass "$1"
	else
		ktap_print_msg "$1: expected exit $2${3:+ and output matching \"$3\"}, got exit $rc:"
		__show "$out"
		__fail "$1"
	fi
}

# field NAME INFO: the value(s) of one "name: value" field of modinfo's
# output. One modinfo call read many times costs less than many calls.
field() {
	_ifs=$IFS
	IFS='
'
	set -f
	for _line in $2; do
		case $_line in
		"$1:"*)	_line=${_line#"$1:"}
			printf '%s\n' "${_line#"${_line%%[! ]*}"}" ;;
		esac
	done
	set +f
	IFS=$_ifs
}

# value FILE: the first line of a sysfs or debugfs file, or why not. Not
# for /proc/sys: the shell reads a byte at a time, and a sysctl file read
# past its start is empty.
value() {
	{ read -r _v <"$1" && printf '%s\n' "$_v"; } 2>&1
}

# module_loaded NAME: the kernel has module NAME, being loaded or live (or
# going): its /sys/module/NAME/initstate exists, from mod_sysfs_setup() in
# load_module() to mod_sysfs_teardown() in free_module() (a built-in
# module's folder has no initstate). A test, not a read: /proc/modules
# read by the shell's read builtin, a byte at a time, skips a line when
# another test file loads or removes a module between two lines (seq_file
# finds each next line by its index in the list of modules), and a cat
# of it costs a process.
module_loaded() {
	[ -e "/sys/module/$1/initstate" ]
}

# loaded NAME...: "yes" or "no" for each, on one line
loaded() {
	for _n; do
		module_loaded "$_n" && printf 'yes ' || printf 'no '
	done
}

# Leave no module of ours loaded, whatever an earlier run left behind.
unload() {	# NAME...
	for _m; do
		! module_loaded "$_m" || rmmod "$_m" >/dev/null 2>&1
	done
}

__exit() {
	_status=$?
	! command -v test_cleanup >/dev/null || test_cleanup >/dev/null 2>&1
	for _l in ${_locks-}; do
		rmdir "$_l"
	done
	exit $_status
}

# __lock NAME...: take the lock of every module named, or of none.
__lock() {
	_locks=
	for _m; do
		case " $_locks " in
		*" /tmp/kmodlab-run/lock.$_m "*) continue ;;	# named twice
		esac
		if mkdir "/tmp/kmodlab-run/lock.$_m" 2>/dev/null; then
			_locks="$_locks /tmp/kmodlab-run/lock.$_m"
		else
			for _l in $_locks; do
				rmdir "$_l"
			done
			_locks=
			return 1
		fi
	done
}

# __wrong_file WHY: the test file itself is wrong: one failed check, not
# a skip (a module it names that the suite has not would skip for ever).
__wrong_file() {
	ktap_set_plan 1
	ktap_print_msg "$1"
	ktap_test_fail "the modules it names are the suite's and declared"
	ktap_finished
}

# Skip, saying why, without kmod. Fail when a module named, or declared on
# the file's "# kmodlab-modules:" line (KMODLAB_MODULES, from run.sh), is
# not one of the suite's ($KO_DIR, or a failure fixture of
# tests/fixtures/ in $KMODLAB_FIXTURES: fixture_init_fail is a name a
# file can lock and declare), or when one named is not declared
# ("all" declares every one). Then hold each module's lock until exit. All
# of them or none, so that no two tests can each hold a lock the other
# waits for. run.sh does not start two files that declare the same
# module; the locks keep two runs on one board apart.
require_modules() {	# NAME...
	[ -z "$KMOD_MISSING" ] ||
		ktap_skip_all "kmod's$KMOD_MISSING not found (busybox's do not count)"
	for _m in ${KMODLAB_MODULES-} "$@"; do
		[ "$_m" = all ] || [ -r "$KO_DIR/$_m.ko" ] ||
			[ -r "$KMODLAB_FIXTURES/$_m.ko" ] ||
			__wrong_file "$_m: not a module of the suite (no $KO_DIR/$_m.ko, no $KMODLAB_FIXTURES/$_m.ko)"
	done
	# Run by run.sh, which schedules by the declaration: keep it true.
	if [ -n "${KMODLAB_MODULES+set}" ]; then
		for _m; do
			case " $KMODLAB_MODULES " in
			*" $_m "* | *" all "*) ;;
			*) __wrong_file "$_m: not declared on the file's '# kmodlab-modules:' line (it has: '$KMODLAB_MODULES')" ;;
			esac
		done
	fi
	mkdir -p /tmp/kmodlab-run
	# dash and busybox sh run no EXIT trap when a signal ends them: exit
	# on it, so that the locks go (/tmp stays on a board).
	trap __exit EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	_waited=0
	until __lock "$@"; do
		[ $_waited -lt 1200 ] || {
			echo "Bail out! a lock of /tmp/kmodlab-run held for a minute: $*"
			exit 1
		}
		_waited=$((_waited + 1))
		sleep 0.05
	done
}

# require_fixtures NAME...: fail (one check, not a skip) unless each
# failure fixture $KMODLAB_FIXTURES/NAME.ko is there: every image of the
# suite and every board deploy has them, so one missing is a broken image.
require_fixtures() {	# NAME...
	for _f; do
		[ -r "$KMODLAB_FIXTURES/$_f.ko" ] && continue
		ktap_set_plan 1
		ktap_print_msg "no $KMODLAB_FIXTURES/$_f.ko: make fixtures builds it, make test and make deploy ship it"
		ktap_test_fail "the failure fixtures it loads are there"
		ktap_finished
	done
}

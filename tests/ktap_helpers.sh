# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
#
# KTAP output for POSIX sh tests, after the kernel's
# tools/testing/selftests/kselftest/ktap_helpers.sh, printing what
# Documentation/dev-tools/ktap.rst asks of new tests. Runs in busybox sh.
#
#   ktap_print_header; ktap_set_plan 3
#   ktap_test_pass "a"; ktap_test_fail "b"; ktap_test_skip "c" "no debugfs"
#   ktap_finished		# totals; exit 1 on a failure or a wrong count

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

KTAP_TESTNO=1
KTAP_CNT_PASS=0
KTAP_CNT_FAIL=0
KTAP_CNT_SKIP=0
KTAP_PLAN=0

ktap_print_header() {
	printf 'KTAP version 1\n'
}

ktap_set_plan() {
	KTAP_PLAN=$1
	printf '1..%s\n' "$1"
}

ktap_skip_all() {
	printf '1..0 # SKIP %s\n' "$1"
	exit "$KSFT_SKIP"
}

ktap_print_msg() {
	printf '# %s\n' "$*"
}

__ktap_test() {	# RESULT DESCRIPTION [DIRECTIVE]
	printf '%s %d %s%s\n' "$1" "$KTAP_TESTNO" "$2" "${3:+ # $3}"
	KTAP_TESTNO=$((KTAP_TESTNO + 1))
}

ktap_test_pass() {
	__ktap_test ok "$1"
	KTAP_CNT_PASS=$((KTAP_CNT_PASS + 1))
}

ktap_test_fail() {
	__ktap_test "not ok" "$1"
	KTAP_CNT_FAIL=$((KTAP_CNT_FAIL + 1))
}

ktap_test_skip() {	# DESCRIPTION REASON
	__ktap_test ok "$1" "SKIP $2"
	KTAP_CNT_SKIP=$((KTAP_CNT_SKIP + 1))
}

# ktap_test_result DESCRIPTION COMMAND...: pass when COMMAND succeeds.
ktap_test_result() {
	_desc=$1
	shift
	if "$@"; then
		ktap_test_pass "$_desc"
	else
		ktap_test_fail "$_desc"
	fi
}

ktap_finished() {
	_ran=$((KTAP_TESTNO - 1))
	printf '# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n' \
		"$KTAP_CNT_PASS" "$KTAP_CNT_FAIL" "$KTAP_CNT_SKIP"
	if [ "$_ran" -ne "$KTAP_PLAN" ]; then
		ktap_print_msg "planned $KTAP_PLAN checks but ran $_ran"
		exit "$KSFT_FAIL"
	fi
	[ "$KTAP_CNT_FAIL" -eq 0 ] || exit "$KSFT_FAIL"
	exit "$KSFT_PASS"
}

# SPDX-License-Identifier: GPL-2.0
#
# Count the results of a KTAP run (tests/run.sh) in a console log or a
# board's output, print "N passed, N failed[, N skipped]" and exit 1 unless
# every planned test file ran and every check passed.
#
# The top level has one result per test file; each file's checks are its
# subtests, indented by two spaces. A file that failed without a failing
# check (it crashed, or ran fewer checks than it planned) counts once.

{ sub(/\r$/, "") }

/^KTAP version / && !started { started = 1; next }
started && /^1\.\.[0-9]+/ && !plan { plan = substr($1, 4) + 0; next }

/^  (not )?ok [0-9]+ / {
	if ($0 ~ /# SKIP/)		skipped++
	else if ($0 ~ /^  not ok/)	{ failed++; file_failed++ }
	else				passed++
	next
}

started && /^(not )?ok [0-9]+ / {
	files++
	if ($0 ~ /^not ok/ && !file_failed) {
		failed++
		print "# " $0 ": failed outside its checks (see the log)"
	}
	file_failed = 0
}

END {
	if (!started) {
		print "# no KTAP output: the tests did not start"
		failed++
	} else if (files < plan) {
		printf "# only %d of %d test files finished\n", files, plan
		failed += plan - files
	}
	printf "%d passed, %d failed", passed, failed
	if (skipped)
		printf ", %d skipped", skipped
	printf "\n"
	exit failed > 0
}

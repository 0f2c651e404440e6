# SPDX-License-Identifier: GPL-2.0
#
# Count the results of KTAP runs (tests/run.sh), one per input file: the
# host's checks, a guest's console log, a board's output. Print
# "N passed, N failed[, N skipped]"; exit 1 unless every input ran every
# planned test file and every check passed.
#
# The top level has one result per test file; each file's checks are its
# subtests, indented by two spaces. A file that failed without a failing
# check (it crashed, or ran fewer checks than it planned) counts once.

# At the end of an input: did all its test files report?
function finish() {
	if (cur == "")
		return
	if (!started) {
		printf "# %s: no KTAP output, the tests did not start\n", cur
		failed++
	} else if (files < plan) {
		printf "# %s: only %d of %d test files finished\n", cur, files, plan
		failed += plan - files
	}
}

FNR == 1 { finish(); cur = FILENAME; seen[cur] = 1; started = 0; files = 0; plan = -1 }

{ sub(/\r$/, "") }

/^KTAP version / && !started { started = 1; next }
started && plan < 0 && /^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }

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
	finish()
	for (i = 1; i < ARGC; i++) {
		if (!(ARGV[i] in seen)) {
			printf "# %s: empty, the tests did not start\n", ARGV[i]
			failed++
		}
	}
	printf "%d passed, %d failed", passed, failed
	if (skipped)
		printf ", %d skipped", skipped
	printf "\n"
	exit failed > 0
}

# SPDX-License-Identifier: GPL-2.0
#
# kmodlab's one KTAP reader. It reads KTAP runs (tests/run.sh's shape),
# one per input file: the host's checks, a guest's console log, a board's
# output, the kernel's own reports (qemu/kernel-log.awk). The top level
# has one result per test file; each file's checks are its subtests,
# indented by two spaces. A file that failed without a failing check (it
# crashed, or ran fewer checks than it planned) counts once, and so does
# an input in which the tests did not start, planned nothing, or did not
# all finish.
#
# Usage: awk -f qemu/ktap.awk [-v results=1] [tag=T] [label=L] FILE...
#   default    print "N passed, N failed[, N skipped]" (the verdict)
#   results=1  print every result instead, a line each, tab-separated:
#              TAG  ok|FAIL|skip  NAME  REASON
#              NAME is "LABEL FILE: CHECK", or "LABEL FILE: (the file)"
#              for a file that skipped or failed as a whole; REASON is a
#              skip's reason, or a failed check's first diagnostic line
#              ("# ..." before it). tag= and label= between the files apply to
#              those after them (e.g. tag=6.1 label=host/ build/6.1/x.log).
# Exit status: 1 unless every input ran every planned test file and every
# check passed (a skip is not a failure).

# row RESULT NAME [REASON]: one result, counted, and printed in results mode.
function row(res, name, reason) {
	if (res == "FAIL")
		failed++
	else if (res == "skip")
		skipped++
	else
		passed++
	if (results)
		printf "%s\t%s\t%s\t%s\n", tag, res, name, reason
}

# At the end of an input: did all its test files report?
function finish() {
	if (cur == "")
		return
	if (!started) {
		row("FAIL", label cur ": (no KTAP output)")
		if (!results)
			printf "# %s: no KTAP output, the tests did not start\n", cur
	} else if (plan < 0) {
		row("FAIL", label cur ": (no plan)")
		if (!results)
			printf "# %s: KTAP without a plan line\n", cur
	} else if (files < plan) {
		for (i = files + 1; i <= plan; i++)
			row("FAIL", label cur ": (test file " i " did not finish)")
		if (!results)
			printf "# %s: only %d of %d test files finished\n", cur, files, plan
	}
}

# "ok 3 name # SKIP why": sets res, name and why from a result line.
function parse(line) {
	res = line ~ /^ *not ok/ ? "FAIL" : "ok"
	sub(/^ *(not )?ok [0-9]+ ?/, "", line)
	why = ""
	if (match(line, / # SKIP ?/)) {
		why = substr(line, RSTART + RLENGTH)
		line = substr(line, 1, RSTART - 1)
		res = "skip"
	}
	name = line
}

FNR == 1 {
	finish()
	cur = FILENAME; seen[cur] = 1
	started = 0; files = 0; plan = -1; pending = 0; skip_all = ""; diag = ""
}

{ sub(/\r$/, "") }

/^KTAP version / && !started { started = 1; next }
started && plan < 0 && /^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }
started && /^  1\.\.0 # SKIP/ { skip_all = $0; sub(/^  1\.\.0 # SKIP ?/, "", skip_all); next }
# A check's diagnostics come before it: the first is a failure's reason
# (those before a file's plan are about the file).
started && /^  1\.\.[0-9]+/ { diag = ""; next }
started && /^  # / && !/^  # Totals:/ {
	if (diag == "") {
		diag = substr($0, 5)
		sub(/^ +/, "", diag)
	}
	next
}

# A check: kept until the line that names its file.
started && /^  (not )?ok [0-9]+ / {
	parse($0)
	pend_res[++pending] = res
	pend_name[pending] = name
	pend_why[pending] = res == "FAIL" ? diag : why
	diag = ""
	next
}

started && /^(not )?ok [0-9]+ / {
	files++
	parse($0)
	file = label name
	bad = 0
	for (i = 1; i <= pending; i++) {
		row(pend_res[i], file ": " pend_name[i], pend_why[i])
		bad += pend_res[i] == "FAIL"
	}
	if (res == "FAIL" && !bad) {
		row("FAIL", file ": (the file)")
		if (!results)
			print "# " $0 ": failed outside its checks (see the log)"
	} else if (pending == 0 && res == "skip") {
		# A file that skipped all: counted apart from its checks.
		if (results)
			printf "%s\tskip\t%s\t%s\n", tag, file ": (the file)", why != "" ? why : skip_all
	}
	pending = 0
	skip_all = ""
	diag = ""
}

END {
	finish()
	for (i = 1; i < ARGC; i++) {
		if (ARGV[i] ~ /^[A-Za-z_][A-Za-z0-9_]*=/)
			continue
		if (!(ARGV[i] in seen)) {
			row("FAIL", label ARGV[i] ": (empty, the tests did not start)")
			if (!results)
				printf "# %s: empty, the tests did not start\n", ARGV[i]
		}
	}
	if (!results) {
		printf "%d passed, %d failed", passed, failed
		if (skipped)
			printf ", %d skipped", skipped
		printf "\n"
	}
	exit failed > 0
}

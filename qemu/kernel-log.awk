# SPDX-License-Identifier: GPL-2.0
#
# Read a guest's console log (qemu/boot.sh) for the kernel's own reports of
# something wrong: KASAN, UBSAN, lockdep, kmemleak, BUG(), WARN(), an oops.
# At the end of a test run the guest prints its kernel log again between
# "kmodlab: kernel log begin" and "... end" (qemu/init), since "quiet" keeps
# warning-level reports off the console; with kmemleak it scans for leaks
# first and prints what it found. Each report is printed once, up to 40
# lines, as KTAP diagnostics; the result is a KTAP document that
# qemu/ktap.awk counts with the tests' own.
#
# Usage: awk [-v kmemleak=yes] -f qemu/kernel-log.awk CONSOLE_LOG
#   kmemleak=yes  the kernel has kmemleak: a run without its scan fails

BEGIN {
	# The first line of each kind of report, after the "[ time] " of printk
	# and the prefix of the subsystem that printed it (pr_fmt): a soft
	# lockup is "watchdog: BUG: soft lockup", an RCU stall "rcu: INFO:
	# rcu_sched self-detected stall" (5.10) or "rcu: INFO: rcu_preempt
	# detected stalls", a task stuck in D state (khungtaskd) "INFO: task
	# insmod:73 blocked for more than 120 seconds."
	start = "^([a-z_]+: )?(BUG: |WARNING: |UBSAN: |kernel BUG at |Kernel panic|" \
		"Internal error: |Unable to handle kernel |" \
		"INFO: trying to register non-static key|" \
		"INFO: rcu_[a-z]+ (self-)?detected stall|INFO: task .* blocked for more than|" \
		"Watchdog detected hard LOCKUP|" \
		"kmemleak: [0-9]+ new suspected memory leak)"
	max = 40
}

{ sub(/\r$/, "") }

# The kernel's lines carry a time; kmemleak's file (cat) lines do not.
function text(line) {
	if (match(line, /\[ *[0-9]+\.[0-9]+\] /))
		return substr(line, RSTART + RLENGTH)
	return line
}

/kmodlab: kernel log end$/	{ log_end = 1 }
/kmodlab: kmemleak scanned$/	{ scanned = 1 }

{
	t = text($0)
	if (t ~ start || t ~ /^unreferenced object 0x/) {
		# The same report, seen on the console and in the log printed
		# again at the end (or twice the same kmemleak summary): once.
		if (t in seen) {
			in_report = 0
			next
		}
		seen[t] = 1
		reports++
		in_report = 1
		kind = t == $0 ? "kmemleak" : "kernel"
		n = 0
		report[++lines] = $0
		next
	}
	if (!in_report)
		next
	# A record of kmemleak's file ends where the kernel's lines resume.
	if (t ~ /kmodlab: / || $0 ~ /^ *(not )?ok [0-9]+ / || n >= max ||
	    (kind == "kmemleak" && t != $0)) {
		in_report = 0
		next
	}
	report[++lines] = $0
	n++
	# KASAN's report ends with the line of "=" it began with.
	if (t ~ /^=+$/)
		in_report = 0
}

END {
	print "KTAP version 1"
	print "1..1"
	print "  KTAP version 1"
	print "  1..3"
	for (i = 1; i <= lines; i++)
		print "  # " report[i]
	if (reports)
		printf "  not ok 1 no KASAN, UBSAN, lockdep, kmemleak, BUG or WARNING report (%d found)\n", reports
	else
		print "  ok 1 no KASAN, UBSAN, lockdep, kmemleak, BUG or WARNING report"
	if (log_end)
		print "  ok 2 the guest printed its kernel log to the end"
	else
		print "  not ok 2 the guest printed its kernel log to the end"
	if (scanned)
		print "  ok 3 kmemleak scanned for leaks after the tests"
	else if (kmemleak == "yes")
		print "  not ok 3 kmemleak scanned for leaks after the tests"
	else
		print "  ok 3 kmemleak scanned for leaks after the tests # SKIP no kmemleak in this kernel"
	bad = reports || !log_end || (kmemleak == "yes" && !scanned)
	print (bad ? "not ok" : "ok") " 1 kernel-log"
}

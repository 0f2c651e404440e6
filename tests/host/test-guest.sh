#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Host side: scripts/guest.sh's verdict counts the boot itself. A fake
# QEMU (QEMU=, qemu/boot.sh) prints a guest's console: one passing KTAP
# test file, then, or not, the power-off line. The image is the real one
# (build/guest-base.cpio and an overlay without modules); nothing boots.
#   - a guest that powers off: "2 passed, 0 failed" (the file's
#     check and the boot's), exit 0;
#   - one that printed every result and then hangs past the time limit:
#     one check fails (not "0 failed": the boot's), with boot.sh's reason,
#     and guest.sh exits non-zero. (boot.sh's other reasons, an oops or a
#     stop before the power-off, take the same way into the verdict.)
#   - a host check that never ends fails at HOST_TIMEOUT, saying so (the
#     run used to wait for it for ever), and a HOST_TIMEOUT that is not
#     whole seconds is refused; -H with a run that prints no KTAP (demo)
#     is refused;
#   - scripts/board-qemu.sh start, with a board that never comes up: it
#     fails saying so (it used to end, without a word, on the way there);
#   - an overlay of a module built for another kernel (the vermagic
#     fixture): refused before the image is made, naming both releases
#     (every load in the guest used to fail, 137 checks of make test);
#   - qemu/boot.sh itself: Ctrl-C (SIGINT to its process group) ends it
#     and QEMU at once, and a TIMEOUT that is not whole seconds fails
#     before QEMU starts, saying so.
# It runs beside the real guest (make test): two images, 0.8 CPU-seconds.
# Variables: KMODLAB_BUILD, KCACHE (the facts: scripts/lib/facts.sh)

# shellcheck source=tests/host/host.sh
. "${0%/*}/host.sh"

ktap_print_header
[ -r "$top/build/guest-base.cpio" ] ||
	ktap_skip_all "no build/guest-base.cpio: run 'make image'"
[ -r "${KCACHE-}/vmlinuz" ] || ktap_skip_all "no kernel image in KCACHE: run 'make setup'"
ktap_set_plan 15

# The fake QEMU: the console of scenario $FAKE_GUEST.
cat >"$tmp/qemu" <<'EOF'
#!/bin/sh
printf 'KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n  ok 1 a check\nok 1 a file\n'
case $FAKE_GUEST in
off)	echo 'kmodlab: powering off at 1.00 s' ;;
hang)	echo $$ >"${FAKE_PID:-/dev/null}"; exec sleep 30 ;;
esac
EOF
chmod +x "$tmp/qemu"
: >"$tmp/modules.order"

# The guests at once (the hung one waits out its time limit): each
# leaves guest.sh's output and exit status in $tmp/SCENARIO.out and .rc.
# "stuck": the guest powers off, but a host check beside it never ends.
printf 'sleep 60\n' >"$tmp/test-stuck.sh"
for scenario in hang off stuck; do
	case $scenario in
	stuck) fake=off; set -- -H "$tmp/test-stuck.sh" ;;
	*) fake=$scenario; set -- ;;
	esac
	(cd "$top" && FAKE_GUEST=$fake QEMU=$tmp/qemu \
		KMODLAB_BUILD=$tmp HOST_TIMEOUT=1 \
		scripts/guest.sh -q -t 1 -n $scenario -o "$tmp/modules.order" "$@" stress \
		>"$tmp/$scenario.out" 2>&1; echo $? >"$tmp/$scenario.rc") &
done
# A module built for another release: the vermagic fixture (9s for digits).
other=$KMODLAB_BUILD/fixtures/fixture_vermagic.ko
if [ -r "$other" ]; then
	echo "$other" >"$tmp/other.order"
	(cd "$top" && FAKE_GUEST=off QEMU=$tmp/qemu KMODLAB_BUILD=$tmp \
		scripts/guest.sh -q -n other -o "$tmp/other.order" stress \
		>"$tmp/other.out" 2>&1; echo $? >"$tmp/other.rc") &
fi
# A QEMU board that ends before it is ready (no key is used: ssh is never
# reached).
mkdir "$tmp/board"
: >"$tmp/board/id_ed25519"
: >"$tmp/board-layer.cpio"
(FAKE_GUEST=dead QEMU=$tmp/qemu KMODLAB_BUILD=$tmp BOARD_STATE=$tmp/board \
	"$top/scripts/board-qemu.sh" start >"$tmp/board.out" 2>&1
	echo $? >"$tmp/board.rc") &
# Ctrl-C: SIGINT to boot.sh's process group, as the terminal sends it
# (env: a background job starts with SIGINT ignored). Once the fake QEMU
# runs, boot.sh and QEMU should end at once, not at the time limit.
env --default-signal=INT QEMU="$tmp/qemu" FAKE_GUEST=hang FAKE_PID="$tmp/int.pid" \
	setsid "$top/qemu/boot.sh" -q -t 20 -l "$tmp/int.log" \
	"$tmp/qemu" "$tmp/qemu" >"$tmp/int.out" 2>&1 &
boot=$!
(	i=0
	while [ ! -s "$tmp/int.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -s INT -- "-$boot"
	i=0
	while kill -0 "$boot" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -0 "$boot" 2>/dev/null && echo "boot.sh still runs 5 s after" ||
		echo "boot.sh ended"
	kill -0 "$(cat "$tmp/int.pid")" 2>/dev/null && echo "QEMU still runs" ||
		echo "QEMU ended") >"$tmp/int.result" &
wait

# guest SCENARIO: its last line and exit status, in $out and $rc.
guest() {
	out=$(tail -n 1 "$tmp/$1.out")
	rc=$(cat "$tmp/$1.rc")
}

guest off
check_eq "powered off: the file and the boot pass" "2 passed, 0 failed" "$out"
check_eq "powered off: exit 0" 0 "$rc"
guest hang
check_eq "hung after its last result: the boot fails" "1 passed, 1 failed" "$out"
check_eq "hung: guest.sh exits 1" 1 "$rc"
check_match "hung: its reason is the time limit" \
	'^  # the guest hung: no power-off within 1 s' "$(cat "$tmp/hang-boot.log")"
guest stuck
check_eq "a host check that never ends: it fails at HOST_TIMEOUT" "2 passed, 1 failed" "$out"
check_match "... saying so" '^# the host.s checks ran out of time \(HOST_TIMEOUT=1 s\)$' \
	"$(cat "$tmp/stuck-host.log")"
check_eq "a QEMU board that never comes up: board-qemu.sh start fails" 1 "$(cat "$tmp/board.rc")"
check_eq "... saying so" "board-qemu: error: the board did not come up (see $tmp/board-qemu.log)" \
	"$(tail -n 1 "$tmp/board.out")"
if [ -r "$other" ]; then
	v=$(modinfo -F vermagic "$other")
	check_glob "a module built for another kernel: refused before the image, naming both" \
		"2 *mkinitramfs: error: the modules are built for ${v%% *} (their vermagic), but the guest boots $(cat "$KCACHE/release"): *" \
		"$(cat "$tmp/other.rc") $(cat "$tmp/other.out")"
	check_eq "... and nothing booted" absent "$([ -e "$tmp/other.log" ] || echo absent)"
else
	ktap_test_skip "a module built for another kernel: refused before the image, naming both" \
		"no $other: run 'make image'"
	ktap_test_skip "... and nothing booted" "no $other: run 'make image'"
fi
run env HOST_TIMEOUT=5m "$top/scripts/guest.sh" -H host/test-ktap.sh tests
check_run "HOST_TIMEOUT=5m: refused, saying what it takes" 2 \
	"^guest: error: HOST_TIMEOUT takes whole seconds, 1 or more \(not '5m'\)$"
run "$top/scripts/guest.sh" -H host/test-ktap.sh demo
check_run "-H with a run that prints no KTAP: refused" 2 "^guest: error: -H and -k add to a KTAP verdict: 'demo' has none$"
check_eq "Ctrl-C ends boot.sh and QEMU at once" "boot.sh ended
QEMU ended" "$(cat "$tmp/int.result")"
run env TIMEOUT=2m QEMU="$tmp/qemu" "$top/qemu/boot.sh" -q -l "$tmp/t.log" "$tmp/qemu" "$tmp/qemu"
check_run "TIMEOUT=2m: boot.sh says what it takes, boots nothing" 1 \
	"^boot: error: -t \\(or TIMEOUT\\) takes whole seconds, 1 or more \\(not '2m'\\)$"
ktap_finished

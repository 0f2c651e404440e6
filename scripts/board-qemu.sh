#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A QEMU guest that plays the board, for 'make test-board' without one:
# Debian's arm64 kernel with the board image (qemu/mkinitramfs.sh board),
# reached over ssh as root@127.0.0.1 on a forwarded port. QEMU's user
# network is restricted (restrict=on): the guest reaches nothing, and only
# the forwarded port, on 127.0.0.1, reaches the guest.
#
#   start  boot it in the background (scripts/guest.sh board: the board
#          image, console log build/<kernel>/board-qemu.log, timeout)
#          and return once ssh answers; prints the BOARD_* settings to use
#   stop   ask it over ssh to power off; wait for QEMU to end (kill it if
#          it does not) and report how the guest ended
#   run    start, run COMMAND with BOARD_PORT, BOARD_KEY, BOARD_SSH_OPTS
#          in its environment, stop; fails if either failed
#
# Variables a user may override:
#   BOARD_QEMU_PORT  the host port forwarded to the guest's ssh (default:
#                    the first free one from 10022)
#   BOARD_TIMEOUT    seconds the guest may live (300); it powers itself off
#                    10 s before
#   BOARD_STATE      the folder for the key and the state
#                    (build/board); the key pair is id_ed25519{,.pub}
#
# Usage: scripts/board-qemu.sh start | stop | run COMMAND...

set -euo pipefail

BOARD_TIMEOUT=${BOARD_TIMEOUT:-300}
top=$(cd "$(dirname "$0")/.." && pwd)
state=${BOARD_STATE:-$top/build/board}
# shellcheck source=scripts/lib/facts.sh
. "$top/scripts/lib/facts.sh"
# The board's console log (scripts/guest.sh -n board-qemu).
console=$KMODLAB_BUILD/board-qemu.log
key=$state/id_ed25519
# The guest makes a new host key at every boot: do not record it.
ssh_opts="-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"

say() { printf 'board-qemu: %s\n' "$*" >&2; }
die() { printf 'board-qemu: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

running() { [ -r "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; }

on_guest() {	# COMMAND: as root over the forwarded port
	# shellcheck disable=SC2086 # ssh_opts is a list of words
	ssh -o BatchMode=yes -o ConnectTimeout=5 -p "$(cat "$state/port")" \
		-i "$key" $ssh_opts root@127.0.0.1 "$@"
}

free_port() {
	local p

	command -v ss >/dev/null || { echo 10022; return; }
	for p in $(seq 10022 10122); do
		[ -n "$(ss -Hltn "sport = :$p")" ] || { echo "$p"; return; }
	done
	die "no free port in 10022-10122: set BOARD_QEMU_PORT"
}

start() {
	local port waited=0

	[ -r "$key" ] || die "no $key: run 'make board-image'"
	! running || die "a board is running already (pid $(cat "$state/pid")): make board-qemu-stop"
	port=${BOARD_QEMU_PORT:-$(free_port)}
	echo "$port" > "$state/port"
	rm -f "$console"
	say "booting the board, ssh on 127.0.0.1:$port; console log in $console"
	# setsid: boot.sh, timeout and QEMU form one process group that stop
	# can end as a whole if the guest does not power off.
	QEMU_FLAGS="-netdev user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:$port-:22
		    -device virtio-net-device,netdev=net0" \
	setsid "$top/scripts/guest.sh" -q -t "$BOARD_TIMEOUT" -n board-qemu \
		board kmodlab_board_timeout=$((BOARD_TIMEOUT - 10)) \
		>"$state/boot.out" 2>&1 </dev/null &
	echo $! > "$state/pid"
	until grep -q '^kmodlab: board ready' "$console" 2>/dev/null; do
		if ! running || [ $waited -ge 1200 ]; then
			cat "$state/boot.out" >&2
			tail -n 20 "$console" >&2 2>/dev/null || :
			stop_guest || :
			die "the board did not come up (see $console)"
		fi
		sleep 0.1
		waited=$((waited + 1))
	done
	on_guest true || { stop_guest || :; die "the board does not answer ssh (see $console)"; }
	say "up after $((waited / 10)) s; test it with:"
	printf "  make test-board BOARD=root@127.0.0.1 BOARD_PORT=%s BOARD_KEY=%s BOARD_SSH_OPTS='%s'\n" \
		"$port" "$key" "$ssh_opts" >&2
}

# Power off over ssh; end the process group if that does not work.
stop_guest() {
	local pid waited=0

	[ -r "$state/pid" ] || return 0
	pid=$(cat "$state/pid")
	if running; then
		on_guest 'touch /tmp/kmodlab-poweroff' 2>/dev/null || :
		while running && [ $waited -lt 150 ]; do
			sleep 0.1
			waited=$((waited + 1))
		done
		if running; then
			say "the board did not power off: ending QEMU (pid $pid)"
			kill -- "-$pid" 2>/dev/null || :
		fi
	fi
	rm -f "$state/pid"
	grep '^boot: ' "$state/boot.out" | grep -v '^boot: qemu' >&2 || :
	! grep -q '^boot: FAILED' "$state/boot.out"
}

stop() {
	[ -r "$state/pid" ] || die "no board is running (no $state/pid)"
	stop_guest
}

run() {
	local status=0

	start
	trap 'stop_guest' INT TERM
	BOARD_PORT=$(cat "$state/port") BOARD_KEY=$key BOARD_SSH_OPTS=$ssh_opts \
		"$@" || status=$?
	trap - INT TERM
	stop_guest || status=1
	return $status
}

mkdir -p "$state"
case ${1-} in
start) [ $# -eq 1 ] || usage; start ;;
stop) [ $# -eq 1 ] || usage; stop ;;
run) [ $# -ge 2 ] || usage; run "${@:2}" ;;
*) usage ;;
esac

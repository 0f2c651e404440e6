#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Put kmodlab's modules and tests on an arm64 board over ssh, and run the
# test suite there: the same KTAP and the same closing line as in QEMU.
#
# Before anything is copied (so before anything can be loaded) it checks
# that the board answers over ssh, that it is an arm64 machine (aarch64)
# and that it runs the kernel the modules were built for: the release in
# their vermagic ('modinfo -F vermagic', read on this machine) must be the
# board's 'uname -r'. Then:
#   deploy  copies the modules named in ./modules.order (Kbuild's list) to
#           the board's /lib/modules/$(uname -r)/extra and runs depmod, and
#           tests/ to $BOARD_DIR/tests; as root, or through 'sudo -n' when
#           BOARD names another user
#   test    deploys, then runs tests/run.sh on the board as root; its KTAP
#           is kept in $LOG and counted here (qemu/ktap.awk)
#
# Variables a user may override:
#   BOARD           the board's ssh destination, user@host (required)
#   BOARD_PORT      its ssh port (22)
#   BOARD_KEY       the private key to log in with (default: ssh's choice)
#   BOARD_DIR       the folder on the board for the tests (/tmp/kmodlab)
#   BOARD_SSH_OPTS  more ssh options, e.g. "-o StrictHostKeyChecking=no"
#   TESTS           test files to run, relative to tests/ (default: all)
#   LOG             the board's KTAP output (build/<kernel>/board.log)
#   OWN             a directory of your own modules, as scripts/own.sh
#                   built it (build/<kernel>/own/<folder>): its modules
#                   instead of the suite's, and its checks (make test-board
#                   M=DIR)
#
# Usage: scripts/board.sh deploy|test

set -euo pipefail

BOARD=${BOARD-}
BOARD_PORT=${BOARD_PORT:-22}
BOARD_KEY=${BOARD_KEY-}
BOARD_DIR=${BOARD_DIR:-/tmp/kmodlab}
BOARD_SSH_OPTS=${BOARD_SSH_OPTS-}
TESTS=${TESTS-}
top=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/lib/facts.sh
. "$top/scripts/lib/facts.sh"
LOG=${LOG:-$KMODLAB_BUILD/board.log}

say() { printf 'board: %s\n' "$*" >&2; }
die() { printf 'board: error: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

[ $# -eq 1 ] || usage
case $1 in
deploy|test) action=$1 ;;
*) usage ;;
esac
case $BOARD_DIR in
/?*) ;;
*) die "BOARD_DIR must be an absolute folder on the board, not '$BOARD_DIR'" ;;
esac

[ -n "$BOARD" ] || die "say which board: make ${action/test/test-board} BOARD=user@host [BOARD_PORT=22] [BOARD_KEY=~/.ssh/id_ed25519]"
for t in ssh scp modinfo awk; do
	command -v "$t" >/dev/null ||
		die "$t not found: install openssh-client, kmod and gawk or mawk"
done
order=${OWN:+$OWN/modules.order}
[ -r "${order:-$top/modules.order}" ] || die "nothing built yet: run make first"
[ -z "$BOARD_KEY" ] || [ -r "$BOARD_KEY" ] || die "cannot read BOARD_KEY=$BOARD_KEY"

tmp=$(mktemp -d)
# BatchMode: fail rather than ask for a password; a board that does not
# answer is an error within ConnectTimeout seconds, not a hang. All the
# ssh and scp calls share one connection (ControlMaster), which the trap
# closes (or it ends itself 60 s later): a key exchange is slow on a small
# board.
# shellcheck disable=SC2206 # BOARD_SSH_OPTS is a list of words
opts=(-o BatchMode=yes -o ConnectTimeout=10 -o Port="$BOARD_PORT"
      -o ControlMaster=auto -o ControlPath="$tmp/ssh" -o ControlPersist=60
      ${BOARD_KEY:+-i "$BOARD_KEY"} $BOARD_SSH_OPTS)
# shellcheck disable=SC2029 # the commands are meant for the board's shell
on_board() { ssh "${opts[@]}" "$BOARD" "$@"; }

cleanup() {
	[ ! -S "$tmp/ssh" ] || ssh "${opts[@]}" -O exit "$BOARD" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# The built modules, from Kbuild's list (.o names since 6.2, .ko before).
mapfile -t kos < <(cd "$top" && scripts/kos.sh ${order:+"$order"} | xargs -r realpath)
[ ${#kos[@]} -gt 0 ] || die "modules.order lists no module: run make"
for ko in "${kos[@]}"; do
	[ -r "$ko" ] || die "$ko is in modules.order but not built: run make"
done
release=$(cd "$top" && scripts/kos.sh -r ${order:+"$order"}) || exit 1

# One connection answers all the questions.
say "checking $BOARD (port $BOARD_PORT)"
if ! facts=$(on_board 'uname -m; uname -r; id -u; command -v sudo || :' 2>"$tmp/err"); then
	die "cannot reach $BOARD over ssh on port $BOARD_PORT: $(tail -n 1 "$tmp/err")
  check the address and BOARD_PORT, and that ${BOARD_KEY:-your ssh key (or BOARD_KEY=...)} lets you in without a password (ssh-copy-id)"
fi
mapfile -t fact <<<"$facts"
arch=${fact[0]-} board_release=${fact[1]-} uid=${fact[2]-} sudo=${fact[3]-}
[ "$arch" = aarch64 ] ||
	die "$BOARD is a '$arch' machine; these modules are for arm64 (aarch64)"
[ "$board_release" = "$release" ] ||
	die "kernel release mismatch: $BOARD runs $board_release, the modules are built for $release (their vermagic)
  build against the board's kernel: make KDIR=<its tree> (on the board: make KDIR=/lib/modules/\$(uname -r)/build)"
as_root=
if [ "$uid" != 0 ]; then
	{ [ -n "$sudo" ] && on_board sudo -n true 2>/dev/null; } ||
		die "$BOARD: user is not root and 'sudo -n' does not work: use BOARD=root@… or allow sudo without a password"
	as_root="sudo -n"
fi
say "$BOARD: aarch64, Linux $board_release, as ${as_root:-root}"

# Copy as the ssh user into BOARD_DIR, then install as root in one go.
say "copying ${#kos[@]} module(s) and tests/ to $BOARD:$BOARD_DIR"
on_board "rm -rf '$BOARD_DIR/modules' '$BOARD_DIR/tests' '$BOARD_DIR/fixtures' \
	  '$BOARD_DIR/own' && mkdir -p '$BOARD_DIR/modules'"
scp -q "${opts[@]}" "${kos[@]}" "$BOARD:$BOARD_DIR/modules/"
scp -q -r "${opts[@]}" "$top/tests" "$BOARD:$BOARD_DIR/"
# The failure fixtures (make fixtures), for the tests that load them.
fixtures=$KMODLAB_BUILD/fixtures
[ ! -d "$fixtures" ] || scp -q -r "${opts[@]}" "$fixtures" "$BOARD:$BOARD_DIR/"
# Your own modules' checks, predictions, tests and programs.
[ -z "${OWN-}" ] || scp -q -r "${opts[@]}" "$OWN/guest" "$BOARD:$BOARD_DIR/own"
# kmod_tools.sh: busybox's sh would run its own depmod and modinfo. A copy
# of the same module elsewhere (make install's extra/<folder>/, DKMS's
# updates/dkms/) may be the one modprobe loads: say so.
on_board "$as_root sh -s" <<EOF
set -e
mkdir -p /lib/modules/$release/extra
cp '$BOARD_DIR'/modules/*.ko /lib/modules/$release/extra/
. '$BOARD_DIR/tests/kmod_tools.sh'
depmod -a $release
for ko in '$BOARD_DIR'/modules/*.ko; do
	name=\${ko##*/}
	found=\$(modinfo -n "\${name%.ko}")
	[ "\$found" = /lib/modules/$release/extra/\$name ] ||
		echo "board: note: modprobe \${name%.ko} loads \$found, not extra/\$name" >&2
done
EOF
say "installed in $BOARD:/lib/modules/$release/extra: ${kos[*]##*/}"
[ "$action" = test ] || exit 0

# Your own modules: their checks, then their author's tests, one at a
# time, as in the guest (qemu/init's own).
own_env='' built=()
if [ -n "${OWN-}" ]; then
	own_env="PATH=\$PATH:'$BOARD_DIR/own/bin' TESTS_DIR='$BOARD_DIR/tests'"
	TESTS="-j 1 own/test-own.sh"
	for f in "$OWN"/guest/tests/*.sh; do
		# Quoted for the board's shell: a name may have a space.
		[ ! -r "$f" ] || TESTS="$TESTS '$BOARD_DIR/own/tests/${f##*/}'"
	done
	built=(label=host/ "$OWN/host.ktap" label=)
	cat "$OWN/host.ktap"
fi
say "running tests/run.sh ${TESTS:-(all)} on $BOARD; output kept in $LOG"
mkdir -p "$(dirname "$LOG")"
# shellcheck disable=SC2086 # TESTS is a list of file names
on_board "cd '$BOARD_DIR/tests' &&
	  $as_root env KMODLAB_DIR='$BOARD_DIR' $own_env sh ./run.sh $TESTS" </dev/null |
	tee "$LOG" || :
awk -f "$top/qemu/ktap.awk" "${built[@]}" "$LOG"

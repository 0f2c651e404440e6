# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Host packages: which are installed, and installing the rest. Sourced by
# scripts/setup.sh, and by tests/setup/test-pkgs.sh, which calls these
# functions under the same 'set -euo pipefail' as setup.sh does.
#
#   missing PKG...       print those of PKG that are not installed
#   install_pkgs [--update] PKG...  apt-get install those (as root/sudo)
#
# The caller defines say and die (a line on stderr; a line and exit 1).

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		die "'$*' needs root: run it as root, or install sudo"
	fi
}

# missing PKG...: those of PKG that are not installed (one dpkg call).
# dpkg-query exits 1 when any PKG is unknown to dpkg, which on a new
# machine is the usual case: its status is not the answer, its output is.
# (Under pipefail, letting that 1 through made missing print nothing,
# that is "all installed", exactly when something was not.)
missing() {
	local ok

	ok=$({ dpkg-query -W -f='${db:Status-Abbrev}${Package}\n' "$@" \
		2>/dev/null || :; } | sed -n 's/^ii *//p')
	printf '%s\n' "$@" | grep -vxF -e "${ok:-/}" || :
}

# install_pkgs [--update] PKG...: apt-get install those not installed yet.
install_pkgs() {
	local missing=() update='' list

	[ "$1" != --update ] || { update=1; shift; }
	# Not 'mapfile < <(missing ...)': a process substitution's failure
	# is lost, and set -e would not stop here.
	list=$(missing "$@") || die "could not ask dpkg which packages are installed"
	[ -z "$list" ] || mapfile -t missing <<<"$list"
	[ ${#missing[@]} -eq 0 ] && [ -z "$update" ] && return
	say "installing host packages: ${missing[*]}"
	as_root apt-get update -q >&2 ||
		die "apt-get update failed: check the apt sources"
	[ ${#missing[@]} -eq 0 ] && return
	# QEMU's recommends pull a whole desktop stack: leave them out.
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >&2 ||
		die "could not install ${missing[*]}"
	list=$(missing "${missing[@]}") || die "could not ask dpkg again"
	[ -z "$list" ] || die "apt-get did not install: $list"
}

# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Debian suites and .deb files for kmodlab's cache. Sourced by
# scripts/setup.sh, and by tests/setup/ which call these functions the way
# setup.sh does.
#
#   use_suite SUITE [POCKETS]  the apt calls below read SUITE
#   apt_cache ARG...           apt-cache on that suite's lists
#   fetch PKG[:ARCH]...        download each .deb once into $debs
#   deb_of NAME ARCH           the newest .deb of NAME fetched
#   unpack_deb NAME ARCH DIR   unpack it, every file checked
#   deb_member NAME MEMBER     print one file of the package, checked
#   seal DIR FILE... / sealed DIR   record files' sizes / check them
#
# The caller sets CACHE, debs, DEBIAN_MIRROR, DEBIAN_SECURITY, host_suite
# (the host's own suite, read through the host's apt lists), and defines
# say and die. use_suite sets suite, pockets and apt_opts.
# shellcheck disable=SC2154,SC2034 # CACHE, debs, host_suite: the caller sets
# them; damaged and why: the caller reads them

# use_suite SUITE [POCKETS]: the apt calls below (apt_cache, fetch) read
# SUITE. The host's own suite is read through the host's apt lists. Another
# gets lists of its own in $CACHE/apt/<suite>, for arm64 and the host's
# architecture (as dpkg has them): the host's apt sources stay as they are.
# POCKETS default to SUITE SUITE-updates SUITE-security (sid: sid alone).
use_suite() {
	local dir=$CACHE/apt/$1 p

	suite=$1
	pockets=${2:-}
	apt_opts=()
	[ "$suite" != "$host_suite" ] || return 0
	[ -n "$pockets" ] || case $suite in
		sid|unstable) pockets=$suite ;;
		*) pockets="$suite $suite-updates $suite-security" ;;
		esac
	apt_opts=(-o "Dir::Etc::SourceList=$dir/sources.list"
		  -o Dir::Etc::SourceParts=- -o "Dir::State::Lists=$dir/lists"
		  -o "Dir::Cache=$dir/cache" -o Acquire::Languages=none)
	# A suite whose Release had expired when it was read (see apt_update).
	[ ! -e "$dir/expired" ] || apt_opts+=(-o Acquire::Check-Valid-Until=false)
	[ -e "$dir/.ready" ] && return
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	for p in $pockets; do
		case $p in
		*-security) echo "deb $DEBIAN_SECURITY $p main" ;;
		*) echo "deb $DEBIAN_MIRROR $p main" ;;
		esac
	done > "$dir/sources.list"
	apt_update
}

# apt_update: read the suite's own lists again. A mirror that serves a
# pinned snapshot serves Release files whose Valid-Until has passed (sid's
# and the -security pockets' carry one), and apt then refuses the whole
# suite: for kmodlab's own lists, and those alone, it is read anyway, and
# said. Any other failure (no network, no such suite) stops with apt's words.
apt_update() {
	local dir=$CACHE/apt/$suite until

	say "reading Debian $suite's package lists into $dir"
	apt_get_update "$dir/update.log" && return
	if ! grep -q '^E: Release file for .* is expired' "$dir/update.log" ||
	   [ -e "$dir/expired" ]; then
		sed 's/^/  /' "$dir/update.log" >&2
		die "apt-get update for Debian $suite failed (above): check the network and $DEBIAN_MIRROR"
	fi
	apt_opts+=(-o Acquire::Check-Valid-Until=false)
	if ! apt_get_update "$dir/update.log"; then
		sed 's/^/  /' "$dir/update.log" >&2
		die "apt-get update for Debian $suite failed (above), even with its Valid-Until ignored"
	fi
	until=$(sed -n 's/^Valid-Until: //p' "$dir"/lists/*Release | sort -u |
		head -n 1)
	echo "${until:-unknown}" >"$dir/expired"
	say "Debian $suite's Release expired${until:+ on $until} (the mirror serves a pinned snapshot): read anyway, for kmodlab's lists of $suite only"
}

# apt_get_update LOG: apt-get update of the suite's lists, output to LOG.
# --error-on=any: by default a mirror that cannot be reached is only
# warned about, and the lists stay empty.
apt_get_update() {
	apt-get update -q --error-on=any -o APT::Sandbox::User="$(id -un)" \
		"${apt_opts[@]}" >"$1" 2>&1 || return
	touch "${1%/*}/.ready"
}

# apt_cache ARG...: apt-cache on the suite's lists; no output (and no
# failure, which set -e would make silent) for a package it does not know.
apt_cache() { apt-cache "${apt_opts[@]}" "$@" 2>/dev/null || true; }

# fetch PKG[:ARCH]...: download each .deb once into $debs. apt-get
# download checks each against the suite's lists (SHA256) as it comes.
fetch() {
	local p name arch todo=()

	mkdir -p "$debs"
	for p in "$@"; do
		name=${p%%:*}
		arch=${p#"$name"}; arch=${arch#:}
		compgen -G "$debs/${name}_*_${arch:-*}.deb" >/dev/null ||
			todo+=("$p")
	done
	[ ${#todo[@]} -eq 0 ] && return
	say "downloading ${todo[*]}"
	download "${todo[@]}" && return
	# Lists of our own may name what the mirror no longer has.
	if ! { [ ${#apt_opts[@]} -gt 0 ] && apt_update &&
	       download "${todo[@]}"; }; then
		die "could not download ${todo[*]}: run 'sudo apt-get update' and retry"
	fi
}

download() {
	(cd "$debs" && apt-get download -q -o APT::Sandbox::User="$(id -un)" \
		"${apt_opts[@]}" "$@") >&2
}

# deb_of NAME ARCH: the newest .deb of NAME fetched (nothing, and no
# failure, when there is none: compgen's exit 1 would fail the pipe).
deb_of() { { compgen -G "$debs/${1}_*_${2}.deb" || :; } | sort -V | tail -n 1; }

# checked_deb PKG[:ARCH] ARCH CHECK ARG...: fetch PKG if the cache has no
# .deb of it, set deb to that .deb and run CHECK DEB ARG... A .deb CHECK
# finds damaged (cut short by an interrupted download or a full disk, or
# damaged since it came) is said to be so, with CHECK's why, fetched
# again and checked again, once.
checked_deb() {
	local pkg=$1 arch=$2 check=$3 try

	shift 3
	for try in 1 2; do
		fetch "$pkg"
		deb=$(deb_of "${pkg%%:*}" "$arch")
		"$check" "$deb" "$@" && return
		[ "$try" = 1 ] ||
			die "${deb##*/} is damaged again after a new download ($why): check the disk under $debs"
		say "${deb##*/} in the cache is damaged ($why): fetching it again"
		rm -f "$deb"
	done
}

# unpack_deb NAME ARCH DIR: unpack NAME_*_ARCH.deb into DIR and check every
# file it holds against the package's own md5sums (checked_deb).
unpack_deb() { local deb; checked_deb "$1:$2" "$2" unpack_checked "$3"; }

# unpack_checked DEB DIR: dpkg-deb -x, then md5sum -c of what it unpacked;
# on failure, why says what went wrong.
unpack_checked() {
	local sums

	why="dpkg-deb cannot read it"
	dpkg-deb -x "$1" "$2" 2>/dev/null || return
	why="its control part cannot be read"
	sums=$(deb_sums "$1") || return
	why="a file does not match the package's md5sums"
	[ -z "$sums" ] ||
		(cd "$2" && md5sum --quiet --strict -c - <<<"$sums" >/dev/null 2>&1)
}

# deb_sums DEB: the package's md5sums (empty for a package without one).
# Its callers run it in $(...), so they set why for its failure.
deb_sums() {
	local ctrl

	ctrl=$(dpkg-deb --ctrl-tarfile "$1" 2>/dev/null | tar -t 2>/dev/null) || return
	case $'\n'$ctrl$'\n' in
	*$'\n'./md5sums$'\n'*) dpkg-deb --ctrl-tarfile "$1" | tar -xO ./md5sums ;;
	esac
}

# deb_member NAME MEMBER: print MEMBER (e.g. usr/src/linux-source-7.2.tar.xz)
# of NAME_*_all.deb, checked against the package's md5sums first (checked_deb).
deb_member() {
	local deb

	checked_deb "$1" all member_ok "$2"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$2"
}

# member_ok DEB MEMBER: MEMBER's md5sum is the one the package lists.
member_ok() {
	local sums want got

	why="its control part cannot be read"
	sums=$(deb_sums "$1") || return
	want=$(sed -n "s|^\([0-9a-f]*\)  $2\$|\1|p" <<<"$sums")
	why="it lists no md5sum for $2"
	[ -n "$want" ] || return
	why="dpkg-deb cannot read it"
	got=$(dpkg-deb --fsys-tarfile "$1" | tar -xO "./$2" | md5sum) || return
	why="$2 does not match the package's md5sums"
	[ "${got%% *}" = "$want" ]
}

# seal DIR FILE...: record the size of each FILE (relative to DIR), checked
# by sealed each time the cache is used. That is cheap (one stat), and it
# finds what an interrupted copy or a full disk leaves: a file cut short.
seal() {
	local dir=$1

	shift
	(cd "$dir" && stat -L -c '%s %n' -- "$@") >"$dir/.sizes.new"
	mv "$dir/.sizes.new" "$dir/.sizes"
}

# seal_all DIR: seal every file under DIR.
seal_all() {
	local files

	mapfile -t files < <(cd "$1" && find . -type f ! -name '.sizes*' | LC_ALL=C sort)
	seal "$1" "${files[@]}"
}

# sealed DIR: every file DIR/.sizes names has the size it had; if not,
# damaged says which (and sealed fails). One process: make test runs it.
sealed() {
	local dir=$1 lines names=() line now

	damaged="no record of its files' sizes"
	[ -s "$dir/.sizes" ] || return
	mapfile -t lines <"$dir/.sizes"
	for line in "${lines[@]}"; do
		names+=("${line#* }")
	done
	now=$(cd "$dir" && stat -L -c '%s %n' -- "${names[@]}" 2>&1)
	[ "$now" = "$(<"$dir/.sizes")" ] && return
	for line in "${lines[@]}"; do
		case $'\n'$now$'\n' in
		*$'\n'$line$'\n'*) continue ;;
		esac
		if [ -e "$dir/${line#* }" ]; then
			damaged="${line#* } has $(stat -L -c %s "$dir/${line#* }") bytes, ${line%% *} when it was unpacked"
		else
			damaged="${line#* } is missing"
		fi
		return 1
	done
	damaged="its files' sizes changed"
	return 1
}

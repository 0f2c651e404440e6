#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The tutorial's commands, typed for you in the guest, with their real
# output: what a learner sees on a board after copying helloworld.ko.
# Every command of the tutorial's summary (seed 003, 5.5.1), and what
# modprobe would do without doing it, and a load refused to a user
# without CAP_SYS_MODULE.
#
# Usage: demo.sh          (in the guest: make demo)
#        demo.sh host KO  (on the host, before the boot: readelf on KO)

show() {
	printf '\n$ %s\n' "$*"
	eval "$*"
}

# The host's part: the .ko is an ELF relocatable file (no program
# headers: the loader, not exec(), lays it out).
if [ "${1-}" = host ]; then
	for opt in -h -l -S '-p .shstrtab' '-p .strtab'; do
		show readelf "$opt" "$2"
	done
	echo
	exit 0
fi

# shellcheck source=tests/kmod_tools.sh
. "$TESTS_DIR/kmod_tools.sh"	# qemu/init exports it

ko=/lib/modules/$(uname -r)/extra/helloworld.ko

show uname -r
show lsmod
show insmod "$ko"
show lsmod
show 'dmesg | tail -n 3'
show cat /sys/module/helloworld/initstate /sys/module/helloworld/taint
show modinfo "$ko"
show insmod "$ko"
show rmmod helloworld
show 'dmesg | tail -n 1'
show lsmod
# may_init_module(): no CAP_SYS_MODULE, no load (busybox's sh would run
# its own insmod for the bare name: kmod's by path).
show "su -s /bin/sh nobody -c '/sbin/insmod $ko'"
show depmod -a
show modprobe -n -v consumer
show modprobe --show-depends consumer
show modprobe consumer
show kmod list
show modprobe -r consumer
show lsmod
show insmod "$ko"
show rmmod helloworld.ko
show 'dmesg | grep helloworld'
echo

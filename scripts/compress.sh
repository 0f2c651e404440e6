#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Compress modules as Kbuild's modules_install does when the kernel's
# config asks (CONFIG_MODULE_COMPRESS_ALL with _GZIP, _XZ or _ZSTD):
# the commands of scripts/Makefile.modinst (cmd_gzip, cmd_xz, cmd_zstd),
# in place, FILE.ko becoming FILE.ko.gz, .ko.xz or .ko.zst. The kernel's
# own decompressor (CONFIG_MODULE_DECOMPRESS) wants xz's CRC32 check and
# a dictionary of at most 1 MiB, hence xz's options.
#
# Usage: scripts/compress.sh gzip|xz|zstd FILE.ko...
#        (GZIP, XZ, ZSTD, as the Kconfig symbols say, are taken too)

set -euo pipefail

usage() { sed -n '/^# Usage:/,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2; }

[ $# -ge 2 ] || usage
fmt=$1
shift
case $fmt in
gzip | GZIP) gzip -n -f "$@" ;;
xz | XZ) xz --check=crc32 --lzma2=dict=1MiB -f "$@" ;;
zstd | ZSTD) zstd --rm -f -q "$@" ;;
*) usage ;;
esac

#!/bin/sh
# Compare the built library's ABI with the committed baseline (abi/libvrdma.abi)
# using libabigail's abidiff, restricted to the public headers.  Fails on any
# change to an existing function or public type and on any removed symbol;
# additions are allowed (they go into a new version node).
# usage: check-abi.sh BASELINE LIBRARY HEADERS_DIR
set -u
baseline=$1
lib=$2
headers=$3
if ! command -v abidiff >/dev/null 2>&1; then
	echo "check-abi: abidiff not found: apt-get install abigail-tools" >&2
	exit 1
fi
out=$(abidiff --no-added-syms --headers-dir2 "$headers" "$baseline" "$lib" 2>&1)
rc=$?
printf '%s\n' "$out"
# abidiff's exit status is a bit field: 1 error, 2 usage, 4 ABI change,
# 8 incompatible ABI change.
if [ $((rc & 3)) -ne 0 ]; then
	echo "check-abi: abidiff failed to run (status $rc)" >&2
	exit 1
fi
if [ $((rc & 8)) -ne 0 ]; then
	echo "check-abi: INCOMPATIBLE ABI change against $baseline" >&2
	exit 1
fi
if printf '%s\n' "$out" | grep -Eq '[1-9][0-9]* Removed (function|variable|function symbol|variable symbol)'; then
	echo "check-abi: symbols removed against $baseline" >&2
	exit 1
fi
# Added symbols are filtered out (--no-added-syms), so any remaining change
# (a changed parameter, return or public type) is a break for callers.
if [ $((rc & 4)) -ne 0 ]; then
	echo "check-abi: ABI change against $baseline (see above)" >&2
	exit 1
fi
echo "check-abi: compatible with $baseline"
exit 0

#!/bin/sh
# The exported dynamic symbols of the built library must equal the entries of
# lib/libvrdma.sym, both ways, and every one must carry a version node.
# usage: check-symbols.sh LIBRARY SYMFILE
set -eu
lib=$1
sym=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Entries of the version script: identifiers followed by ';' outside comments.
sed -e 's:/\*.*\*/::g' "$sym" | grep -Eo '^[[:space:]]*vrdma_[A-Za-z0-9_]+;' |
	tr -d ' \t;' | sort > "$tmp/script"
# Defined, exported symbols (functions and data), without version suffixes.
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDRBVWiu]$/ { print $3 }' |
	grep -v '^VRDMA_' | sed 's/@.*//' | sort > "$tmp/exported"

status=0
if [ ! -s "$tmp/script" ]; then
	echo "check-symbols: no entries found in $sym" >&2
	exit 1
fi
missing=$(comm -23 "$tmp/script" "$tmp/exported")
extra=$(comm -13 "$tmp/script" "$tmp/exported")
if [ -n "$missing" ]; then
	echo "check-symbols: listed in $sym but not exported by $lib:" >&2
	echo "$missing" | sed 's/^/  /' >&2
	status=1
fi
if [ -n "$extra" ]; then
	echo "check-symbols: exported by $lib but not listed in $sym:" >&2
	echo "$extra" | sed 's/^/  /' >&2
	status=1
fi
# Every exported symbol is versioned (VRDMA_x.y).
unversioned=$(nm -D --defined-only "$lib" | awk '$2 ~ /^[TDRBVW]$/ { print $3 }' |
	grep -v '^VRDMA_' | grep -v '@VRDMA_' || true)
if [ -n "$unversioned" ]; then
	echo "check-symbols: exported without a version node:" >&2
	echo "$unversioned" | sed 's/^/  /' >&2
	status=1
fi
n=$(wc -l < "$tmp/script")
if [ $status -eq 0 ]; then
	echo "check-symbols: $n symbols, script and library agree"
	echo "1 passed, 0 failed"
else
	echo "0 passed, 1 failed"
fi
exit $status

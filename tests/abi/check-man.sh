#!/bin/sh
# Every exported function must be documented: named in the NAME section of a
# section-3 man page source (man/*.3.scd).
# usage: check-man.sh SYMFILE MANDIR
set -eu
sym=$1
mandir=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -e 's:/\*.*\*/::g' "$sym" | grep -Eo '^[[:space:]]*vrdma_[A-Za-z0-9_]+;' |
	tr -d ' \t;' | sort -u > "$tmp/syms"
# NAME sections: from "# NAME" to the next "# " heading.
for f in "$mandir"/*.3.scd; do
	awk '/^# NAME/{on=1; next} /^# /{on=0} on' "$f"
done | tr ',' '\n' | grep -Eo 'vrdma_[A-Za-z0-9_]+' | sort -u > "$tmp/documented"
missing=$(comm -23 "$tmp/syms" "$tmp/documented")
if [ -n "$missing" ]; then
	echo "check-man: exported but named in no section-3 page's NAME:" >&2
	echo "$missing" | sed 's/^/  /' >&2
	echo "0 passed, 1 failed"
	exit 1
fi
echo "check-man: all $(wc -l < "$tmp/syms") exported functions documented"
echo "1 passed, 0 failed"

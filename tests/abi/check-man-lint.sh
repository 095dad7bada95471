#!/bin/sh
# Lint every rendered man page and check its names and references.
#
# usage: check-man-lint.sh SYMFILE PAGE...
#
# For each PAGE (the roff that scdoc rendered, e.g. build/man/vrdma_ctx.3):
#  1. `mandoc -T lint -W warning` prints nothing, except the three messages
#     listed in MANDOC_SCDOC below;
#  2. `man --warnings=w -l` (groff, every warning category) prints nothing,
#     when man(1) and groff are installed (else this half is skipped, loudly);
#  3. .TH names the page as its file does (NAME.SECTION);
#  4. NAME: a section-3 page names only exported functions (SYMFILE); any
#     other page names exactly itself;
#  5. every reference NAME(SECTION) in the page resolves: to a page we ship,
#     to a function named in the NAME section of one of our pages of that
#     section (man-db indexes those names, so `man vrdma_ctx_new` works), or
#     to a system page in SYSTEM_PAGES below.
set -eu

# scdoc (1.11) emits `.P` before every `.SH`/`.SS` and after every block, so
# a rendered page always has paragraph macros that do nothing: an empty one,
# or one right after a section header.  mandoc reports each as a WARNING
# ("skipping paragraph macro") and drops it; groff renders the page the same
# with or without them, and no scdoc source can avoid them.  Exactly these
# three messages are filtered; any other warning fails.
MANDOC_SCDOC=': WARNING: skipping paragraph macro: PP (empty|after SH|after SS)$'

# Pages of other projects we refer to.  Add a page here only when it is a real
# system manual page (Debian packages named in the comment).
SYSTEM_PAGES='
fnmatch(3) free(3) inet_ntop(3) malloc(3) secure_getenv(3) syslog(3)
flock(2) fsync(2) open(2) rename(2) write(2)
ip(8) ip-address(8) ip-link(8) ip-route(8) ip-rule(8) rdma(8)
ibv_devinfo(1) ibv_query_gid_table(3) ibv_query_port(3) ibv_wr_post(3)
ib_write_bw(1) ib_read_bw(1) ib_send_bw(1) ib_write_lat(1) ib_read_lat(1) ib_send_lat(1)
nvme(1) nvme-connect(1) iscsiadm(8)
'
# (libc: manpages-dev; iproute2; ibverbs-utils, libibverbs-dev; perftest;
#  nvme-cli; open-iscsi)

if [ $# -lt 2 ]; then
	echo "usage: check-man-lint.sh SYMFILE PAGE..." >&2
	exit 2
fi
sym=$1
shift

if ! command -v mandoc >/dev/null 2>&1; then
	echo "check-man-lint: mandoc not found: install the Debian package mandoc" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
have_man=0
if command -v man >/dev/null 2>&1 && command -v groff >/dev/null 2>&1; then
	have_man=1
else
	echo "check-man-lint: man(1) or groff not installed: groff warnings NOT checked"
fi

tmp=$(mktemp -d)
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$tmp"' EXIT

sed -e 's:/\*.*\*/::g' "$sym" | grep -Eo '^[[:space:]]*vrdma_[A-Za-z0-9_]+;' |
	tr -d ' \t;' | sort -u > "$tmp/syms"

# Plain text of a roff page: no comments or requests, font and other escapes
# removed.  Used for NAME and references.
plain() {
	sed -e '/^\.\\"/d' -e '/^\.\(TH\|SH\|SS\|P\|PP\|RS\|RE\|nf\|fi\|ie\|el\|nh\|ad\|ds\|TS\|TE\|in\|sp\|br\|IP\)\b/d' \
	    -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\-/-/g' -e 's/\\e/\\/g' "$1"
}

# The NAME section's names (before " - "), one per line.
names_of() {
	awk '/^\.SH "?NAME"?/ { on = 1; next } /^\.SH/ { on = 0 } on && !/^\./' "$1" |
		sed -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\-/-/g' | tr '\n' ' ' |
		sed -e 's/ \{1,\}- .*//' | tr ',' '\n' | sed -e 's/^ *//' -e 's/ *$//' | awk 'NF'
}

fail=0
pass=0
bad() {
	echo "FAIL $page: $*"
	page_ok=0
}

# Every page we ship, and every name each one documents, as NAME(SECTION).
: > "$tmp/known"
for page in "$@"; do
	base=$(basename "$page")
	sec=${base##*.}
	echo "${base%.*}($sec)" >> "$tmp/known"
	names_of "$page" | sed "s/\$/($sec)/" >> "$tmp/known"
done
printf '%s\n' $SYSTEM_PAGES >> "$tmp/known"
sort -u -o "$tmp/known" "$tmp/known"

for page in "$@"; do
	page_ok=1
	base=$(basename "$page")
	name=${base%.*}
	sec=${base##*.}
	if [ ! -s "$page" ]; then
		bad "missing or empty"
		continue
	fi

	# 1. mandoc
	mandoc -T lint -W warning "$page" > "$tmp/lint" 2>&1 || true
	if grep -Ev "$MANDOC_SCDOC" "$tmp/lint" > "$tmp/lint.left"; then
		bad "mandoc -T lint -W warning:"
		sed 's/^/    /' "$tmp/lint.left"
	fi

	# 2. groff, through man-db, at a fixed width and locale
	if [ $have_man -eq 1 ]; then
		LC_ALL=C.UTF-8 MANWIDTH=80 MAN_KEEP_FORMATTING= \
			man --warnings=w -E UTF-8 -l "$page" 2> "$tmp/groff" > "$tmp/out" || true
		if [ -s "$tmp/groff" ]; then
			bad "man --warnings=w -l:"
			sed 's/^/    /' "$tmp/groff"
		fi
		if [ ! -s "$tmp/out" ]; then
			bad "man -l rendered nothing"
		fi
	fi

	# 3. .TH
	th=$(sed -n 's/^\.TH "\{0,1\}\([^" ]*\)"\{0,1\} "\{0,1\}\([^" ]*\)"\{0,1\}.*/\1(\2)/p' "$page" | head -n 1)
	if [ "$th" != "$name($sec)" ]; then
		bad ".TH says '$th', the file is $name($sec)"
	fi

	# 4. NAME
	names_of "$page" > "$tmp/names"
	if [ ! -s "$tmp/names" ]; then
		bad "empty NAME section"
	elif [ "$sec" = 3 ]; then
		sort -u "$tmp/names" | comm -23 - "$tmp/syms" > "$tmp/unexported"
		if [ -s "$tmp/unexported" ]; then
			bad "NAME names functions that are not exported: $(tr '\n' ' ' < "$tmp/unexported")"
		fi
	elif [ "$(cat "$tmp/names")" != "$name" ]; then
		bad "NAME should name '$name', it names: $(tr '\n' ' ' < "$tmp/names")"
	fi

	# 5. references
	plain "$page" | grep -Eo '[A-Za-z_][A-Za-z0-9_.:+-]*\([1-9][a-z]*\)' |
		sort -u > "$tmp/refs" || true
	comm -23 "$tmp/refs" "$tmp/known" > "$tmp/unresolved"
	if [ -s "$tmp/unresolved" ]; then
		bad "references to pages that exist nowhere (ours or SYSTEM_PAGES): $(tr '\n' ' ' < "$tmp/unresolved")"
	fi
	if ! awk '/^\.SH "?SEE ALSO"?/ { on = 1; next } /^\.SH/ { on = 0 } on' "$page" |
			grep -Eq '\([1-9][a-z]*\)'; then
		bad "no SEE ALSO section with references"
	fi

	if [ $page_ok -eq 1 ]; then
		pass=$((pass + 1))
		echo "ok   $page"
	else
		fail=$((fail + 1))
	fi
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]

#!/bin/sh
# Install into a temporary DESTDIR, then build and run a tiny program using
# only `pkg-config --cflags --libs vrdma` against the installed copy.
# usage: consumer.sh BUILDDIR SOURCE CC
set -eu
builddir=$1
src=$2
cc=${3:-cc}
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

meson install -C "$builddir" --destdir "$dest" --no-rebuild --quiet

pc=$(find "$dest" -name vrdma.pc | head -n 1)
[ -n "$pc" ] || { echo "consumer: vrdma.pc was not installed" >&2; exit 1; }
hdr=$(find "$dest" -path '*/include/vrdma/vrdma.h' | head -n 1)
[ -n "$hdr" ] || { echo "consumer: include/vrdma/vrdma.h was not installed" >&2; exit 1; }
so=$(find "$dest" -name 'libvrdma.so.1' | head -n 1)
[ -n "$so" ] || { echo "consumer: libvrdma.so.1 was not installed" >&2; exit 1; }
soname=$(objdump -p "$so" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = "libvrdma.so.1" ] || { echo "consumer: SONAME is '$soname'" >&2; exit 1; }

export PKG_CONFIG_PATH="$(dirname "$pc")"
export PKG_CONFIG_SYSROOT_DIR="$dest"
libs=$(pkg-config --libs vrdma)
cflags=$(pkg-config --cflags vrdma)
echo "pkg-config --cflags --libs vrdma: $cflags $libs"
case "$libs" in *-lvrdma*) ;; *) echo "consumer: --libs lacks -lvrdma" >&2; exit 1 ;; esac
# The private requirements must be known to pkg-config (static linking).
pkg-config --static --libs vrdma | grep -q -- '-libverbs' ||
	{ echo "consumer: Requires.private lacks libibverbs" >&2; exit 1; }

# The public headers alone must compile strictly, as C99 and as C++.
$cc -std=c99 -Wall -Wextra -Werror -pedantic $cflags -o "$dest/consumer" "$src" $libs
if command -v c++ >/dev/null 2>&1; then
	printf '#include <vrdma/vrdma.h>\nint main(void){struct vrdma_ctx *c=nullptr; return vrdma_ctx_new(&c);}\n' > "$dest/cxx.cc"
	c++ -std=c++11 -Wall -Werror $cflags -c -o "$dest/cxx.o" "$dest/cxx.cc"
fi
libdir=$(dirname "$so")
LD_LIBRARY_PATH="$libdir" "$dest/consumer"
# It really ran against the installed copy.
LD_LIBRARY_PATH="$libdir" ldd "$dest/consumer" | grep -q "$dest" ||
	{ echo "consumer: not linked against the DESTDIR copy" >&2; exit 1; }
echo "1 passed, 0 failed"

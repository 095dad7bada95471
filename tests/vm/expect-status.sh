#!/bin/sh
# expect-status.sh STATUS COMMAND [ARG...]: run COMMAND on the host and
# succeed only if it exits with exactly STATUS.  The vm suite uses it to
# prove that tests/vm/run propagates exit statuses (and its 124/125 codes).
want=$1
shift
"$@"
got=$?
if [ "$got" -ne "$want" ]; then
	echo "expect-status.sh: '$*' exited with $got, expected $want" >&2
	exit 1
fi
echo "expect-status.sh: exited with $got as expected"

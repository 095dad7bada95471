# Helpers for the test scripts that run inside the Soft-RoCE guest, sourced:
#   . "$(dirname "$(realpath "${BASH_SOURCE[0]}")")/lib.sh"
# They read the kernel's own view (sysfs), never libvrdma's, and fork as
# little as they can: every process costs milliseconds under TCG.

# vm_gid_index DEV IPV4: the index of the RoCE v2 GID of IPV4 on port 1 of
# RDMA adapter DEV in sysfs; prints nothing and fails when there is none.
vm_gid_index() {
	local gid f a b c d
	IFS=. read -r a b c d <<<"$2"
	printf -v gid '0000:0000:0000:0000:0000:ffff:%02x%02x:%02x%02x' "$a" "$b" "$c" "$d"
	for f in $(grep -lx "$gid" /sys/class/infiniband/"$1"/ports/1/gids/* 2>/dev/null); do
		[ "$(cat "/sys/class/infiniband/$1/ports/1/gid_attrs/types/${f##*/}" 2>/dev/null)" = "RoCE v2" ] &&
			{ echo "${f##*/}"; return 0; }
	done
	return 1
}

# vm_wait_gid_index DEV IPV4 SECONDS: vm_gid_index, polled every 0.1 s for
# up to SECONDS (the kernel adds GIDs from a work queue, after the address).
vm_wait_gid_index() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		vm_gid_index "$1" "$2" && return 0
		sleep 0.1
	done
	return 1
}

# vm_pci_netdev PCI: the netdev of PCI function PCI (virtio-pci -> virtioN ->
# net/NAME); prints nothing and fails when it has none (unbound, removed).
vm_pci_netdev() {
	local n
	for n in /sys/bus/pci/devices/"$1"/virtio*/net/*; do
		[ -e "$n" ] && { echo "${n##*/}"; return 0; }
	done
	return 1
}

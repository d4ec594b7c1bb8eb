#!/usr/bin/env bash
# tests/molecule/image-systemd.sh: make sure the molecule test image WITH systemd exists in
# podman's local storage and print its name (localhost/netvirt-systemd-molecule:HASH).
# A copy of image.sh with systemd (and dbus) added, for the scenarios whose hosts boot systemd
# (podman --systemd=always; the persistence scenario). A separate image, so that the image of
# every other scenario (image.sh, hashed on its own) stays as it is, small and without systemd;
# named netvirt-systemd-molecule so that image.sh's clean-up of its older images (netvirt-molecule-*)
# never takes this one, nor this one's clean-up that one.
#
# The image is built locally (no registry is reachable on the test machines): a Debian 12
# minbase made by debootstrap with what the roles and their verify steps need, imported with
# `podman import`. HASH is a hash of this script, so a change here builds a new image. A
# `podman save | zstd` of the image is kept in the cache directory and loaded next time
# (2-5 s instead of a ~1 min debootstrap).
#
# Environment: NETVIRT_MOLECULE_CACHE (default ~/.cache/netvirt-molecule), MIRROR (default: the
# first Debian mirror of the machine's apt sources), PODMAN (default podman). Needs root,
# debootstrap, podman and zstd.
set -euo pipefail

here=$(cd -- "$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")" && pwd)
log() { echo "molecule image: $*" >&2; }

podman=${PODMAN:-podman}
cache=${NETVIRT_MOLECULE_CACHE:-${HOME:-/root}/.cache/netvirt-molecule}
suite=bookworm
packages=(python3 python3-pyroute2 iproute2 iptables nftables iputils-ping procps systemd systemd-sysv dbus)

hash=$(sha256sum "$here/image-systemd.sh" | cut -c1-12)
image=localhost/netvirt-systemd-molecule:$hash
archive=$cache/netvirt-systemd-molecule-$hash.tar.zst

if "$podman" image exists "$image"; then
    echo "$image"
    exit 0
fi

mkdir -p -- "$cache"
if [[ -s $archive ]]; then
    log "loading $image from $archive"
    zstd -q -dc -- "$archive" | "$podman" load -q >/dev/null
    "$podman" image exists "$image" || { log "$archive did not hold $image"; exit 1; }
    echo "$image"
    exit 0
fi

mirror_from_sources() {  # the URI of the first apt source that carries $suite (deb822 or one-line)
    local f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -e $f ]] || continue
        awk -v suite="$suite" '
            /^[[:space:]]*$/ { if (uri != "" && has) { print uri; exit } uri = ""; has = 0; next }
            tolower($1) == "uris:" { uri = $2 }
            tolower($1) == "suites:" { for (i = 2; i <= NF; i++) if ($i == suite) has = 1 }
            END { if (uri != "" && has) print uri }' "$f" | head -n1
    done
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | awk -v suite="$suite" '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i == suite) { print ($2 ~ /^\[/ ? $3 : $2); exit } }'
}
mirror=${MIRROR:-$(mirror_from_sources | grep -m1 -v security || true)}
mirror=${mirror:-http://deb.debian.org/debian}

rootfs=$(mktemp -d "${TMPDIR:-/tmp}/netvirt-systemd-molecule-rootfs.XXXXXX")
trap 'rm -rf --one-file-system -- "$rootfs" "$archive.tmp"' EXIT
log "debootstrap $suite from $mirror into $rootfs"
include=$(IFS=,; echo "${packages[*]}")
debootstrap --variant=minbase --include="$include" "$suite" "$rootfs" "$mirror" >"$rootfs.log" 2>&1 \
    || { tail -n 40 "$rootfs.log" >&2; rm -f -- "$rootfs.log"; exit 1; }
rm -f -- "$rootfs.log"
# systemd in a container: no getty, no units that need real hardware or a network of its own;
# the journal kept in memory (read with journalctl inside the container).
for unit in getty@tty1.service systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
        apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
    rm -f -- "$rootfs"/etc/systemd/system/*.wants/"$unit"
done
mkdir -p -- "$rootfs/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=volatile\n' >"$rootfs/etc/systemd/journald.conf.d/netvirt.conf"
# Smaller image: no package lists, caches or documentation.
rm -rf --one-file-system -- "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
log "podman import as $image"
tar -C "$rootfs" --numeric-owner -c . \
    | "$podman" import -q --change 'CMD ["/sbin/init"]' --change 'STOPSIGNAL=SIGRTMIN+3' - "$image" >/dev/null
log "saving $archive"
"$podman" save -q "$image" | zstd -q -T0 -o "$archive.tmp"
mv -f -- "$archive.tmp" "$archive"
# Older images of this script are of no use any more: their cache files and podman images go.
find "$cache" -maxdepth 1 -name 'netvirt-systemd-molecule-*.tar.zst' ! -name "${archive##*/}" -delete
"$podman" images --format '{{.Repository}}:{{.Tag}}' --filter reference=localhost/netvirt-systemd-molecule \
    | while read -r old; do
        [[ $old == "$image" ]] || "$podman" rmi -f "$old" >/dev/null 2>&1 || true
    done
echo "$image"

# shellcheck shell=bash
# Container test infrastructure: a Debian bookworm rootfs made with debootstrap (cached as a tarball),
# booted with systemd as PID 1 by systemd-nspawn, commands run in it with nsenter, and a teardown
# that leaves no process, mount, cgroup or file behind. Sourced by test-fresh.sh and test-systemd.sh.
#
#   ct_init NAME                      checks the prerequisites, installs the teardown trap
#   ct_rootfs_tarball PKG,PKG [APT]   prints the cached tarball for those packages (builds it once)
#   ct_extract TARBALL                a private copy of it in CT_ROOT
#   ct_boot [nspawn flags]            boots CT_ROOT; sets CT_NSPAWN_PID, CT_PID1
#   ct_root CMD...                    runs CMD as root inside (all of the container's namespaces)
#   ct_user USER CMD...               the same as USER
#   ct_vm USER 'SHELL COMMAND'        a login shell of USER in every namespace but the PID one, /proc
#                                     remounted privately, in a cgroup under the container's payload/:
#                                     what a VM looks like to BPF (the same PIDs on both sides)
#   ct_clone_project DEST_IN_ROOT USER   a clean 'git clone' of the current commit, owned by USER
#
# Why the details (measured, see ../shared/NOTES.md): --register=no --keep-unit because there is no host
# systemd/machined; --capability and --system-call-filter because nspawn's defaults refuse bpf() and
# perf_event_open(); no --private-users because bpf() needs capabilities in the initial user namespace.
# nspawn runs in a cgroup of its own (CT_CGROUP) so its payload/ and supervisor/ cgroups land there and
# are removed with it, and so two containers never share a cgroup.

# Bump when what the rootfs build does changes: old tarballs are then not reused.
CT_LIB_VERSION=3
CT_SUITE=bookworm
CT_CACHE_DIR=${CT_CACHE_DIR:-/var/cache/mcp-latency-probe}
CT_BOOT_TIMEOUT_S=${CT_BOOT_TIMEOUT_S:-90}
# The units' own stop timeouts are up to 30 s.
CT_STOP_TIMEOUT_S=45
# Where nspawn puts the container's cgroups: the v2 hierarchy first (hybrid here: v2 at unified/ and
# systemd's named v1 hierarchy; or v2 alone at /sys/fs/cgroup).
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
    CT_CGROUP_HIERARCHIES=(/sys/fs/cgroup)
else
    CT_CGROUP_HIERARCHIES=(/sys/fs/cgroup/unified /sys/fs/cgroup/systemd)
fi
# A neutral environment for commands inside: nothing of the caller's leaks in.
CT_ENV=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 TERM=dumb)

CT_NAME="" CT_ROOT="" CT_NSPAWN_PID="" CT_PID1="" CT_CGROUP="" CT_WORK="" CT_PROC_MOUNT=""

ct_log() { printf '[%s %s] %s\n' "$(date +%T)" "${CT_NAME:-ct}" "$*" >&2; }
ct_die() { printf '%s: FAILED: %s\n' "${CT_NAME:-ct}" "$*" >&2; exit 1; }

# Missing prerequisites fail with CI=true and skip (exit 0, with the reason) otherwise.
ct_unavailable() {
    if [ "${CI:-}" = true ]; then ct_die "$* (CI=true: a container test fails instead of skipping)"; fi
    echo "${CT_NAME:-ct}: SKIPPED: $*" >&2
    exit 0
}

ct_init() {
    CT_NAME=$1
    [ "$(id -u)" = 0 ] || ct_unavailable "needs root (debootstrap, systemd-nspawn, nsenter): run it with sudo"
    local tool
    for tool in debootstrap systemd-nspawn nsenter unshare curl git tar; do
        command -v "$tool" >/dev/null || ct_unavailable "'$tool' is missing: apt-get install debootstrap systemd-container curl git"
    done
    for tool in "${CT_CGROUP_HIERARCHIES[@]}"; do
        [ -d "$tool" ] || ct_unavailable "$tool is not mounted"
    done
    CT_WORK=$(mktemp -d "/tmp/$CT_NAME.XXXXXX")
    trap ct_teardown EXIT
    # A command that fails under set -e says where, before the teardown.
    set -E
    trap 'ct_log "failed: line $LINENO: $BASH_COMMAND"' ERR
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# ---- the rootfs ----

# The first Debian mirror of the apt sources (one-line and deb822 formats) that serves bookworm.
ct_mirror() {
    local uri
    for uri in $( { grep -hs '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
                      | sed -E 's/\[[^]]*\]//' | awk '{print $2}'
                    grep -hs -i '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources | sed -E 's/^[^:]*:[[:space:]]*//' | tr ' ' '\n'
                  } | grep -E '^https?://' | grep -v -- '-security' | awk '!seen[$0]++'); do
        if curl -fsS -m 15 -o /dev/null "${uri%/}/dists/$CT_SUITE/Release" 2>/dev/null; then
            echo "${uri%/}"; return 0
        fi
        ct_log "mirror $uri does not answer for $CT_SUITE, trying the next"
    done
    return 1
}

# Prints the tarball of a minbase rootfs with PACKAGES (comma-separated, installed by debootstrap)
# and APT_PACKAGES (space-separated, installed after it with apt-get: debootstrap's resolver cannot
# install packages such as npm), building it once per package lists, site CA certificates and
# library version; a lock keeps two builds from racing.
ct_rootfs_tarball() {
    local packages=$1 apt_packages=${2:-} key tarball
    key=$( { echo "$CT_LIB_VERSION $CT_SUITE $packages $apt_packages"; cat /usr/local/share/ca-certificates/*.crt 2>/dev/null; } | sha256sum | cut -c1-16)
    tarball=$CT_CACHE_DIR/rootfs-$CT_SUITE-$key.tar
    mkdir -p "$CT_CACHE_DIR"
    (
        flock 9
        [ -s "$tarball" ] && exit 0
        ct_build_rootfs "$packages" "$apt_packages" "$tarball"
    ) 9>"$tarball.lock" || ct_die "could not build the rootfs ($packages)"
    echo "$tarball"
}

ct_build_rootfs() {
    local packages=$1 apt_packages=$2 tarball=$3 mirror dir start=$SECONDS
    mirror=$(ct_mirror) || ct_unavailable "no Debian mirror from /etc/apt/sources.list* answers"
    dir=$CT_WORK/build
    ct_log "debootstrap $CT_SUITE from $mirror with: $packages"
    if ! debootstrap --variant=minbase --include="$packages" "$CT_SUITE" "$dir" "$mirror" >"$CT_WORK/debootstrap.log" 2>&1; then
        tail -n 20 "$CT_WORK/debootstrap.log" >&2
        rm -rf --one-file-system "$dir"
        return 1
    fi
    # /proc for the maintainer scripts (ca-certificates-java runs Java, which needs it).
    CT_PROC_MOUNT=$dir/proc
    mount -t proc proc "$dir/proc"
    if [ -n "$apt_packages" ]; then
        ct_log "apt-get install $apt_packages"
        cp /etc/resolv.conf "$dir/etc/resolv.conf"
        # No service starts in the chroot.
        printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d" && chmod +x "$dir/usr/sbin/policy-rc.d"
        # shellcheck disable=SC2086
        if ! { chroot "$dir" "${CT_ENV[@]}" apt-get update -qq \
               && chroot "$dir" "${CT_ENV[@]}" DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $apt_packages; } \
               >"$CT_WORK/apt.log" 2>&1; then
            tail -n 20 "$CT_WORK/apt.log" >&2
            umount "$dir/proc"; CT_PROC_MOUNT=""
            rm -rf --one-file-system "$dir"
            return 1
        fi
        rm -f "$dir/usr/sbin/policy-rc.d"
    fi
    # HTTPS to the registries goes through the site's TLS proxy: trust the host's extra CAs.
    if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
        chroot "$dir" "${CT_ENV[@]}" update-ca-certificates >"$CT_WORK/ca.log" 2>&1 || { cat "$CT_WORK/ca.log" >&2; }
    fi
    umount "$dir/proc"; CT_PROC_MOUNT=""
    chroot "$dir" "${CT_ENV[@]}" apt-get clean
    tar -C "$dir" --numeric-owner --xattrs -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf --one-file-system "$dir"
    ct_log "rootfs built in $((SECONDS - start)) s: $tarball ($(du -h "$tarball" | cut -f1))"
}

# ---- boot and teardown ----

# A private copy of the rootfs to boot (CT_ROOT): users and files can be added to it before ct_boot.
ct_extract() {
    CT_ROOT=$CT_WORK/root
    mkdir "$CT_ROOT"
    tar -C "$CT_ROOT" --numeric-owner --xattrs -xf "$1"
    echo "$CT_NAME" >"$CT_ROOT/etc/hostname"
    printf '127.0.0.1 localhost\n127.0.1.1 %s\n::1 localhost\n' "$CT_NAME" >"$CT_ROOT/etc/hosts"
}

ct_boot() { # [nspawn flags]: boots CT_ROOT
    local h state start=$SECONDS
    CT_CGROUP=mcp-latency-probe-$CT_NAME
    for h in "${CT_CGROUP_HIERARCHIES[@]}"; do mkdir "$h/$CT_CGROUP"; done
    ct_log "booting $CT_ROOT ($*)"
    (
        for h in "${CT_CGROUP_HIERARCHIES[@]}"; do echo "$BASHPID" >"$h/$CT_CGROUP/cgroup.procs"; done
        exec setsid systemd-nspawn -D "$CT_ROOT" -M "$CT_NAME" --boot --register=no --keep-unit \
            --console=passive --capability=CAP_BPF,CAP_PERFMON \
            --system-call-filter='bpf perf_event_open' "$@"
    ) >"$CT_WORK/nspawn.log" 2>&1 </dev/null &
    CT_NSPAWN_PID=$!
    # PID 1 of the container: nspawn's child named systemd, in another PID namespace.
    while [ -z "$CT_PID1" ] && [ $((SECONDS - start)) -lt "$CT_BOOT_TIMEOUT_S" ]; do
        kill -0 "$CT_NSPAWN_PID" 2>/dev/null || { cat "$CT_WORK/nspawn.log" >&2; ct_die "systemd-nspawn exited while booting"; }
        local child
        for child in $(cat "/proc/$CT_NSPAWN_PID/task/"*/children 2>/dev/null); do
            if [ "$(cat "/proc/$child/comm" 2>/dev/null)" = systemd ] \
               && [ "$(readlink "/proc/$child/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]; then
                CT_PID1=$child
            fi
        done
        [ -n "$CT_PID1" ] || sleep 0.1
    done
    [ -n "$CT_PID1" ] || { cat "$CT_WORK/nspawn.log" >&2; ct_die "no systemd PID 1 within ${CT_BOOT_TIMEOUT_S} s"; }
    # Until systemd's own socket exists, systemctl fails at once: ask again.
    state=""
    while [ $((SECONDS - start)) -lt "$CT_BOOT_TIMEOUT_S" ]; do
        kill -0 "$CT_NSPAWN_PID" 2>/dev/null || break
        state=$(timeout "$CT_BOOT_TIMEOUT_S" nsenter -t "$CT_PID1" -a "${CT_ENV[@]}" systemctl is-system-running --wait 2>/dev/null) || true
        case "$state" in running|degraded|stopping|maintenance) break ;; esac
        sleep 0.2
    done
    case "$state" in
        running) ;;
        degraded) ct_log "booted degraded; failed units:"; ct_root systemctl --failed --no-legend >&2 || true ;;
        *) cat "$CT_WORK/nspawn.log" >&2; ct_die "systemd did not come up (state '$state')" ;;
    esac
    ct_log "systemd is $state (PID 1 = host PID $CT_PID1) after $((SECONDS - start)) s"
}

# Always runs (EXIT trap): stops the container by its nspawn PID, kills what is left in its cgroups
# (processes entered with ct_vm live outside its PID namespace), removes its cgroups, files and rootfs.
ct_teardown() {
    local status=$? h i dir
    trap - EXIT INT TERM ERR
    set +e
    if [ -n "$CT_PROC_MOUNT" ]; then umount "$CT_PROC_MOUNT" 2>/dev/null; fi
    if [ -n "$CT_NSPAWN_PID" ] && kill -0 "$CT_NSPAWN_PID" 2>/dev/null; then
        kill -TERM "$CT_NSPAWN_PID"   # nspawn asks systemd to halt
        for ((i = 0; i < CT_STOP_TIMEOUT_S * 10; i++)); do kill -0 "$CT_NSPAWN_PID" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$CT_NSPAWN_PID" 2>/dev/null; then
            ct_log "the container did not halt within $CT_STOP_TIMEOUT_S s: killing it"
            [ -n "$CT_PID1" ] && kill -KILL "$CT_PID1" 2>/dev/null
            kill -KILL "$CT_NSPAWN_PID" 2>/dev/null
        fi
        wait "$CT_NSPAWN_PID" 2>/dev/null
    fi
    # The test's own background jobs left (an nsenter outlives the container when stopped or blocked).
    for i in $(jobs -p); do kill -KILL "$i" 2>/dev/null; done
    if [ -n "$CT_CGROUP" ]; then
        for h in "${CT_CGROUP_HIERARCHIES[@]}"; do
            [ -d "$h/$CT_CGROUP" ] || continue
            # Only our own cgroup tree: whatever is still in it was started for this container.
            [ -e "$h/$CT_CGROUP/cgroup.kill" ] && echo 1 >"$h/$CT_CGROUP/cgroup.kill" 2>/dev/null
            for ((i = 0; i < 50; i++)); do
                [ -z "$(find "$h/$CT_CGROUP" -name cgroup.procs -exec cat {} + 2>/dev/null)" ] && break
                find "$h/$CT_CGROUP" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null
                sleep 0.1
            done
            find "$h/$CT_CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null
            [ -d "$h/$CT_CGROUP" ] && ct_log "could not remove the cgroup $h/$CT_CGROUP" && status=${status/#0/1}
        done
    fi
    [ -n "$CT_NAME" ] && rm -rf "/run/systemd/nspawn/propagate/$CT_NAME"
    if [ -n "$CT_WORK" ] && [ -d "$CT_WORK" ]; then
        if grep -q " $CT_WORK/" /proc/self/mounts; then
            ct_log "mounts left under $CT_WORK: not removing it"; status=${status/#0/1}
        else
            rm -rf --one-file-system "$CT_WORK"
        fi
    fi
    exit "$status"
}

# ---- running commands inside ----

ct_root() { nsenter -t "$CT_PID1" -a "${CT_ENV[@]}" HOME=/root "$@"; }

ct_user() {
    local user=$1 uid
    shift
    uid=$(ct_root id -u "$user")
    nsenter -t "$CT_PID1" -a "${CT_ENV[@]}" runuser -u "$user" -- env HOME="/home/$user" USER="$user" \
        XDG_RUNTIME_DIR="/run/user/$uid" DBUS_SESSION_BUS_ADDRESS="unix:path=/run/user/$uid/bus" "$@"
}

# A login shell of USER as a VM would give it (with the locale of /etc/default/locale, as login and
# sshd read it): the container's mount, UTS, IPC, network and cgroup
# namespaces but the host's PID namespace (BPF reports host PIDs, and so does this /proc), in a
# cgroup under the container's payload/ (a holder unit of the container's systemd owns it).
ct_vm() {
    local user=$1 cmd=$2 uid cg h
    uid=$(ct_root id -u "$user")
    if ! ct_root systemctl is-active -q "ct-session-$uid.service"; then
        ct_root systemd-run -q --unit="ct-session-$uid" --slice="user-$uid.slice" sleep infinity
    fi
    cg=$(ct_root systemctl show -p ControlGroup --value "ct-session-$uid.service")
    [ -n "$cg" ] || ct_die "no cgroup for the session holder of $user"
    (
        for h in "${CT_CGROUP_HIERARCHIES[@]}"; do
            echo "$BASHPID" >"$h/$CT_CGROUP/payload$cg/cgroup.procs" || exit 1
        done
        exec nsenter -t "$CT_PID1" -m -u -i -n -C "${CT_ENV[@]}" unshare -m --propagation private \
            sh -c 'mount -t proc proc /proc && . /etc/default/locale 2>/dev/null; export LANG
                   exec runuser -l -w LANG "$0" -c "$1"' "$user" "$cmd"
    )
}

# USER: a normal user with a home, in group sudo, sudo without a password (before or after boot).
ct_add_user() {
    local user=$1
    chroot "$CT_ROOT" "${CT_ENV[@]}" useradd -m -s /bin/bash -G sudo "$user"
    echo "$user ALL=(ALL:ALL) NOPASSWD: ALL" >"$CT_ROOT/etc/sudoers.d/$user"
    chmod 0440 "$CT_ROOT/etc/sudoers.d/$user"
}

# A clean clone of the current commit (committed files only, no build outputs), owned by USER.
ct_clone_project() {
    local dest=$1 user=$2 repo commit uid gid
    repo=$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)
    commit=$(git -C "$repo" rev-parse HEAD)
    git clone -q --no-hardlinks "$repo" "$CT_ROOT$dest"
    git -C "$CT_ROOT$dest" checkout -q --detach "$commit"
    uid=$(chroot "$CT_ROOT" id -u "$user") gid=$(chroot "$CT_ROOT" id -g "$user")
    chown -R "$uid:$gid" "$CT_ROOT$dest"
    ct_log "cloned $repo at ${commit:0:12} into $dest"
}

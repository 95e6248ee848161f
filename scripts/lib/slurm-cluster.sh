#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# A throw-away single-node Slurm cluster on this machine (munged, slurmctld,
# slurmd), for tests. Needs root and the Debian packages slurmctld, slurmd,
# slurm-client and munge; no systemd, no cgroups. /work/shared/notes/slurm.md
# lists the traps this avoids.
#
# As a library (source it):
#   slurm_cluster_start DIR   start a cluster whose state (config, munge key
#                             and socket, spool, logs, PIDs) all lives in DIR
#                             (created; must not exist or be empty); exports
#                             SLURM_CONF, which every client command needs
#   slurm_cluster_stop DIR    cancel what is left and stop the daemons by
#                             their recorded PIDs; safe to call twice or after
#                             a start that failed half way
# As a command:
#   slurm-cluster.sh start DIR   prints `export SLURM_CONF=...` (for eval)
#   slurm-cluster.sh stop DIR
#
# Every ancestor of DIR must be searchable by all (munged refuses a socket
# below a directory that is not, e.g. mktemp -d's mode 0700).
#
# A guard process stops the cluster if its owner dies without stopping it
# (e.g. SIGKILL). The owner is SLURM_CLUSTER_OWNER if set, else the sourcing
# shell ($$) as a library, or the calling shell ($PPID) as a command.

# _slurm_alive PID: the process exists and is not a zombie (a daemon that
# failed at start-up stays a zombie until reaped, and kill -0 accepts that).
_slurm_alive() {
    local state
    # The name field (2) may hold spaces; read the state after its last ')'.
    state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# _slurm_free_port: a TCP port in 20000-59998 such that it and the next
# one are not listening here (the default 6817/6818 may be taken by a real
# Slurm or by a second test cluster running at the same time).
_slurm_free_port() {
    local used=() p i _ local_addr state
    # Field 2 is the local address:port (hex), field 4 the state (0A = LISTEN).
    while read -r _ local_addr _ state _; do
        [ "$state" = 0A ] && used+=("$((16#${local_addr##*:}))")
    done < <(cat /proc/net/tcp /proc/net/tcp6 2> /dev/null)
    for i in $(seq 50); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 39999))
        if ! printf '%s\n' "${used[@]}" | grep -qx -e "$p" -e "$((p + 1))"; then
            echo "$p"
            return 0
        fi
    done
    echo "slurm-cluster: no free TCP port found" >&2
    return 1
}

# _slurm_start_daemon NAME CMD...: starts CMD in the background, its output
# in DIR/log/NAME.log, its PID in DIR/NAME.pid ($_slurm_dir is DIR).
_slurm_start_daemon() {
    local name=$1
    shift
    "$@" < /dev/null > "$_slurm_dir/log/$name.log" 2>&1 &
    echo $! > "$_slurm_dir/$name.pid"
}

# _slurm_fail MESSAGE: prints MESSAGE and the daemons' logs, stops them.
_slurm_fail() {
    local f
    echo "slurm-cluster: $1" >&2
    for f in "$_slurm_dir"/log/*.log; do
        [ -s "$f" ] || continue
        echo "--- $f (last lines)" >&2
        tail -n 15 "$f" >&2
    done
    slurm_cluster_stop "$_slurm_dir"
    return 1
}

# _slurm_try_start DIR PORT: one attempt; returns 2 when a port was taken.
_slurm_try_start() {
    local dir=$1 port=$2 node layout i state
    _slurm_dir=$dir
    # The node as this machine's hardware is, else slurmctld drains it
    # ("configuration differs from hardware"); minus slurmd -C's UpTime.
    layout=$(slurmd -C | head -n 1 | sed 's/ UpTime=.*//')
    node=${layout%% *}
    node=${node#NodeName=}
    if [ -z "$node" ] || [ "$node" = "$layout" ]; then
        _slurm_fail "cannot read the node's layout from slurmd -C"
        return 1
    fi
    cat > "$dir/slurm.conf" <<EOF
# Written by scripts/lib/slurm-cluster.sh; thrown away with $dir.
ClusterName=imgbatch-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pidfile
SlurmdPidFile=$dir/slurmd.pidfile
# No cgroups here (no systemd, maybe a container).
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# Without these each array task waits about 3 s to be started.
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
# One CPU per task, not the whole node (which runs an array's tasks one
# after the other).
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
# Trust the node line below over what slurmd measures.
SlurmdParameters=config_overrides
# No sacct without a database: finished jobs stay visible to scontrol.
MinJobAge=3600
# There is no mailer.
MailProg=/bin/true
ReturnToService=2
$layout NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
    export SLURM_CONF=$dir/slurm.conf
    _slurm_start_daemon slurmctld slurmctld -D -i -f "$SLURM_CONF"
    _slurm_start_daemon slurmd slurmd -D -f "$SLURM_CONF" -N "$node"
    # Up to 30 s for the node to register (about 1 s on an idle machine).
    for i in $(seq 300); do
        state=$(sinfo -h -N -o %T 2> /dev/null || true)
        [ "$state" = idle ] && return 0
        if ! _slurm_alive "$(cat "$dir/slurmctld.pid")" || ! _slurm_alive "$(cat "$dir/slurmd.pid")"; then
            if grep -qi 'address already in use' "$dir"/log/slurm*.log 2> /dev/null; then
                slurm_cluster_stop "$dir" --keep-munge
                return 2
            fi
            _slurm_fail "a Slurm daemon died while starting"
            return 1
        fi
        sleep 0.1
    done
    _slurm_fail "the node is '$state', not idle, after 30 s"
}

slurm_cluster_start() {
    local dir=$1 owner=${SLURM_CLUSTER_OWNER:-$$} p bin attempt rc i
    for bin in munged mungekey munge unmunge slurmctld slurmd sbatch sinfo squeue scontrol scancel; do
        command -v "$bin" > /dev/null || { echo "slurm-cluster: $bin is not installed" >&2; return 1; }
    done
    [ "$(id -u)" -eq 0 ] || { echo "slurm-cluster: needs root (slurmd runs jobs as their user)" >&2; return 1; }
    mkdir -p "$dir" || return 1
    [ -z "$(ls -A "$dir")" ] || { echo "slurm-cluster: $dir is not empty" >&2; return 1; }
    dir=$(cd "$dir" && pwd) || return 1
    _slurm_dir=$dir
    # munged checks that the socket's directory is 0755 and that every
    # directory above it is searchable by all; its key must be 0400.
    chmod 0711 "$dir" || return 1
    p=$(dirname "$dir")
    while [ "$p" != / ]; do
        [ -n "$(find "$p" -maxdepth 0 -perm -o+x)" ] || {
            echo "slurm-cluster: munged needs $p searchable by all (chmod o+x)" >&2
            return 1
        }
        p=$(dirname "$p")
    done
    mkdir -m 0755 "$dir/munge" || return 1
    mkdir "$dir/log" "$dir/state" "$dir/spool" || return 1
    mungekey -c -f -k "$dir/munge/munge.key" > "$dir/log/mungekey.log" 2>&1 || {
        cat "$dir/log/mungekey.log" >&2
        return 1
    }
    chmod 0400 "$dir/munge/munge.key" || return 1
    _slurm_start_daemon munged munged -F -S "$dir/munge/munge.socket" \
        --key-file="$dir/munge/munge.key" --pid-file="$dir/munge/munged.pid" \
        --seed-file="$dir/munge/munged.seed"
    # The guard: stops the cluster once its owner is gone, unless stopped
    # first (slurm_cluster_stop ends it by PID).
    # It remembers the daemons' PIDs in case DIR is removed first.
    (
        trap '' INT HUP
        known=
        while kill -0 "$owner" 2> /dev/null; do
            if [ -d "$dir" ]; then
                known=$(cat "$dir/slurmd.pid" "$dir/slurmctld.pid" "$dir/munged.pid" 2> /dev/null || true)
            fi
            sleep 1
        done
        if [ -d "$dir" ]; then
            slurm_cluster_stop "$dir"
        else
            for p in $known; do _slurm_kill "$p" "$dir"; done
        fi
    ) < /dev/null > /dev/null 2>&1 &
    echo $! > "$dir/guard.pid"
    for i in $(seq 100); do
        munge -n -S "$dir/munge/munge.socket" 2> /dev/null |
            unmunge -S "$dir/munge/munge.socket" > /dev/null 2>&1 && break
        _slurm_alive "$(cat "$dir/munged.pid")" || { _slurm_fail "munged died while starting"; return 1; }
        [ "$i" -lt 100 ] || { _slurm_fail "munged does not answer after 10 s"; return 1; }
        sleep 0.1
    done
    # A port can be taken between choosing it and binding it: try again.
    for attempt in 1 2 3; do
        p=$(_slurm_free_port) || { _slurm_fail "no free port"; return 1; }
        rc=0
        _slurm_try_start "$dir" "$p" || rc=$?
        [ "$rc" -eq 2 ] || return "$rc"
    done
    _slurm_fail "Slurm's ports were taken on $attempt tries"
}

# _slurm_kill PID [MARK]: SIGTERM PID, SIGKILL after 5 s. With MARK, only
# if PID's command line holds MARK (the cluster's directory): a PID file
# outliving its process must not end an unrelated one that reused the PID.
_slurm_kill() {
    local pid=$1 i
    [ -n "$pid" ] && _slurm_alive "$pid" || return 0
    if [ -n "${2:-}" ]; then
        tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -qF -- "$2" || return 0
    fi
    kill -TERM "$pid" 2> /dev/null || true
    for i in $(seq 50); do
        _slurm_alive "$pid" || break
        sleep 0.1
    done
    if _slurm_alive "$pid"; then kill -KILL "$pid" 2> /dev/null || true; fi
    # Reap it when it is our child, so no zombie is left behind.
    wait "$pid" 2> /dev/null || true
}

# _slurm_stop_pid FILE [MARK]: _slurm_kill the PID FILE holds; forget it.
_slurm_stop_pid() {
    [ -s "$1" ] || return 0
    _slurm_kill "$(cat "$1")" "${2:-}"
    rm -f "$1"
}

slurm_cluster_stop() {
    local dir=$1 keep_munge=${2:-} i jobs
    [ -d "$dir" ] || return 0
    # Not the guard when the guard is the one stopping (its own PID).
    if [ -s "$dir/guard.pid" ] && [ "$(cat "$dir/guard.pid")" != "${BASHPID:-}" ] &&
        [ "$keep_munge" != --keep-munge ]; then
        _slurm_stop_pid "$dir/guard.pid"
    fi
    if [ -s "$dir/slurmctld.pid" ] && _slurm_alive "$(cat "$dir/slurmctld.pid")"; then
        # Jobs left running: cancel them, and give slurmd a moment to end
        # their steps (slurmstepd is not our child: it would outlive us).
        jobs=$(SLURM_CONF=$dir/slurm.conf squeue -h -t PD,R,CF -o %A 2> /dev/null || true)
        # shellcheck disable=SC2086 # one job ID a word
        [ -z "$jobs" ] || SLURM_CONF=$dir/slurm.conf scancel --quiet $jobs 2> /dev/null || true
        for i in $(seq 50); do
            [ -z "$(SLURM_CONF=$dir/slurm.conf squeue -h -t R,CG -o %i 2> /dev/null)" ] && break
            sleep 0.1
        done
    fi
    _slurm_stop_pid "$dir/slurmd.pid" "$dir"
    _slurm_stop_pid "$dir/slurmctld.pid" "$dir"
    [ "$keep_munge" = --keep-munge ] || _slurm_stop_pid "$dir/munged.pid" "$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case ${1:-}:${2:-} in
        start:?*)
            SLURM_CLUSTER_OWNER=${SLURM_CLUSTER_OWNER:-$PPID}
            slurm_cluster_start "$2"
            printf 'export SLURM_CONF=%q\n' "$SLURM_CONF"
            ;;
        stop:?*) slurm_cluster_stop "$2" ;;
        *)
            echo "usage: $0 start|stop DIR" >&2
            exit 2
            ;;
    esac
fi

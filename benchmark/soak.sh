#!/usr/bin/env bash
# Gangway reconnect soak: one command. A stock `ssh -R /soak:... hello` client is restarted in a loop, as autossh
# would, against a copy of the configured server, and the server must not grow: heap after a full GC, live threads,
# registry entries (tunnels and SSH sessions), open file descriptors.
#
# Each iteration: connect and read the hello line; send HTTP requests through the tunnel (curl with the tunnel's
# Host header, body checked); exchange messages over WebSockets through it (benchmark/ws-check.js), then either close
# them (odd iterations) or leave them open (even iterations: the server has to close them when the tunnel goes);
# then end the client:
#   SIGKILL (most iterations)   the process dies; the kernel closes its socket, so the server sees a dropped TCP
#                               connection without any SSH goodbye
#   SIGTERM (every SOAK_TERM_EVERY-th)   ssh exits by itself
#   SIGSTOP (every SOAK_FREEZE_EVERY-th) the client freezes with its connection open and silent: no FIN ever comes.
#                               The next iteration's client asks for the same name with the same key, so the server's
#                               take-over check has to find the frozen one dead and hand the name over (then the
#                               frozen process is killed).
# Every SOAK_SAMPLE_INTERVAL seconds, right after a client ended and its tunnel is gone, the server is sampled:
# `jcmd GC.class_histogram` (a full GC, then live instances per class: RegisteredTunnel = registry entries,
# TunnelSession and MINA's ServerSessionImpl = SSH connections, TunnelManagedConnection = pooled slots, UpgradeSplice =
# upgraded streams), heap used after GC and the thread count (HTTP management API), /proc/<pid>/fd. At the end: a
# final sample once everything has ended, and a verdict comparing it with the first sample after warm-up.
#
# Usage: benchmark/soak.sh     (root not needed; needs java/jcmd, ssh, curl, node and npm: `ws` is installed into
#                               a cache directory at run time, as for run.sh). Build first: mvn -o -q -DskipTests package
# Settings (environment):
#   SOAK_DURATION=600        seconds of reconnecting (60 is a quick check)
#   SOAK_SAMPLE_INTERVAL=30  seconds between samples
#   SOAK_REQUESTS=5          HTTP requests per iteration
#   SOAK_WS_SOCKETS=2        WebSockets per iteration (0 = none), each exchanging SOAK_WS_MESSAGES=5 messages
#   SOAK_TERM_EVERY=3 SOAK_FREEZE_EVERY=10   how often a client is ended with SIGTERM / frozen (0 = never)
#   SOAK_PAUSE=0.2           seconds between one client's end and the next one's start
#   SOAK_HEAP_TOLERANCE_MB=16 SOAK_THREAD_TOLERANCE=5 SOAK_FD_TOLERANCE=5   allowed growth, final vs warm sample
#   SOAK_RESULTS=<repo>/benchmark/RESULTS.md   where the section is appended ("" = do not write)
#   SOAK_NOTE                a line of text for the section
#   SOAK_BACKEND_PORT=18485  the echo/HTTP backend on loopback
#   GANGWAY_SERVER, GANGWAY_EAR, GANGWAY_CONFIG, GANGWAY_JAVA_HOME, GANGWAY_JAVA_SIZING, GANGWAY_PORT_OFFSET,
#   GANGWAY_SSH_PORT         as for run.sh (ports: HTTP 8580, management 10490, SSH 2722 by default)
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG_TAG=soak
# shellcheck source=benchmark/lib.sh
. "$BENCH_DIR/lib.sh"

DURATION=${SOAK_DURATION:-600}
SAMPLE_INTERVAL=${SOAK_SAMPLE_INTERVAL:-30}
REQUESTS=${SOAK_REQUESTS:-5}
WS_SOCKETS=${SOAK_WS_SOCKETS:-2}
WS_MESSAGES=${SOAK_WS_MESSAGES:-5}
TERM_EVERY=${SOAK_TERM_EVERY:-3}
FREEZE_EVERY=${SOAK_FREEZE_EVERY:-10}
PAUSE=${SOAK_PAUSE:-0.2}
HEAP_TOLERANCE_MB=${SOAK_HEAP_TOLERANCE_MB:-16}
THREAD_TOLERANCE=${SOAK_THREAD_TOLERANCE:-5}
FD_TOLERANCE=${SOAK_FD_TOLERANCE:-5}
RESULTS_FILE=${SOAK_RESULTS-$BENCH_DIR/RESULTS.md}
NOTE=${SOAK_NOTE:-}
BACKEND_PORT=${SOAK_BACKEND_PORT:-18485}

# How long the server may take to drop a killed client's tunnel; a frozen one needs the take-over check (5 s) more.
TUNNEL_GONE_WAIT=15
# How long a visitor's held WebSockets may stay open after their tunnel went.
WS_DROP_WAIT=15
BODY="gangway bench backend"
SAMPLE_CLASSES=(dev.gangway.connector.tunnel.RegisteredTunnel dev.gangway.connector.ssh.TunnelSession
    org.apache.sshd.server.session.ServerSessionImpl dev.gangway.connector.outbound.TunnelManagedConnection
    dev.gangway.proxy.stream.UpgradeSplice)

START_EPOCH=$(date +%s)
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
ITERATION=0
declare -A COUNT=([kill]=0 [term]=0 [freeze]=0 [hello_failed]=0 [http_ok]=0 [http_failed]=0 [ws_ok]=0
    [ws_failed]=0 [ws_not_dropped]=0 [tunnel_lingered]=0)
FIRST_FAILURES=()
FROZEN_PID=""
# ws-check processes in "hold" mode whose sockets must be dropped once their tunnel went: "pid:iteration".
HELD_WS=()

on_die() { [[ -n ${WORK:-} && -s ${SAMPLES:-/nonexistent} ]] && report "the soak stopped early: $1" || true; }
install_cleanup_traps

failure() {
    local what=$1 detail=$2
    COUNT[$what]=$((COUNT[$what] + 1))
    ((${#FIRST_FAILURES[@]} < 10)) && FIRST_FAILURES+=("iteration $ITERATION, $what: $detail")
    log "iteration $ITERATION: $what: $detail"
}

# ---------------------------------------------------------------------------------------------------------------
# Sampling
# ---------------------------------------------------------------------------------------------------------------
# Prints "<seconds> <iteration> <heap MB> <threads> <fds> <instances of each SAMPLE_CLASSES entry...>".
sample() {
    local histogram heap threads fds counts=() class
    # Live objects only: the histogram runs a full GC first.
    histogram=$("$JCMD" "$GANGWAY_PID" GC.class_histogram 2>&1) || die "jcmd $GANGWAY_PID GC.class_histogram failed: $histogram"
    for class in "${SAMPLE_CLASSES[@]}"; do
        # A class loaded by several class loaders has a line per loader.
        counts+=("$(awk -v c="$class" '$4 == c {n += $2} END {print n + 0}' <<<"$histogram")")
    done
    heap=$(mb "$(gangway_heap_after_gc)")
    threads=$(gangway_thread_count)
    fds=$(find "/proc/$GANGWAY_PID/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
    echo "$(($(date +%s) - START_EPOCH)) $ITERATION ${heap:-?} ${threads:-?} $fds ${counts[*]}"
}

take_sample() {
    local line
    line=$(sample)
    echo "$line" >>"$SAMPLES"
    local t i heap threads fds tunnels sessions mina managed splices
    read -r t i heap threads fds tunnels sessions mina managed splices <<<"$line"
    log "sample at ${t}s, iteration $i: heap after GC $heap MB, $threads threads, $fds fds, tunnels $tunnels, SSH sessions $sessions (MINA $mina), pooled slots $managed, upgraded streams $splices"
    LAST_SAMPLE=$SECONDS
}

# ---------------------------------------------------------------------------------------------------------------
# One iteration
# ---------------------------------------------------------------------------------------------------------------
end_mode() {
    local i=$1
    if ((FREEZE_EVERY > 0 && i % FREEZE_EVERY == 0)); then echo freeze
    elif ((TERM_EVERY > 0 && i % TERM_EVERY == 0)); then echo term
    else echo kill; fi
}

# The server's own JDK's jcmd when GANGWAY_JAVA_HOME names one: attaching across JDK versions is not guaranteed.
jcmd_of_the_server() {
    JCMD=jcmd
    [[ -n ${GANGWAY_JAVA_HOME:-} && -x $GANGWAY_JAVA_HOME/bin/jcmd ]] && JCMD=$GANGWAY_JAVA_HOME/bin/jcmd
    return 0
}

reap() {
    local pid=$1
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
}

# The previous client was frozen: by now the server has handed its name to the current one, so it can go.
reap_frozen() {
    [[ -n $FROZEN_PID ]] || return 0
    kill -KILL "$FROZEN_PID" 2>/dev/null || true
    reap "$FROZEN_PID"
    FROZEN_PID=""
}

# Held WebSockets must end once their tunnel has gone (after the given deadline they count as not dropped).
check_held_ws() {
    local must_be_done=$1 entry pid iter keep=()
    for entry in "${HELD_WS[@]}"; do
        pid=${entry%%:*} iter=${entry#*:}
        if kill -0 "$pid" 2>/dev/null; then
            if [[ $must_be_done == true ]]; then
                local deadline=$((SECONDS + WS_DROP_WAIT))
                while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
            else
                keep+=("$entry")
                continue
            fi
        fi
        local rc=0
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
            ITERATION=$iter failure ws_not_dropped "WebSockets held through the tunnel were still open $WS_DROP_WAIT s after the tunnel's client ended"
            reap "$pid"
            continue
        fi
        wait "$pid" || rc=$?
        forget_pid "$pid"
        if ((rc == 0)); then
            COUNT[ws_ok]=$((COUNT[ws_ok] + 1))
        else
            ITERATION=$iter failure ws_failed "$(cat "$WORK/ws-$iter.out" 2>/dev/null | tail -1) (exit $rc)"
        fi
        rm -f "$WORK/ws-$iter.out"
    done
    HELD_WS=("${keep[@]}")
}

http_requests() {
    local host=$1 r code
    for r in $(seq 1 "$REQUESTS"); do
        code=$(curl -s -o "$WORK/body" -w '%{http_code}' --max-time 10 -H "Host: $host" \
            "http://127.0.0.1:$GANGWAY_HTTP_PORT/soak/$ITERATION/$r" 2>/dev/null || true)
        if [[ $code == 200 && $(cat "$WORK/body") == "$BODY" ]]; then
            COUNT[http_ok]=$((COUNT[http_ok] + 1))
        else
            failure http_failed "request $r answered $code: $(head -c 200 "$WORK/body" 2>/dev/null | tr '\n' ' ')"
        fi
    done
}

# Starts ws-check; in "close" mode waits for it; in "hold" mode waits until the messages went through and leaves it
# running (HELD_WS).
websockets() {
    local host=$1 mode=$2 out=$WORK/ws-$ITERATION.out
    ((WS_SOCKETS > 0)) || return 0
    NODE_PATH=$WS_NODE_PATH node "$BENCH_DIR/ws-check.js" "ws://127.0.0.1:$GANGWAY_HTTP_PORT/soak-ws" "$host" \
        "$WS_SOCKETS" "$WS_MESSAGES" "$mode" 60 >"$out" 2>&1 &
    local pid=$! rc=0
    STARTED_PIDS+=("$pid")
    if [[ $mode == close ]]; then
        wait "$pid" || rc=$?
        forget_pid "$pid"
        if ((rc == 0)); then
            COUNT[ws_ok]=$((COUNT[ws_ok] + 1))
            rm -f "$out"
        else
            failure ws_failed "$(tail -1 "$out") (exit $rc)"
        fi
        return 0
    fi
    local deadline=$((SECONDS + 15))
    until grep -q '^exchanged' "$out" 2>/dev/null; do
        if ! kill -0 "$pid" 2>/dev/null || ((SECONDS >= deadline)); then
            kill -KILL "$pid" 2>/dev/null || true
            reap "$pid"
            failure ws_failed "$(tail -1 "$out" 2>/dev/null) (no exchange within 15 s)"
            return 0
        fi
        sleep 0.05
    done
    HELD_WS+=("$pid:$ITERATION")
}

# Waits until the tunnel host answers 502 (no tunnel); prints how long it took, or "lingered".
wait_tunnel_gone() {
    local host=$1 start=$SECONDS code
    while ((SECONDS - start < TUNNEL_GONE_WAIT)); do
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Host: $host" "http://127.0.0.1:$GANGWAY_HTTP_PORT/" || true)
        [[ $code == 502 ]] && return 0
        sleep 0.1
    done
    failure tunnel_lingered "the tunnel $host still answered $code $TUNNEL_GONE_WAIT s after its client ended"
}

iteration() {
    ITERATION=$((ITERATION + 1))
    local label=soak-$ITERATION mode
    mode=$(end_mode "$ITERATION")
    start_ssh_client "$label" default -p "$GANGWAY_SSH_PORT" -R "/soak:127.0.0.1:$BACKEND_PORT" soak@127.0.0.1 hello
    local pid=$SSH_PID host
    host=$(hello_tunnel_host "$label" soak "$pid")
    reap_frozen
    if [[ -z $host ]]; then
        failure hello_failed "no tunnel URL in hello within 20 s: $(tail -2 "$WORK/ssh-$label.err" | tr '\n' ' ')"
        kill -KILL "$pid" 2>/dev/null || true
        reap "$pid"
        return 0
    fi
    TUNNEL_HOST=$host
    http_requests "$host"
    websockets "$host" "$([[ $((ITERATION % 2)) -eq 1 ]] && echo close || echo hold)"
    COUNT[$mode]=$((COUNT[$mode] + 1))
    case $mode in
        freeze)
            kill -STOP "$pid"
            FROZEN_PID=$pid
            ;;
        term | kill)
            kill "-${mode^^}" "$pid" 2>/dev/null || true
            reap "$pid"
            ;;
    esac
    # A frozen client's held WebSockets go only once the next client has taken the name over.
    [[ $mode == freeze ]] || check_held_ws false
    rm -f "$WORK/ssh-$label.out" "$WORK/ssh-$label.err"
    if [[ $mode != freeze ]] && ((SECONDS - LAST_SAMPLE >= SAMPLE_INTERVAL)); then
        wait_tunnel_gone "$host"
        check_held_ws true
        take_sample
    fi
}

# ---------------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------------
# Threads: the fewest seen after the cold sample. A server's first minute still has its start-up pools (~95 threads
# here, ~50 a minute later), so a sample taken then would make a lenient baseline.
thread_baseline() {
    awk 'NR >= 2 && $4 ~ /^[0-9]+$/ && (min == "" || $4 + 0 < min) {min = $4 + 0} END {print min}' "$SAMPLES"
}

verdict_line() {
    local what=$1 base=$2 final=$3 tolerance=$4 unit=$5
    awk -v w="$what" -v b="$base" -v f="$final" -v t="$tolerance" -v u="$unit" 'BEGIN {
        d = f - b; ok = (d <= t)
        printf "- %s: %s -> %s%s (%+g, tolerance +%s): %s\n", w, b, f, u, d, t, ok ? "ok" : "GROWTH"
        exit !ok }'
}

report() {
    local stopped=${1:-}
    local elapsed=$(($(date +%s) - START_EPOCH)) section verdict=ok
    local first warm last
    first=$(head -1 "$SAMPLES")
    # The first sample after warm-up (class loading, pools reaching their working size) is the baseline.
    warm=$(sed -n 2p "$SAMPLES")
    [[ -n $warm ]] || warm=$first
    last=$(tail -1 "$SAMPLES")
    local -a W L
    read -r -a W <<<"$warm"
    read -r -a L <<<"$last"
    local lines
    lines=$(
        verdict_line "heap after GC" "${W[2]}" "${L[2]}" "$HEAP_TOLERANCE_MB" " MB" || echo FAIL
        verdict_line "live threads (baseline: the fewest after warm-up)" "$(thread_baseline)" "${L[3]}" "$THREAD_TOLERANCE" "" || echo FAIL
        verdict_line "open file descriptors" "${W[4]}" "${L[4]}" "$FD_TOLERANCE" "" || echo FAIL
        verdict_line "registry entries (RegisteredTunnel)" 0 "${L[5]}" 0 "" || echo FAIL
        verdict_line "SSH sessions (TunnelSession)" 0 "${L[6]}" 0 "" || echo FAIL
        verdict_line "MINA sessions (ServerSessionImpl)" 0 "${L[7]}" 0 "" || echo FAIL
        # An I/O thread's stack can keep the last task it ran, and with it one ended splice, until its next task
        # (jhsdb revptrs found no heap reference to the one left over): a count, not a growth.
        verdict_line "upgraded streams (UpgradeSplice)" "${W[9]}" "${L[9]}" 2 "" || echo FAIL
    )
    grep -q '^FAIL$' <<<"$lines" && verdict=GROWTH
    local errors=$((COUNT[hello_failed] + COUNT[http_failed] + COUNT[ws_failed] + COUNT[ws_not_dropped] + COUNT[tunnel_lingered]))
    section=$(
        echo "## Soak of $(date -u '+%Y-%m-%d %H:%M UTC') (commit $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?'))${stopped:+ — incomplete}"
        echo
        echo "- Machine: $(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average at start $LOAD_AT_START, at end $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "- Gangway server JVM: ${GANGWAY_JVM:-?}; OpenSSH: $(ssh -V 2>&1)"
        echo "- Settings: ${DURATION} s of reconnecting; per iteration $REQUESTS HTTP requests and $WS_SOCKETS WebSockets x $WS_MESSAGES messages (closed by the visitor on odd iterations, left open on even ones); clients ended by SIGKILL, one in ${TERM_EVERY} by SIGTERM, one in ${FREEZE_EVERY} frozen (SIGSTOP) and taken over by the next; ${PAUSE} s between clients; a sample every ${SAMPLE_INTERVAL} s"
        [[ -z $NOTE ]] || echo "- Note: $NOTE"
        [[ -z $stopped ]] || echo "- **Stopped early**: $stopped"
        echo "- Iterations: $ITERATION in ${elapsed} s (ended: ${COUNT[kill]} SIGKILL, ${COUNT[term]} SIGTERM, ${COUNT[freeze]} frozen and taken over)"
        echo "- Traffic: ${COUNT[http_ok]} HTTP requests answered correctly, ${COUNT[http_failed]} not; ${COUNT[ws_ok]} WebSocket checks passed, ${COUNT[ws_failed]} failed, ${COUNT[ws_not_dropped]} held sockets not closed after their tunnel went; ${COUNT[hello_failed]} hello failures; ${COUNT[tunnel_lingered]} tunnels still answering ${TUNNEL_GONE_WAIT} s after their client ended"
        local f
        for f in "${FIRST_FAILURES[@]}"; do echo "  - $f"; done
        echo
        echo "| t (s) | iterations | heap after GC (MB) | threads | fds | RegisteredTunnel | TunnelSession | ServerSessionImpl | TunnelManagedConnection | UpgradeSplice |"
        echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        awk '{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}' "$SAMPLES"
        echo
        echo "Verdict, final sample against the first after warm-up (t = ${W[0]} s; the t = ${first%% *} s sample is the cold server before any client):"
        grep -v '^FAIL$' <<<"$lines"
        echo "- Overall: $([[ $verdict == ok ]] && echo "no growth beyond the tolerances" || echo "GROWTH beyond the tolerances"); $([[ $errors -eq 0 ]] && echo "no errors" || echo "$errors errors (listed above)")"
        echo "- TunnelManagedConnection instances are pooled slots; the pool keeps idle ones up to its idle timeout (1 min), so they are shown, not judged."
    )
    echo
    echo "$section"
    if [[ -n $RESULTS_FILE ]]; then
        printf '\n%s\n' "$section" >>"$RESULTS_FILE"
        log "appended to $RESULTS_FILE"
    fi
    [[ $verdict == ok && $errors -eq 0 ]]
}

# ---------------------------------------------------------------------------------------------------------------
main() {
    local tool
    for tool in java jcmd ssh ssh-keygen curl openssl ss; do
        command -v "$tool" >/dev/null || die "$tool is needed (see the header of $0)"
    done
    require_gangway_build || die "build first (mvn -o -q -DskipTests package): missing $GANGWAY_SERVER or $GANGWAY_EAR"
    WORK=$(mktemp -d /tmp/gangway-soak.XXXXXX)
    SAMPLES=$WORK/samples
    log "work dir $WORK; ${DURATION} s of reconnecting, a sample every ${SAMPLE_INTERVAL} s"
    raise_fd_limit 4096
    install_ws_module
    start_ws_echo "$BACKEND_PORT"
    make_client_key
    start_gangway
    # jcmd attaches as the server's user; so does /proc/<pid>/fd.
    jcmd_of_the_server
    "$JCMD" "$GANGWAY_PID" VM.version >/dev/null 2>&1 || die "jcmd cannot attach to the server (pid $GANGWAY_PID): run as the user that runs it"
    take_sample

    local deadline=$((SECONDS + DURATION))
    while ((SECONDS < deadline)); do
        iteration
        sleep "$PAUSE"
    done

    log "done reconnecting after $ITERATION iterations; ending the last client and sampling once everything has ended"
    reap_frozen
    check_held_ws true
    [[ -n ${TUNNEL_HOST:-} ]] && wait_tunnel_gone "$TUNNEL_HOST"
    take_sample
    # Thread pools grow for a burst and shrink after their keep-alive (XNIO's workers: 60 s); a final sample that
    # catches a burst is taken again, up to a minute, before more threads count as growth.
    local baseline tries=0
    baseline=$(thread_baseline)
    while ((tries < 4)) && [[ -n $baseline ]] &&
        (($(tail -1 "$SAMPLES" | awk '{print $4}') > baseline + THREAD_TOLERANCE)); do
        tries=$((tries + 1))
        log "more threads than at the warm sample; sampling again in 15 s ($tries/4)"
        sleep 15
        take_sample
    done
    report
}

main "$@"; exit $?

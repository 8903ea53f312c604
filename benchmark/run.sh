#!/usr/bin/env bash
# Gangway benchmark: one command, everything on loopback, bounded in time.
#
# Compares three routes to the same nginx backend, in the same run:
#   direct          wrk -> backend
#   openssh+nginx   wrk -> nginx (keepalive upstream) -> sshd -R forwarded port -> ssh client -> backend
#   gangway         wrk -> WildFly/Gangway HTTP -> SSH channel -> stock ssh -R client -> backend
# Both SSH routes run once per cipher in BENCH_CIPHERS: by default twice, with the stock client's default cipher
# and with both clients on aes128-gcm@openssh.com.
#
# Usage: sudo benchmark/run.sh            (root: it installs nginx/openssh-server/wrk when missing, runs sshd)
# Settings (environment):
#   BENCH_DURATION=10     seconds per measured wrk run
#   BENCH_RUNS=3          measured runs per figure; the figure is their median
#   BENCH_WARMUP=5        seconds of unmeasured load per route and load before measuring (JIT, connection pools)
#   BENCH_JVM_WARMUP=30   seconds of unmeasured load once after the Gangway server starts, before its first pass: a
#                         JVM compiles its hot path with C2 only after minutes of work on 2 busy cores, and a
#                         long-running server is warm; the native routes need none
#   BENCH_ROUTES="direct openssh gangway"   which routes to run
#   BENCH_CIPHERS="default aes128-gcm@openssh.com"   one pass of both SSH routes per entry ("default" = no -c)
#   BENCH_RESULTS=<repo>/benchmark/RESULTS.md   where the dated section is appended ("" = do not write)
#   GANGWAY_SERVER=<repo>/wildfly-config/target/server   configured server to copy
#   GANGWAY_EAR=<repo>/proxy-ear/target/proxy-ear.ear   application to deploy
#   GANGWAY_CONFIG=<repo>/wildfly-config/target/pristine-configuration/standalone.xml   configuration as built
#                         (used when present: the server dir's own may hold a deployment `wildfly:run` persisted)
#   GANGWAY_JAVA_HOME     JDK the Gangway server runs on (default: what standalone.sh finds: JAVA_HOME or PATH)
#   GANGWAY_JAVA_SIZING   heap flags for the server (WildFly's JBOSS_JAVA_SIZING, e.g. "-Xms1g -Xmx1g");
#                         default: the server's standalone.conf
#   BENCH_BACKEND_PORT=18480 BENCH_FRONT_PORT=18481 BENCH_FORWARD_PORT=18482 BENCH_SSHD_PORT=18422
# Gangway's ports are fixed by the brief: offset 500 -> HTTP 8580, management 10490; SSH 2722.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/.." && pwd)

DURATION=${BENCH_DURATION:-10}
RUNS=${BENCH_RUNS:-3}
WARMUP=${BENCH_WARMUP:-5}
JVM_WARMUP=${BENCH_JVM_WARMUP:-30}
ROUTES=${BENCH_ROUTES:-direct openssh gangway}
RESULTS_FILE=${BENCH_RESULTS-$BENCH_DIR/RESULTS.md}
GANGWAY_SERVER=${GANGWAY_SERVER:-$REPO_DIR/wildfly-config/target/server}
GANGWAY_EAR=${GANGWAY_EAR:-$REPO_DIR/proxy-ear/target/proxy-ear.ear}
GANGWAY_CONFIG=${GANGWAY_CONFIG:-$REPO_DIR/wildfly-config/target/pristine-configuration/standalone.xml}

BACKEND_PORT=${BENCH_BACKEND_PORT:-18480}
FRONT_PORT=${BENCH_FRONT_PORT:-18481}
FORWARD_PORT=${BENCH_FORWARD_PORT:-18482}
SSHD_PORT=${BENCH_SSHD_PORT:-18422}
GANGWAY_OFFSET=500
GANGWAY_HTTP_PORT=$((8080 + GANGWAY_OFFSET))
GANGWAY_MGMT_PORT=$((9990 + GANGWAY_OFFSET))
GANGWAY_SSH_PORT=2722

SMALL_SIZE=100
BIG_SIZE=$((4 * 1024 * 1024))
WRK_THREADS=2
WRK_TIMEOUT=30s
# One pass of both SSH routes per cipher. "default": the stock client's choice, as a team would run it; a named
# cipher puts both clients on it, so that the comparison is about the proxies.
read -r -a CIPHERS <<<"${BENCH_CIPHERS:-default aes128-gcm@openssh.com}"

START_EPOCH=$(date +%s)
# Other work on the machine skews every figure; the section records how busy it was.
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)
WORK=""
# PIDs of what this script started, stopped in reverse order on exit.
STARTED_PIDS=()
GANGWAY_STARTED=false

log() { printf '%s [bench] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
# Once a route has been measured, a later failure still reports (and records) what was measured, naming the
# failure, then exits non-zero. Only the main shell reports: die also runs inside $(...) subshells.
REPORT_ON_DIE=false
die() {
    log "ERROR: $*"
    if [[ $REPORT_ON_DIE == true && $BASHPID == "$$" ]]; then
        REPORT_ON_DIE=false
        SKIPPED="${SKIPPED:+$SKIPPED; }the run stopped early: $*"
        report
    fi
    exit 1
}

# ---------------------------------------------------------------------------------------------------------------
# Cleanup: everything this script started, and nothing else (by PID, never by name).
# ---------------------------------------------------------------------------------------------------------------
stop_pid() {
    local pid=$1 i
    kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    log "process $pid ignored SIGTERM for 5 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

stop_gangway() {
    [[ $GANGWAY_STARTED == true ]] || return 0
    GANGWAY_STARTED=false
    local pid=""
    [[ -f $WORK/gangway.pid ]] && pid=$(cat "$WORK/gangway.pid")
    log "stopping the Gangway server (management port $GANGWAY_MGMT_PORT)"
    timeout 30 "$WORK/gangway-server/bin/jboss-cli.sh" --controller=localhost:$GANGWAY_MGMT_PORT -c \
        --command=:shutdown >/dev/null 2>&1 || true
    if [[ -n $pid ]]; then
        local i
        for i in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.2
        done
        stop_pid "$pid"
    fi
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    stop_gangway
    local i
    for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
        stop_pid "${STARTED_PIDS[i]}"
    done
    if [[ -n $WORK && -d $WORK ]]; then
        if [[ $rc -ne 0 ]]; then
            log "logs kept in $WORK (exit status $rc)"
        else
            rm -rf "$WORK"
        fi
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------------------------------------------
# Tools
# ---------------------------------------------------------------------------------------------------------------
install_tools() {
    local missing=()
    [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
    [[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v ssh >/dev/null || missing+=(openssh-client)
    command -v curl >/dev/null || missing+=(curl)
    [[ ${#missing[@]} -eq 0 ]] && return 0
    log "installing ${missing[*]}"
    # Installing nginx or openssh-server would start the system-wide services (ports 80 and 22); a
    # policy-rc.d that says "no" keeps the install from starting anything. Only while we install, only if absent.
    local policy=/usr/sbin/policy-rc.d own_policy=false
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=true
    fi
    local rc=0
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"; } >&2 || rc=$?
    [[ $own_policy == true ]] && rm -f "$policy"
    [[ $rc -eq 0 ]] || die "apt-get install ${missing[*]} failed (status $rc); install them by hand and rerun"
}

# Refuses to start on a port someone else holds: never disturb other servers on this machine.
require_free_port() {
    local port=$1 what=$2
    if ss -Hltn "sport = :$port" | grep -q .; then
        die "port $port ($what) is already in use; stop what holds it or choose another port (see the header of $0)"
    fi
}

wait_for_http() {
    local url=$1 what=$2 seconds=$3 host=${4:-}
    local deadline=$((SECONDS + seconds))
    local args=(-s -o /dev/null -w '%{http_code}' --max-time 5)
    [[ -n $host ]] && args+=(-H "Host: $host")
    while ((SECONDS < deadline)); do
        [[ $(curl "${args[@]}" "$url" 2>/dev/null || true) == 200 ]] && return 0
        sleep 0.3
    done
    die "$what did not answer 200 at $url within ${seconds}s"
}

# A route that is fast because it mangles or truncates bodies is not fast: compare the big file byte for byte once.
check_body() {
    local url=$1 what=$2 host=${3:-}
    local args=(-s --max-time 60 -o "$WORK/check.bin")
    [[ -n $host ]] && args+=(-H "Host: $host")
    curl "${args[@]}" "$url/big.bin" || die "$what: fetching big.bin failed"
    cmp -s "$WORK/check.bin" "$WORK/www/big.bin" || die "$what returned a different big.bin than the backend serves"
    rm -f "$WORK/check.bin"
}

# ---------------------------------------------------------------------------------------------------------------
# Backend and front nginx instances: each with its own prefix, config, pid and logs in the work dir.
# ---------------------------------------------------------------------------------------------------------------
start_nginx() {
    local name=$1 server_block=$2
    local dir=$WORK/nginx-$name
    mkdir -p "$dir/logs" "$dir/tmp"
    cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 120s;
    # wrk keeps its connections for the whole run; do not close them after nginx's default 1000 requests.
    keepalive_requests 10000000;
    client_body_temp_path $dir/tmp/client;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
$server_block
}
EOF
    /usr/sbin/nginx -t -q -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' 2>"$dir/logs/test.log" ||
        die "nginx ($name) rejected its configuration: $(cat "$dir/logs/test.log")"
    /usr/sbin/nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/logs/stdout.log" 2>&1 &
    STARTED_PIDS+=($!)
}

start_backend() {
    local root=$WORK/www
    mkdir -p "$root"
    head -c "$SMALL_SIZE" /dev/urandom >"$root/small.bin"
    head -c "$BIG_SIZE" /dev/urandom >"$root/big.bin"
    require_free_port "$BACKEND_PORT" "backend nginx"
    start_nginx backend "    server {
        listen 127.0.0.1:$BACKEND_PORT;
        root $root;
        open_file_cache max=16;
    }"
    wait_for_http "http://127.0.0.1:$BACKEND_PORT/small.bin" "backend nginx" 10
    log "backend nginx on 127.0.0.1:$BACKEND_PORT (small.bin $SMALL_SIZE B, big.bin $BIG_SIZE B)"
}

# ---------------------------------------------------------------------------------------------------------------
# SSH clients (stock OpenSSH, compiled-in defaults: -F none ignores any ssh_config that could change ciphers)
# ---------------------------------------------------------------------------------------------------------------
make_client_key() {
    ssh-keygen -q -t ed25519 -N '' -C gangway-bench -f "$WORK/client_key"
}

# Starts "ssh -v <args>" in the background, logs in $WORK/ssh-<label>.{out,err}; sets SSH_PID.
start_ssh_client() {
    local label=$1 cipher=$2
    shift 2
    local opts=(-v -F none -i "$WORK/client_key" -o IdentitiesOnly=yes -o BatchMode=yes
        -o StrictHostKeyChecking=no -o UserKnownHostsFile="$WORK/known_hosts"
        -o ExitOnForwardFailure=yes -o ServerAliveInterval=15)
    [[ $cipher == default ]] || opts+=(-c "$cipher")
    ssh "${opts[@]}" "$@" </dev/null >"$WORK/ssh-$label.out" 2>"$WORK/ssh-$label.err" &
    SSH_PID=$!
    STARTED_PIDS+=("$SSH_PID")
}

# The cipher (and MAC, unless the cipher is an AEAD one) the connection negotiated, as ssh -v reports it.
negotiated_cipher() {
    local label=$1 deadline=$((SECONDS + 20)) c=""
    while ((SECONDS < deadline)); do
        c=$(sed -n 's/.*kex: server->client cipher: \([^ ]*\) MAC: \([^ ]*\).*/\1 + \2/p' "$WORK/ssh-$label.err" |
            sed 's/ + <implicit>$//' | head -1)
        [[ -n $c ]] && break
        sleep 0.2
    done
    echo "${c:-unknown}"
}

# ---------------------------------------------------------------------------------------------------------------
# Route 2: a throwaway sshd, ssh -R to it, nginx in front with keepalive upstream connections
# ---------------------------------------------------------------------------------------------------------------
start_sshd() {
    local dir=$WORK/sshd
    mkdir -p "$dir"
    ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
    cp "$WORK/client_key.pub" "$dir/authorized_keys"
    cat >"$dir/sshd_config" <<EOF
Port $SSHD_PORT
ListenAddress 127.0.0.1
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
AllowUsers $(id -un)
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
StrictModes no
AllowTcpForwarding yes
GatewayPorts no
X11Forwarding no
PermitTTY no
EOF
    # Debian's sshd refuses to start without its privilege separation directory.
    mkdir -p /run/sshd
    chmod 0755 /run/sshd
    /usr/sbin/sshd -t -f "$dir/sshd_config" 2>"$dir/test.log" || die "sshd rejected its config: $(cat "$dir/test.log")"
    require_free_port "$SSHD_PORT" "throwaway sshd"
    /usr/sbin/sshd -f "$dir/sshd_config" -D -e 2>"$dir/sshd.log" &
    STARTED_PIDS+=($!)
    local deadline=$((SECONDS + 10))
    until ss -Hltn "sport = :$SSHD_PORT" | grep -q .; do
        ((SECONDS < deadline)) || die "sshd did not listen on $SSHD_PORT: $(cat "$dir/sshd.log")"
        sleep 0.1
    done
    log "throwaway sshd on 127.0.0.1:$SSHD_PORT ($(/usr/sbin/sshd -V 2>&1 | head -1 || true))"
}

start_front_nginx() {
    require_free_port "$FRONT_PORT" "front nginx"
    start_nginx front "    upstream tunnel {
        server 127.0.0.1:$FORWARD_PORT;
        keepalive 64;
        keepalive_requests 10000000;
    }
    server {
        listen 127.0.0.1:$FRONT_PORT;
        location / {
            proxy_pass http://tunnel;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
        }
    }"
}

# Sets ROUTE_CIPHER. The tunnel: 127.0.0.1:FORWARD_PORT on the sshd side -> backend.
start_openssh_tunnel() {
    local label=$1 cipher=$2
    require_free_port "$FORWARD_PORT" "ssh -R forwarded port"
    start_ssh_client "$label" "$cipher" -N -p "$SSHD_PORT" \
        -R "127.0.0.1:$FORWARD_PORT:127.0.0.1:$BACKEND_PORT" "$(id -un)@127.0.0.1"
    wait_for_http "http://127.0.0.1:$FORWARD_PORT/small.bin" "the ssh -R forwarded port (log: $WORK/ssh-$label.err)" 20
    wait_for_http "http://127.0.0.1:$FRONT_PORT/small.bin" "front nginx" 10
    check_body "http://127.0.0.1:$FRONT_PORT" "OpenSSH+nginx"
    ROUTE_CIPHER=$(negotiated_cipher "$label")
}

stop_ssh_client() {
    stop_pid "$SSH_PID"
    # sshd releases the forwarded port when the session ends; wait for it so the next pass can bind it again.
    local deadline=$((SECONDS + 10))
    while ss -Hltn "sport = :$FORWARD_PORT" | grep -q . && ((SECONDS < deadline)); do sleep 0.1; done
}

# ---------------------------------------------------------------------------------------------------------------
# Route 3: Gangway (a copy of the configured WildFly server with the EAR deployed), stock ssh -R to it
# ---------------------------------------------------------------------------------------------------------------
gangway_java() {
    if [[ -n ${GANGWAY_JAVA_HOME:-} ]]; then echo "$GANGWAY_JAVA_HOME/bin/java"
    elif [[ -n ${JAVA_HOME:-} ]]; then echo "$JAVA_HOME/bin/java"
    else command -v java; fi
}

cli() {
    "$WORK/gangway-server/bin/jboss-cli.sh" --controller=localhost:$GANGWAY_MGMT_PORT -c --commands="$1" 2>>"$WORK/cli.log"
}

start_gangway() {
    local p
    for p in $GANGWAY_HTTP_PORT $GANGWAY_MGMT_PORT $GANGWAY_SSH_PORT $((8443 + GANGWAY_OFFSET)); do
        require_free_port "$p" "Gangway server (offset $GANGWAY_OFFSET)"
    done
    log "copying the configured server to $WORK/gangway-server"
    cp -a "$GANGWAY_SERVER" "$WORK/gangway-server"
    # Start as built: the server dir may have been run (`mvn wildfly:run`), leaving a persisted deployment, a
    # host key, logs and deployment markers behind. None of that belongs to this run.
    local base=$WORK/gangway-server/standalone
    rm -rf "$base/data" "$base/log" "$base/tmp" "$base/configuration/standalone_xml_history"
    find "$base/deployments" -mindepth 1 ! -name README.txt -exec rm -rf {} +
    if [[ -f $GANGWAY_CONFIG ]]; then
        cp "$GANGWAY_CONFIG" "$base/configuration/standalone.xml"
    elif grep -q '<deployment name=' "$base/configuration/standalone.xml"; then
        die "$GANGWAY_SERVER's standalone.xml holds a persisted deployment and no pristine copy was found at $GANGWAY_CONFIG; rebuild wildfly-config"
    fi
    # Always under this name: the resource adapter's configuration points at "proxy-ear.ear#ssh-connector.rar".
    cp "$GANGWAY_EAR" "$base/deployments/proxy-ear.ear"
    local env=(JBOSS_PIDFILE="$WORK/gangway.pid" LAUNCH_JBOSS_IN_BACKGROUND=1)
    [[ -n ${GANGWAY_JAVA_HOME:-} ]] && env+=(JAVA_HOME="$GANGWAY_JAVA_HOME")
    [[ -n ${GANGWAY_JAVA_SIZING:-} ]] && env+=(JBOSS_JAVA_SIZING="$GANGWAY_JAVA_SIZING")
    log "starting Gangway (HTTP $GANGWAY_HTTP_PORT, SSH $GANGWAY_SSH_PORT, management $GANGWAY_MGMT_PORT)"
    env "${env[@]}" "$WORK/gangway-server/bin/standalone.sh" \
        -Djboss.socket.binding.port-offset=$GANGWAY_OFFSET \
        -Dgangway.ssh.port=$GANGWAY_SSH_PORT -Dgangway.ssh.bind-address=127.0.0.1 \
        -Dgangway.base-url=http://localhost:$GANGWAY_HTTP_PORT \
        >"$WORK/gangway-console.log" 2>&1 &
    STARTED_PIDS+=($!)
    GANGWAY_STARTED=true
    local deployments=$WORK/gangway-server/standalone/deployments deadline=$((SECONDS + 240))
    while [[ ! -e $deployments/proxy-ear.ear.deployed ]]; do
        [[ -e $deployments/proxy-ear.ear.failed ]] &&
            die "the EAR failed to deploy: $(tr '\n' ' ' <"$deployments/proxy-ear.ear.failed" | cut -c1-300) (server log: $WORK/gangway-server/standalone/log/server.log)"
        ((SECONDS < deadline)) || die "the EAR was not deployed within 240 s (log: $WORK/gangway-console.log)"
        sleep 0.5
    done
    local deadline2=$((SECONDS + 30))
    until ss -Hltn "sport = :$GANGWAY_SSH_PORT" | grep -q .; do
        ((SECONDS < deadline2)) || die "Gangway's SSH server did not listen on $GANGWAY_SSH_PORT (log: $WORK/gangway-server/standalone/log/server.log)"
        sleep 0.2
    done
    GANGWAY_JVM=$(gangway_jvm_description)
    log "Gangway up: $GANGWAY_JVM"
}

# "java.vm.version (vendor), heap max N MB (flags)": from the running server, so it is what was measured.
gangway_jvm_description() {
    local out vm heap pid flags=""
    out=$(cli '/core-service=platform-mbean/type=runtime:read-attribute(name=vm-vendor),/core-service=platform-mbean/type=runtime:read-attribute(name=vm-version),/core-service=platform-mbean/type=memory:read-attribute(name=heap-memory-usage)' || true)
    vm=$(sed -n 's/^ *"result" => "\(.*\)"$/\1/p' <<<"$out" | paste -sd' ' -)
    heap=$(sed -n 's/.*"max" => \([0-9]*\)L.*/\1/p' <<<"$out")
    pid=$(cat "$WORK/gangway.pid" 2>/dev/null || true)
    [[ -n $pid ]] && flags=$(ps -o args= -p "$pid" | tr ' ' '\n' | grep -E '^-Xm[sx]|^-XX:\+Use.*GC' | tr '\n' ' ' || true)
    printf 'Java %s, max heap %s MB (%s)' "${vm:-?}" "$(( ${heap:-0} / 1024 / 1024 ))" "${flags% }"
}

# PROTOCOL.md: clientId = first 8 chars, lowercased, of base64url(SHA-1(public key blob)) without '_' and '-';
# a clean short name keeps itself: key "<name>-<clientId>". A cross-check of what hello answers.
expected_tunnel_label() {
    local name=$1 id
    id=$(awk '{print $2}' "$WORK/client_key.pub" | base64 -d | openssl dgst -sha1 -binary | base64 |
        tr '+/' '-_' | tr -d '=_-' | cut -c1-8 | tr '[:upper:]' '[:lower:]')
    echo "$name-$id"
}

# The tunnel's host: from the hello JSON the same ssh prints (the connection holds the tunnel, so the exec
# channel stays open); sets GANGWAY_HOST and ROUTE_CIPHER.
start_gangway_tunnel() {
    local label=$1 cipher=$2
    start_ssh_client "$label" "$cipher" -p "$GANGWAY_SSH_PORT" \
        -R "/bench:127.0.0.1:$BACKEND_PORT" "bench@127.0.0.1" hello
    local deadline=$((SECONDS + 20)) url=""
    while ((SECONDS < deadline)); do
        url=$(grep -o '"tunnels":{[^}]*}' "$WORK/ssh-$label.out" 2>/dev/null | grep -o '"http[^"]*"' | tr -d '"' | head -1 || true)
        [[ -n $url ]] && break
        kill -0 "$SSH_PID" 2>/dev/null || die "ssh to Gangway exited: $(tail -5 "$WORK/ssh-$label.err")"
        sleep 0.2
    done
    [[ -n $url ]] || die "no tunnel URL in Gangway's hello answer within 20 s: $(cat "$WORK/ssh-$label.out")"
    GANGWAY_HOST=$(sed -E 's#^[a-z]+://##; s#/.*$##' <<<"$url")
    local expected
    expected="$(expected_tunnel_label bench).localhost:$GANGWAY_HTTP_PORT"
    [[ $GANGWAY_HOST == "$expected" ]] ||
        log "WARNING: Gangway named the tunnel host $GANGWAY_HOST; PROTOCOL.md's rules give $expected (measuring $GANGWAY_HOST)"
    wait_for_http "http://127.0.0.1:$GANGWAY_HTTP_PORT/small.bin" "Gangway tunnel $GANGWAY_HOST" 20 "$GANGWAY_HOST"
    check_body "http://127.0.0.1:$GANGWAY_HTTP_PORT" "Gangway" "$GANGWAY_HOST"
    ROUTE_CIPHER=$(negotiated_cipher "$label")
}

# ---------------------------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------------------------
# wrk's Lua hook prints exact figures (microseconds, bytes) on one line instead of wrk's rounded human units.
write_wrk_script() {
    cat >"$WORK/report.lua" <<'EOF'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d bytes=%d duration_us=%d p50_us=%d p99_us=%d errors=%d status_errors=%d\n",
    summary.requests, summary.bytes, summary.duration,
    latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
EOF
}

# Runs wrk once; prints "requests bytes duration_us p50_us p99_us errors status_errors".
wrk_once() {
    local url=$1 host=$2 conns=$3 seconds=$4 threads=$WRK_THREADS
    ((conns < threads)) && threads=$conns
    local args=(-t"$threads" -c"$conns" -d"${seconds}s" --timeout "$WRK_TIMEOUT" --latency -s "$WORK/report.lua")
    [[ -n $host ]] && args+=(-H "Host: $host")
    local out
    out=$(wrk "${args[@]}" "$url" 2>&1) || die "wrk failed: $out"
    echo "$out" >>"$WORK/wrk.log"
    sed -n 's/^BENCH requests=\([0-9]*\) bytes=\([0-9]*\) duration_us=\([0-9]*\) p50_us=\([0-9]*\) p99_us=\([0-9]*\) errors=\([0-9]*\) status_errors=\([0-9]*\)$/\1 \2 \3 \4 \5 \6 \7/p' <<<"$out"
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# Results, keyed "<route>:<metric>".
declare -A R
ROUTE_ORDER=()

# One load on one route: warm-up, then RUNS measured runs; stores the medians.
measure() {
    local route=$1 url_base=$2 host=$3 load=$4
    local path conns
    case $load in
        small16) path=/small.bin conns=16 ;;
        big16) path=/big.bin conns=16 ;;
        small1) path=/small.bin conns=1 ;;
    esac
    local min_bytes=$SMALL_SIZE
    [[ $load == big16 ]] && min_bytes=$BIG_SIZE
    if ((WARMUP > 0)); then
        wrk_once "$url_base$path" "$host" "$conns" "$WARMUP" >/dev/null || die "wrk failed on $route $load warm-up"
    fi
    local rps=() mbs=() p50=() p99=() i line bad=""
    for i in $(seq 1 "$RUNS"); do
        line=$(wrk_once "$url_base$path" "$host" "$conns" "$DURATION") || die "wrk failed on $route $load (see $WORK/wrk.log)"
        [[ -n $line ]] || die "no figures from wrk for $route $load (see $WORK/wrk.log)"
        local req bytes dur l50 l99 errs serrs
        read -r req bytes dur l50 l99 errs serrs <<<"$line"
        # A fast route that answers errors is not fast: flag runs with errors or short bodies.
        if ((errs > 0 || serrs > 0)); then bad="socket errors or non-2xx "; fi
        # wrk counts every byte read, finished responses or not, so MB/s stands even when few responses finish.
        if ((req == 0)); then bad+="no response completed "; elif ((bytes / req < min_bytes)); then bad+="short bodies "; fi
        rps+=("$(awk -v r="$req" -v d="$dur" 'BEGIN {printf "%.1f", r / (d / 1e6)}')")
        mbs+=("$(awk -v b="$bytes" -v d="$dur" 'BEGIN {printf "%.1f", b / (d / 1e6) / 1e6}')")
        p50+=("$(awk -v u="$l50" 'BEGIN {printf "%.3f", u / 1000}')")
        p99+=("$(awk -v u="$l99" 'BEGIN {printf "%.3f", u / 1000}')")
        log "  $route $load run $i: ${rps[-1]} req/s, ${mbs[-1]} MB/s, p50 ${p50[-1]} ms, p99 ${p99[-1]} ms, errors $errs, non-2xx $serrs"
    done
    R[$route:$load:rps]=$(median "${rps[@]}")
    R[$route:$load:mbs]=$(median "${mbs[@]}")
    R[$route:$load:p50]=$(median "${p50[@]}")
    R[$route:$load:p99]=$(median "${p99[@]}")
    [[ -n $bad ]] && R[$route:flag]="${R[$route:flag]:+${R[$route:flag]}; }$load: ${bad% }"
    return 0
}

measure_route() {
    local route=$1 label=$2 url_base=$3 host=${4:-}
    ROUTE_ORDER+=("$route")
    R[$route:label]=$label
    REPORT_ON_DIE=true
    log "measuring $label"
    local load
    for load in small16 big16 small1; do
        measure "$route" "$url_base" "$host" "$load"
    done
}

# ---------------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------------
machine_description() {
    local cpu mem
    cpu=$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1)
    mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1024 / 1024}' /proc/meminfo)
    echo "- CPU: ${cpu:-unknown}, $(nproc) cores (shared by wrk, nginx, sshd/ssh and the JVM: nothing pinned)"
    echo "- RAM: $mem; kernel $(uname -r); $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")"
    echo "- Java on PATH: $(java -version 2>&1 | head -1)"
    echo "- Gangway server JVM: ${GANGWAY_JVM:-not run}"
    echo "- OpenSSH: $(ssh -V 2>&1); nginx: $(/usr/sbin/nginx -v 2>&1 | sed 's/^nginx version: //'); wrk: $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')"
    echo "- Load average (1/5/15 min) at start: $LOAD_AT_START; at end: $(cut -d' ' -f1-3 /proc/loadavg)"
    if awk -v l="${LOAD_AT_START%% *}" -v n="$(nproc)" 'BEGIN {exit !(l > n / 2)}'; then
        echo "- **Busy machine**: the machine was not idle when this run started (1-min load ${LOAD_AT_START%% *} on $(nproc) cores); compare routes within this section only, not its absolute figures with quiet runs"
    fi
    echo "- Settings: ${RUNS} runs x ${DURATION} s per figure (median), ${WARMUP} s warm-up per load (and ${JVM_WARMUP} s once for the Gangway JVM), wrk ${WRK_THREADS} threads (1 for 1 connection), bodies ${SMALL_SIZE} B and ${BIG_SIZE} B"
}

fmt() { [[ -n ${1:-} ]] && echo "$1" || echo "-"; }

results_table() {
    echo "| Route | SSH cipher | 100 B, 16 conn (req/s) | 4 MiB, 16 conn (MB/s) | 100 B, 1 conn p50 (ms) | p99 (ms) | Notes |"
    echo "|---|---|---:|---:|---:|---:|---|"
    local r
    for r in "${ROUTE_ORDER[@]}"; do
        printf '| %s | %s | %s | %s | %s | %s | %s |\n' "${R[$r:label]}" "$(fmt "${R[$r:cipher]:-}")" \
            "$(fmt "${R[$r:small16:rps]:-}")" "$(fmt "${R[$r:big16:mbs]:-}")" \
            "$(fmt "${R[$r:small1:p50]:-}")" "$(fmt "${R[$r:small1:p99]:-}")" "${R[$r:flag]:-}"
    done
}

ratio_line() {
    local g=$1 o=$2 a b
    [[ -n ${R[$g:small16:rps]:-} && -n ${R[$o:small16:rps]:-} ]] || return 0
    a=$(awk -v x="${R[$g:small16:rps]}" -v y="${R[$o:small16:rps]}" 'BEGIN {printf "%.2f", x / y}')
    b=$(awk -v x="${R[$g:big16:mbs]}" -v y="${R[$o:big16:mbs]}" 'BEGIN {printf "%.2f", x / y}')
    local ok_a ok_b
    ok_a=$(awk -v r="$a" 'BEGIN {print (r >= 1) ? "met" : "NOT met"}')
    ok_b=$(awk -v r="$b" 'BEGIN {print (r >= 1) ? "met" : "NOT met"}')
    echo "- ${R[$g:label]} / ${R[$o:label]}: 100 B req/s x$a (target >= 1: $ok_a); 4 MiB MB/s x$b (target >= 1: $ok_b)"
}

latency_line() {
    local g=$1 d=direct diff
    [[ -n ${R[$g:small1:p50]:-} && -n ${R[$d:small1:p50]:-} ]] || return 0
    diff=$(awk -v x="${R[$g:small1:p50]}" -v y="${R[$d:small1:p50]}" 'BEGIN {printf "%.3f", x - y}')
    echo "- ${R[$g:label]}: 1-connection median latency direct +$diff ms (target <= 1 ms: $(awk -v d="$diff" 'BEGIN {print (d <= 1) ? "met" : "NOT met"}'))"
}

report() {
    [[ ${#ROUTE_ORDER[@]} -gt 0 ]] || return 0
    local elapsed=$(($(date +%s) - START_EPOCH))
    local section
    section=$(
        echo "## Run of $(date -u '+%Y-%m-%d %H:%M UTC') (commit $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?'))${SKIPPED:+ — incomplete}"
        echo
        machine_description
        echo
        results_table
        echo
        echo "Ratios (same run):"
        local c
        for c in "${CIPHERS[@]}"; do ratio_line "gangway-$c" "openssh-$c"; done
        for c in "${CIPHERS[@]}"; do latency_line "gangway-$c"; done
        [[ -n ${SKIPPED:-} ]] && echo "- Not run: $SKIPPED"
        echo
        echo "Total runtime: ${elapsed} s."
    )
    echo
    echo "$section"
    if [[ -n $RESULTS_FILE ]]; then
        printf '\n%s\n' "$section" >>"$RESULTS_FILE"
        log "appended to $RESULTS_FILE"
    fi
}

pass_label() { [[ $1 == default ]] && echo "default cipher" || echo "-c ${1%@openssh.com}"; }

# ---------------------------------------------------------------------------------------------------------------
main() {
    [[ $(id -u) -eq 0 ]] || die "run as root: it installs packages when missing and runs a throwaway sshd"
    install_tools
    WORK=$(mktemp -d /tmp/gangway-bench.XXXXXX)
    # nginx workers run as an unprivileged user and must reach the served files and their temp dirs.
    chmod 0755 "$WORK"
    log "work dir $WORK; $RUNS x ${DURATION}s per figure, routes: $ROUTES"
    write_wrk_script
    make_client_key
    start_backend
    SKIPPED=""

    if [[ " $ROUTES " == *" direct "* ]]; then
        check_body "http://127.0.0.1:$BACKEND_PORT" "backend"
        measure_route direct "direct" "http://127.0.0.1:$BACKEND_PORT"
    fi

    if [[ " $ROUTES " == *" openssh "* ]]; then
        start_sshd
        start_front_nginx
        local cipher
        for cipher in "${CIPHERS[@]}"; do
            start_openssh_tunnel "openssh-$cipher" "$cipher"
            R[openssh-$cipher:cipher]=$ROUTE_CIPHER
            measure_route "openssh-$cipher" "OpenSSH+nginx ($(pass_label "$cipher"))" "http://127.0.0.1:$FRONT_PORT"
            stop_ssh_client
        done
    fi

    if [[ " $ROUTES " == *" gangway "* ]]; then
        if [[ ! -d $GANGWAY_SERVER/bin || ! -f $GANGWAY_EAR ]]; then
            SKIPPED="gangway (build first: mvn install -DskipTests; missing $([[ -d $GANGWAY_SERVER/bin ]] || echo "$GANGWAY_SERVER ")$([[ -f $GANGWAY_EAR ]] || echo "$GANGWAY_EAR"))"
            log "skipping $SKIPPED"
        else
            start_gangway
            local cipher
            for cipher in "${CIPHERS[@]}"; do
                start_gangway_tunnel "gangway-$cipher" "$cipher"
                R[gangway-$cipher:cipher]=$ROUTE_CIPHER
                if [[ $cipher == "${CIPHERS[0]}" ]] && ((JVM_WARMUP > 0)); then
                    log "warming the Gangway JVM for $JVM_WARMUP s before measuring it"
                    wrk_once "http://127.0.0.1:$GANGWAY_HTTP_PORT/small.bin" "$GANGWAY_HOST" 16 $((JVM_WARMUP * 2 / 3)) >/dev/null \
                        || die "wrk failed warming the Gangway JVM"
                    wrk_once "http://127.0.0.1:$GANGWAY_HTTP_PORT/big.bin" "$GANGWAY_HOST" 16 $((JVM_WARMUP / 3)) >/dev/null \
                        || die "wrk failed warming the Gangway JVM"
                fi
                measure_route "gangway-$cipher" "Gangway ($(pass_label "$cipher"))" \
                    "http://127.0.0.1:$GANGWAY_HTTP_PORT" "$GANGWAY_HOST"
                stop_pid "$SSH_PID"
            done
        fi
    fi

    report
}

# On one line, so that bash has read it whole before running: editing this file during a run cannot then
# feed the running shell a shifted remainder.
main "$@"; exit $?

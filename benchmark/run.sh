#!/usr/bin/env bash
# Gangway benchmark: one command, everything on loopback, bounded in time.
#
# Compares three routes to the same backends, in the same run:
#   direct          client -> backend
#   openssh+nginx   client -> nginx (keepalive upstream) -> sshd -R forwarded port -> ssh client -> backend
#   gangway         client -> WildFly/Gangway HTTP -> SSH channel -> stock ssh -R client -> backend
# Both SSH routes run once per cipher in BENCH_CIPHERS: by default twice, with the stock client's default cipher
# and with both clients on aes128-gcm@openssh.com.
# HTTPS (route group "tls"): the visitor speaks TLS (HTTP/1.1, wrk), on the first entry of BENCH_CIPHERS only:
#   openssh+nginx-tls  client -TLS-> nginx (ssl, same upstreams) -> sshd -R forwarded port -> ssh client -> backend
#   gangway-https      client -TLS-> Gangway's TLS port -> Undertow -> SSH channel (plain SSH) -> ssh -R -> backend
#   gangway-https-sshtls  the same, with the ssh client reaching Gangway through that TLS port (ALPN ssh, through
#                      `openssl s_client` as ProxyCommand, as PROTOCOL.md tells stock clients to)
# Cluster (route group "cluster", not in the default set: it starts two more JVMs): the two-node demo cluster
# (cluster/gangway-cluster.sh, its own ports: HTTP 8080/8180, SSH 2222/2322), a stock ssh -R to node 1, and the
# small16/big16 loads through node 1 (owns the tunnel) and node 2 (forwards to node 1 over the peer port), in the
# same run, run by run in turn. Target (issue #5): through node 2 at least 70% of node 1's requests/s (100 B) and 80% of its MB/s (4 MiB).
# Loads: HTTP with wrk against an nginx backend (small16, big16, small1), and WebSockets (ws): BENCH_WS_CONNECTIONS
# sockets through one tunnel exchanging small messages with an echo backend (benchmark/ws-echo.js on Node's `ws`),
# driven by benchmark/WsLoad.java. Each ssh client forwards both backends (two -R), so the WebSockets go through
# the same SSH connection as the HTTP loads, on a tunnel of their own.
#
# Usage: sudo benchmark/run.sh            (root: it installs nginx/openssh-server/wrk/node when missing, runs sshd)
# Build first, from the repository root: mvn -o -q -DskipTests package   (the script builds nothing)
# Settings (environment):
#   BENCH_DURATION=10     seconds per measured wrk run
#   BENCH_RUNS=3          measured runs per figure; the figure is their median
#   BENCH_WARMUP=5        seconds of unmeasured load per route and load before measuring (JIT, connection pools)
#   BENCH_JVM_WARMUP=30   seconds of unmeasured load once after the Gangway server starts, before its first pass: a
#                         JVM compiles its hot path with C2 only after minutes of work on 2 busy cores, and a
#                         long-running server is warm; the native routes need none
#   BENCH_ROUTES="direct openssh gangway tls"   which routes to run ("tls" needs openssh and gangway for its rows;
#                         add "cluster" for the cluster rows, or run it alone: BENCH_ROUTES=cluster)
#   BENCH_TLS_LOADS="small16 big16 small1"   which loads the HTTPS routes run
#   BENCH_LOADS="small16 big16 small1 ws"   which loads to run on each route
#   BENCH_CIPHERS="default aes128-gcm@openssh.com"   one pass of both SSH routes per entry ("default" = no -c)
#   BENCH_WS_CONNECTIONS=1000   concurrent WebSockets (Gangway's default allows 1000 streams per tunnel:
#                         gangway.pool.max-streams-per-tunnel; more get 503 after 5 s, as configured)
#   BENCH_WS_DURATION=20  seconds of each measured WebSocket phase (closed loop, then paced); one run per route
#   BENCH_WS_RATE=2       messages per second per socket in the paced phase (0 = no paced phase)
#   BENCH_WS_MESSAGE_SIZE=64   bytes per text message
#   BENCH_RESULTS=<repo>/benchmark/RESULTS.md   where the dated section is appended ("" = do not write)
#   BENCH_NOTE            a line of text for the section (e.g. "smoke run on a busy machine")
#   GANGWAY_SERVER=<repo>/wildfly-config/target/server   configured server to copy
#   GANGWAY_EAR=<repo>/proxy-ear/target/proxy-ear.ear   application to deploy
#   GANGWAY_CONFIG=<repo>/wildfly-config/target/pristine-configuration/standalone.xml   configuration as built
#                         (used when present: the server dir's own may hold a deployment `wildfly:run` persisted)
#   GANGWAY_JAVA_HOME     JDK the Gangway server runs on (default: what standalone.sh finds: JAVA_HOME or PATH)
#   GANGWAY_JAVA_SIZING   heap flags for the server (WildFly's JBOSS_JAVA_SIZING, e.g. "-Xms1g -Xmx1g");
#                         default: the server's standalone.conf
#   BENCH_BACKEND_PORT=18480 BENCH_FRONT_PORT=18481 BENCH_FORWARD_PORT=18482 BENCH_SSHD_PORT=18422
#   BENCH_WS_BACKEND_PORT=18483 BENCH_WS_FORWARD_PORT=18484 BENCH_FRONT_TLS_PORT=18485
# Gangway's ports are fixed by the brief: offset 500 -> HTTP 8580, management 10490; SSH 2722, TLS 8943 (see lib.sh);
# GANGWAY_PORT_OFFSET=500, GANGWAY_SSH_PORT=2722 and GANGWAY_TLS_PORT=8943 move them where something else holds them.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LOG_TAG=bench
# shellcheck source=benchmark/lib.sh
. "$BENCH_DIR/lib.sh"

DURATION=${BENCH_DURATION:-10}
RUNS=${BENCH_RUNS:-3}
WARMUP=${BENCH_WARMUP:-5}
JVM_WARMUP=${BENCH_JVM_WARMUP:-30}
ROUTES=${BENCH_ROUTES:-direct openssh gangway tls}
LOADS=${BENCH_LOADS:-small16 big16 small1 ws}
TLS_LOADS=${BENCH_TLS_LOADS:-small16 big16 small1}
RESULTS_FILE=${BENCH_RESULTS-$BENCH_DIR/RESULTS.md}
NOTE=${BENCH_NOTE:-}

BACKEND_PORT=${BENCH_BACKEND_PORT:-18480}
FRONT_PORT=${BENCH_FRONT_PORT:-18481}
FORWARD_PORT=${BENCH_FORWARD_PORT:-18482}
SSHD_PORT=${BENCH_SSHD_PORT:-18422}
WS_BACKEND_PORT=${BENCH_WS_BACKEND_PORT:-18483}
WS_FORWARD_PORT=${BENCH_WS_FORWARD_PORT:-18484}
FRONT_TLS_PORT=${BENCH_FRONT_TLS_PORT:-18485}

SMALL_SIZE=100
BIG_SIZE=$((4 * 1024 * 1024))
WRK_THREADS=2
WRK_TIMEOUT=30s
WS_CONNECTIONS=${BENCH_WS_CONNECTIONS:-1000}
WS_DURATION=${BENCH_WS_DURATION:-20}
WS_RATE=${BENCH_WS_RATE:-2}
WS_MESSAGE_SIZE=${BENCH_WS_MESSAGE_SIZE:-64}
# The WebSocket path; the front nginx sends it to the WebSocket forward, every other path to the HTTP one.
WS_PATH=/echo
# One pass of both SSH routes per cipher. "default": the stock client's choice, as a team would run it; a named
# cipher puts both clients on it, so that the comparison is about the proxies.
read -r -a CIPHERS <<<"${BENCH_CIPHERS:-default aes128-gcm@openssh.com}"

START_EPOCH=$(date +%s)
# Other work on the machine skews every figure; the section records how busy it was.
LOAD_AT_START=$(cut -d' ' -f1-3 /proc/loadavg)

has_load() { [[ " $LOADS " == *" $1 "* ]]; }
has_http_load() { has_load small16 || has_load big16 || has_load small1; }
has_route() { [[ " $ROUTES " == *" $1 "* ]]; }
tls_on() { has_route tls && [[ -n ${TLS_LOADS// /} ]]; }

# Once a route has been measured, a later failure still reports (and records) what was measured, naming the
# failure, then exits non-zero.
REPORT_ON_DIE=false
on_die() {
    if [[ $REPORT_ON_DIE == true ]]; then
        REPORT_ON_DIE=false
        SKIPPED="${SKIPPED:+$SKIPPED; }the run stopped early: $1"
        report
    fi
}
install_cleanup_traps

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
    if has_load ws; then
        command -v node >/dev/null || missing+=(nodejs)
        command -v npm >/dev/null || missing+=(npm)
        command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
    fi
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

# A route that is fast because it mangles or truncates bodies is not fast: compare the big file byte for byte once.
check_body() {
    local url=$1 what=$2 host=${3:-}
    local args=(-sS -k --max-time 60 -o "$WORK/check.bin")
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
# Two descriptors per proxied WebSocket (visitor and upstream), all of them possibly in one worker.
worker_rlimit_nofile 65536;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 16384; }
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
    NGINX_PID=$!
    STARTED_PIDS+=("$NGINX_PID")
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
    SSHD_PID=$!
    STARTED_PIDS+=("$SSHD_PID")
    local deadline=$((SECONDS + 10))
    until ss -Hltn "sport = :$SSHD_PORT" | grep -q .; do
        ((SECONDS < deadline)) || die "sshd did not listen on $SSHD_PORT: $(cat "$dir/sshd.log")"
        sleep 0.1
    done
    log "throwaway sshd on 127.0.0.1:$SSHD_PORT ($(/usr/sbin/sshd -V 2>&1 | head -1 || true))"
}

# The same locations, once over plain HTTP and (with the tls routes) once over TLS: nginx terminating TLS in front of
# OpenSSH's forwarding is what Gangway's HTTPS rows are compared with.
front_locations() {
    echo "        location / {
            proxy_pass http://tunnel;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
        }
        location $WS_PATH {
            proxy_pass http://127.0.0.1:$WS_FORWARD_PORT;
            proxy_http_version 1.1;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }"
}

# A self-signed certificate for the front nginx (Gangway makes its own on first start, as its run command does).
make_tls_certificate() {
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
        -addext "subjectAltName=DNS:localhost,DNS:*.localhost" \
        -keyout "$WORK/front-tls.key" -out "$WORK/front-tls.crt" 2>"$WORK/openssl.log" ||
        die "openssl could not make the front nginx's certificate: $(cat "$WORK/openssl.log")"
}

# "TLSv1.3 TLS_AES_256_GCM_SHA384": what a client (OpenSSL, as wrk) negotiates with host:port.
negotiated_tls() {
    local out
    out=$(openssl s_client -connect "$1" -servername localhost </dev/null 2>/dev/null || true)
    sed -n 's/^New, \([^,]*\), Cipher is \(.*\)$/\1 \2/p' <<<"$out" | head -1
}

start_front_nginx() {
    require_free_port "$FRONT_PORT" "front nginx"
    local tls_server=""
    if tls_on; then
        require_free_port "$FRONT_TLS_PORT" "front nginx (TLS)"
        make_tls_certificate
        tls_server="    server {
        listen 127.0.0.1:$FRONT_TLS_PORT ssl;
        ssl_certificate $WORK/front-tls.crt;
        ssl_certificate_key $WORK/front-tls.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_session_cache shared:tls:1m;
$(front_locations)
    }"
    fi
    # WebSockets: nginx passes an upgrade on only when told to (Upgrade and Connection are hop-by-hop), over HTTP/1.1;
    # the map is nginx's documented idiom. Its read/send timeouts (60 s by default) would cut a socket that idles
    # between phases, so they are an hour. Upgraded connections never go back to the keepalive pool, so the
    # WebSocket forward has no upstream block of its own.
    start_nginx front "    upstream tunnel {
        server 127.0.0.1:$FORWARD_PORT;
        keepalive 64;
        keepalive_requests 10000000;
    }
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        '' close;
    }
    server {
        listen 127.0.0.1:$FRONT_PORT;
$(front_locations)
    }
$tls_server"
    FRONT_NGINX_PID=$NGINX_PID
}

# Sets ROUTE_CIPHER. The tunnels: 127.0.0.1:FORWARD_PORT on the sshd side -> backend, and with the ws load
# 127.0.0.1:WS_FORWARD_PORT -> WebSocket echo backend, both over the one SSH connection.
start_openssh_tunnel() {
    local label=$1 cipher=$2 forwards=()
    require_free_port "$FORWARD_PORT" "ssh -R forwarded port"
    forwards+=(-R "127.0.0.1:$FORWARD_PORT:127.0.0.1:$BACKEND_PORT")
    if has_load ws; then
        require_free_port "$WS_FORWARD_PORT" "ssh -R forwarded port for WebSockets"
        forwards+=(-R "127.0.0.1:$WS_FORWARD_PORT:127.0.0.1:$WS_BACKEND_PORT")
    fi
    start_ssh_client "$label" "$cipher" -N -p "$SSHD_PORT" "${forwards[@]}" "$(id -un)@127.0.0.1"
    wait_for_http "http://127.0.0.1:$FORWARD_PORT/small.bin" "the ssh -R forwarded port (log: $WORK/ssh-$label.err)" 20
    wait_for_http "http://127.0.0.1:$FRONT_PORT/small.bin" "front nginx" 10
    check_body "http://127.0.0.1:$FRONT_PORT" "OpenSSH+nginx"
    if has_load ws; then
        wait_for_http "http://127.0.0.1:$FRONT_PORT$WS_PATH" "front nginx to the WebSocket backend" 20
    fi
    ROUTE_CIPHER=$(negotiated_cipher "$label")
}

stop_ssh_client() {
    stop_pid "$SSH_PID"
    # sshd releases the forwarded ports when the session ends; wait for it so the next pass can bind them again.
    local deadline=$((SECONDS + 10)) port
    for port in "$FORWARD_PORT" "$WS_FORWARD_PORT"; do
        while ss -Hltn "sport = :$port" | grep -q . && ((SECONDS < deadline)); do sleep 0.1; done
    done
}

# ---------------------------------------------------------------------------------------------------------------
# Route 3: Gangway (a copy of the configured WildFly server with the EAR deployed), stock ssh -R to it
# ---------------------------------------------------------------------------------------------------------------
# The tunnel's host: from the hello JSON the same ssh prints (the connection holds the tunnel, so the exec
# channel stays open); sets GANGWAY_HOST and ROUTE_CIPHER.
# via=tls: the client reaches Gangway's SSH server through its TLS port (ALPN ssh), as PROTOCOL.md's stock-client
# recipe does; otherwise the plain SSH port.
start_gangway_tunnel() {
    local label=$1 cipher=$2 via=${3:-plain} forwards=(-R "/bench:127.0.0.1:$BACKEND_PORT") target=()
    has_load ws && [[ $via == plain ]] && forwards+=(-R "/benchws:127.0.0.1:$WS_BACKEND_PORT")
    if [[ $via == tls ]]; then
        target=(-o "ProxyCommand=openssl s_client -quiet -alpn ssh -servername localhost -connect 127.0.0.1:$GANGWAY_TLS_PORT")
    else
        target=(-p "$GANGWAY_SSH_PORT")
    fi
    start_ssh_client "$label" "$cipher" "${target[@]}" "${forwards[@]}" "bench@127.0.0.1" hello
    GANGWAY_HOST=$(hello_tunnel_host "$label" bench "$SSH_PID")
    if [[ -z $GANGWAY_HOST ]]; then
        kill -0 "$SSH_PID" 2>/dev/null || die "ssh to Gangway exited: $(tail -5 "$WORK/ssh-$label.err")"
        die "no tunnel URL in Gangway's hello answer within 20 s: $(cat "$WORK/ssh-$label.out")"
    fi
    local expected
    expected="$(expected_tunnel_label bench).localhost:$GANGWAY_HTTP_PORT"
    [[ $GANGWAY_HOST == "$expected" ]] ||
        log "WARNING: Gangway named the tunnel host $GANGWAY_HOST; PROTOCOL.md's rules give $expected (measuring $GANGWAY_HOST)"
    wait_for_http "http://127.0.0.1:$GANGWAY_HTTP_PORT/small.bin" "Gangway tunnel $GANGWAY_HOST" 20 "$GANGWAY_HOST"
    check_body "http://127.0.0.1:$GANGWAY_HTTP_PORT" "Gangway" "$GANGWAY_HOST"
    GANGWAY_WS_HOST=""
    if has_load ws && [[ $via == plain ]]; then
        GANGWAY_WS_HOST=$(hello_tunnel_host "$label" benchws "$SSH_PID")
        [[ -n $GANGWAY_WS_HOST ]] || die "no URL for /benchws in Gangway's hello answer: $(cat "$WORK/ssh-$label.out")"
        wait_for_http "http://127.0.0.1:$GANGWAY_HTTP_PORT$WS_PATH" "Gangway tunnel $GANGWAY_WS_HOST" 20 "$GANGWAY_WS_HOST"
    fi
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
        log "  $route $load run ${RUN_NUMBER:-$i}: ${rps[-1]} req/s, ${mbs[-1]} MB/s, p50 ${p50[-1]} ms, p99 ${p99[-1]} ms, errors $errs, non-2xx $serrs"
    done
    R[$route:$load:rps]=$(median "${rps[@]}")
    R[$route:$load:mbs]=$(median "${mbs[@]}")
    R[$route:$load:p50]=$(median "${p50[@]}")
    R[$route:$load:p99]=$(median "${p99[@]}")
    [[ -n $bad ]] && R[$route:flag]="${R[$route:flag]:+${R[$route:flag]}; }$load: ${bad% }"
    return 0
}

# ---------------------------------------------------------------------------------------------------------------
# WebSocket load (benchmark/WsLoad.java; its header explains the phases and why both closed loop and paced)
# ---------------------------------------------------------------------------------------------------------------
# Gangway's heap in use, once a second, until stopped: the peak of a run (sampled, so a lower bound).
start_heap_sampler() {
    local file=$1
    : >"$file"
    (while true; do
        gangway_heap_used >>"$file"
        sleep 1
    done) &
    HEAP_SAMPLER_PID=$!
    STARTED_PIDS+=("$HEAP_SAMPLER_PID")
}

stop_heap_sampler() {
    stop_pid "$HEAP_SAMPLER_PID"
    wait "$HEAP_SAMPLER_PID" 2>/dev/null || true
    forget_pid "$HEAP_SAMPLER_PID"
}

# The value of key in the load generator's "WSLOAD <what> key=value ..." line.
ws_figure() {
    awk -v w="$2" -v k="$3" '$1 == "WSLOAD" && $2 == w {
        for (i = 3; i <= NF; i++) { p = index($i, "="); if (substr($i, 1, p - 1) == k) print substr($i, p + 1) } }' "$1"
}

# One WebSocket run on one route. proxy_pids: the processes (with their descendants) that are the proxy, whose
# memory is read before the run and again while every socket is open and idle.
measure_ws() {
    local route=$1 url=$2 host=$3 proxy_pids=$4
    local out=$WORK/wsload-$route.out hold=$WORK/wsload-$route.hold gangway=false
    [[ $route == gangway-* ]] && gangway=true
    [[ -n $proxy_pids ]] && R[$route:ws:rss_before]=$(tree_rss_mb $proxy_pids)
    if $gangway; then
        R[$route:ws:heap_before]=$(mb "$(gangway_heap_after_gc)")
        start_heap_sampler "$WORK/heap-$route.samples"
    fi
    rm -f "$hold.ready" "$hold.release"
    local args=(--url "$url" --connections "$WS_CONNECTIONS" --warmup "$WARMUP" --duration "$WS_DURATION"
        --rate "$WS_RATE" --size "$WS_MESSAGE_SIZE" --hold-file "$hold")
    [[ -n $host ]] && args+=(--host "$host")
    log "  $route ws: $WS_CONNECTIONS WebSockets to $url${host:+ (Host: $host)}"
    java -Djdk.httpclient.allowRestrictedHeaders=host "$BENCH_DIR/WsLoad.java" "${args[@]}" \
        >"$out" 2>"$WORK/wsload-$route.err" &
    local pid=$!
    STARTED_PIDS+=("$pid")
    local deadline=$((SECONDS + 240 + WARMUP + 2 * WS_DURATION))
    while [[ ! -e $hold.ready ]] && kill -0 "$pid" 2>/dev/null; do
        ((SECONDS < deadline)) || die "the WebSocket load on $route did not finish its phases in time (see $out)"
        sleep 0.5
    done
    if [[ -e $hold.ready ]]; then
        [[ -n $proxy_pids ]] && R[$route:ws:rss_open]=$(tree_rss_mb $proxy_pids)
        $gangway && R[$route:ws:heap_open]=$(mb "$(gangway_heap_after_gc)")
        touch "$hold.release"
    fi
    local rc=0
    wait "$pid" || rc=$?
    forget_pid "$pid"
    if $gangway; then
        stop_heap_sampler
        R[$route:ws:heap_peak]=$(mb "$(sort -n "$WORK/heap-$route.samples" | tail -1)")
        # The close handshakes are done when the generator exits; the server's side of each may still be unwinding.
        sleep 2
        R[$route:ws:heap_after]=$(mb "$(gangway_heap_after_gc)")
    fi
    R[$route:ws:opened]=$(ws_figure "$out" open opened)
    R[$route:ws:open_failed]=$(ws_figure "$out" open failed)
    R[$route:ws:open_s]=$(ws_figure "$out" open seconds)
    R[$route:ws:rate]=$(ws_figure "$out" closed msgs_per_s)
    R[$route:ws:p50]=$(ws_figure "$out" closed p50_ms)
    R[$route:ws:p99]=$(ws_figure "$out" closed p99_ms)
    R[$route:ws:paced_p50]=$(ws_figure "$out" paced p50_ms)
    R[$route:ws:paced_p99]=$(ws_figure "$out" paced p99_ms)
    R[$route:ws:paced_rate]=$(ws_figure "$out" paced msgs_per_s)
    local bad="" n errors closes mismatches stalled sent ack
    n=${R[$route:ws:open_failed]:-0}
    ((n > 0)) && bad+="$n of $WS_CONNECTIONS failed to open ($(sed -n 's/^WSLOAD first_open_failure //p' "$out")); "
    errors=$(ws_figure "$out" health errors)
    closes=$(ws_figure "$out" health unexpected_closes)
    n=$((${errors:-0} + ${closes:-0}))
    ((n > 0)) && bad+="$n sockets broke during the run (first: $(sed -n "s/^WSLOAD first_break //p" "$out")); "
    mismatches=$(ws_figure "$out" health mismatches)
    ((${mismatches:-0} > 0)) && bad+="$mismatches wrong echoes; "
    stalled=$(ws_figure "$out" health stalled)
    ((${stalled:-0} > 0)) && bad+="$stalled sockets still waiting for an echo 15 s after the load stopped; "
    sent=$(ws_figure "$out" close sent)
    ack=$(ws_figure "$out" close acknowledged)
    [[ -n $sent && $sent != "$ack" ]] && bad+="$((sent - ${ack:-0})) of $sent close handshakes unanswered; "
    [[ -n ${R[$route:ws:rate]} ]] || bad+="no figures (see $out and $WORK/wsload-$route.err); "
    ((rc == 0)) || bad+="load generator exit status $rc; "
    [[ -n $bad ]] && R[$route:ws_flag]=${bad%; }
    log "  $route ws: opened ${R[$route:ws:opened]:-0} in ${R[$route:ws:open_s]:-?} s; closed loop ${R[$route:ws:rate]:-?} msg/s, p50 ${R[$route:ws:p50]:-?} ms, p99 ${R[$route:ws:p99]:-?} ms; paced p50 ${R[$route:ws:paced_p50]:-?} ms, p99 ${R[$route:ws:paced_p99]:-?} ms${bad:+; ${bad%; }}"
    return 0
}

# The loads of BENCH_LOADS on one route. ws_url/ws_host: where the WebSockets go; proxy_pids: see measure_ws.
measure_route() {
    local route=$1 label=$2 url_base=$3 host=${4:-} ws_url=${5:-} ws_host=${6:-} proxy_pids=${7:-}
    local loads=${ROUTE_LOADS:-$LOADS}
    ROUTE_ORDER+=("$route")
    R[$route:label]=$label
    REPORT_ON_DIE=true
    log "measuring $label"
    local load
    for load in $loads; do
        case $load in
            small16 | big16 | small1) measure "$route" "$url_base" "$host" "$load" ;;
            ws) measure_ws "$route" "$ws_url" "$ws_host" "$proxy_pids" ;;
            *) die "unknown load '$load' in BENCH_LOADS (known: small16 big16 small1 ws)" ;;
        esac
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
    if has_http_load; then
        echo "- Settings: ${RUNS} runs x ${DURATION} s per figure (median), ${WARMUP} s warm-up per load (and ${JVM_WARMUP} s once for the Gangway JVM), wrk ${WRK_THREADS} threads (1 for 1 connection), bodies ${SMALL_SIZE} B and ${BIG_SIZE} B"
    fi
    if has_load ws; then
        echo "- WebSockets: ${WS_CONNECTIONS} sockets per route, ${WS_MESSAGE_SIZE}-byte text messages, one run per route: ${WARMUP} s warm-up, ${WS_DURATION} s closed loop, then ${WS_DURATION} s paced at ${WS_RATE} msg/s per socket$( ((JVM_WARMUP > 0)) && echo " (after the Gangway JVM's ${JVM_WARMUP} s HTTP warm-up)"); load generator WsLoad.java on the Java on PATH (JDK HttpClient, 2 selector and 2 callback threads), echo backend ws-echo.js (Node $(node --version 2>/dev/null), ws ${WS_MODULE_VERSION})"
    fi
    [[ -z $NOTE ]] || echo "- Note: $NOTE"
}

fmt() { [[ -n ${1:-} ]] && echo "$1" || echo "-"; }

# kind: plain (visitors over HTTP) or tls (visitors over HTTPS; a column for the TLS the visitor negotiated).
results_table() {
    local kind=$1 r tls_head="" tls_rule=""
    [[ $kind == tls ]] && tls_head=" Visitor TLS |" tls_rule="---|"
    echo "| Route | SSH cipher |$tls_head 100 B, 16 conn (req/s) | 4 MiB, 16 conn (MB/s) | 100 B, 1 conn p50 (ms) | p99 (ms) | Notes |"
    echo "|---|---|$tls_rule---:|---:|---:|---:|---|"
    for r in "${ROUTE_ORDER[@]}"; do
        [[ ${R[$r:kind]:-plain} == "$kind" ]] || continue
        [[ -n ${R[$r:small16:rps]:-}${R[$r:big16:mbs]:-}${R[$r:small1:p50]:-} ]] || continue
        printf '| %s | %s |%s %s | %s | %s | %s | %s |\n' "${R[$r:label]}" "$(fmt "${R[$r:cipher]:-}")" \
            "$([[ $kind == tls ]] && echo " $(fmt "${R[$r:tls]:-}") |")" \
            "$(fmt "${R[$r:small16:rps]:-}")" "$(fmt "${R[$r:big16:mbs]:-}")" \
            "$(fmt "${R[$r:small1:p50]:-}")" "$(fmt "${R[$r:small1:p99]:-}")" "${R[$r:flag]:-}"
    done
}

ratio_line() {
    local g=$1 o=$2 a b
    [[ -n ${R[$g:label]:-} && -n ${R[$o:label]:-} ]] || return 0
    [[ -n ${R[$g:small16:rps]:-} && -n ${R[$o:small16:rps]:-} && -n ${R[$g:big16:mbs]:-} && -n ${R[$o:big16:mbs]:-} ]] ||
        return 0
    a=$(awk -v x="${R[$g:small16:rps]}" -v y="${R[$o:small16:rps]}" 'BEGIN {printf "%.2f", x / y}')
    b=$(awk -v x="${R[$g:big16:mbs]}" -v y="${R[$o:big16:mbs]}" 'BEGIN {printf "%.2f", x / y}')
    local ok_a ok_b
    ok_a=$(awk -v r="$a" 'BEGIN {print (r >= 1) ? "met" : "NOT met"}')
    ok_b=$(awk -v r="$b" 'BEGIN {print (r >= 1) ? "met" : "NOT met"}')
    echo "- ${R[$g:label]} / ${R[$o:label]}: 100 B req/s x$a (target >= 1: $ok_a); 4 MiB MB/s x$b (target >= 1: $ok_b)"
}

ws_table() {
    echo "| Route | SSH cipher | WebSockets open | Open time (s) | Closed loop (msg/s) | p50 (ms) | p99 (ms) | Paced ${WS_RATE}/s/socket p50 (ms) | p99 (ms) | Gangway heap after GC: before / ${WS_CONNECTIONS} open / after close (MB) | Heap peak, sampled (MB) | Proxy RSS: before / ${WS_CONNECTIONS} open (MB) | Notes |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    local r heap rss
    for r in "${ROUTE_ORDER[@]}"; do
        [[ ${R[$r:kind]:-plain} == plain ]] || continue
        heap="-"
        [[ -n ${R[$r:ws:heap_before]:-} ]] && heap="${R[$r:ws:heap_before]} / $(fmt "${R[$r:ws:heap_open]:-}") / $(fmt "${R[$r:ws:heap_after]:-}")"
        rss="-"
        [[ -n ${R[$r:ws:rss_before]:-} ]] && rss="${R[$r:ws:rss_before]} / $(fmt "${R[$r:ws:rss_open]:-}")"
        printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "${R[$r:label]}" \
            "$(fmt "${R[$r:cipher]:-}")" "$(fmt "${R[$r:ws:opened]:-}")" "$(fmt "${R[$r:ws:open_s]:-}")" \
            "$(fmt "${R[$r:ws:rate]:-}")" "$(fmt "${R[$r:ws:p50]:-}")" "$(fmt "${R[$r:ws:p99]:-}")" \
            "$(fmt "${R[$r:ws:paced_p50]:-}")" "$(fmt "${R[$r:ws:paced_p99]:-}")" "$heap" \
            "$(fmt "${R[$r:ws:heap_peak]:-}")" "$rss" "${R[$r:ws_flag]:-}"
    done
}

ws_ratio_line() {
    local g=$1 o=$2 a
    [[ -n ${R[$g:ws:rate]:-} && -n ${R[$o:ws:rate]:-} ]] || return 0
    a=$(awk -v x="${R[$g:ws:rate]}" -v y="${R[$o:ws:rate]}" 'BEGIN {printf "%.2f", x / y}')
    echo "- ${R[$g:label]} / ${R[$o:label]}: WebSocket messages/s x$a (target >= 1: $(awk -v r="$a" 'BEGIN {print (r >= 1) ? "met" : "NOT met"}'))"
}

# Heap is bounded when what N open sockets hold is a fixed amount per socket and goes when they close.
ws_heap_line() {
    local g=$1
    [[ -n ${R[$g:ws:heap_before]:-} && -n ${R[$g:ws:heap_open]:-} && -n ${R[$g:ws:heap_after]:-} ]] || return 0
    awk -v b="${R[$g:ws:heap_before]}" -v o="${R[$g:ws:heap_open]}" -v a="${R[$g:ws:heap_after]}" \
        -v n="${R[$g:ws:opened]:-0}" -v l="${R[$g:label]}" 'BEGIN {
            printf "- %s: heap after GC %+.1f MB with %d WebSockets open (%.1f KB each), %+.1f MB of the start after they closed\n",
                l, o - b, n, (n > 0 ? (o - b) * 1024 / n : 0), a - b }'
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
        if has_http_load; then
            results_table plain
            echo
        fi
        if tls_on; then
            echo "HTTPS: the visitor speaks TLS to the proxy (HTTP/1.1; wrk); the tunnel behind it as labelled."
            echo
            results_table tls
            echo
        fi
        if has_load ws; then
            ws_table
            echo
        fi
        echo "Ratios (same run):"
        local c
        for c in "${CIPHERS[@]}"; do ratio_line "gangway-$c" "openssh-$c"; done
        ratio_line "gangway-https" "openssh-tls"
        ratio_line "gangway-https-sshtls" "openssh-tls"
        for c in "${CIPHERS[@]}"; do latency_line "gangway-$c"; done
        for c in "${CIPHERS[@]}"; do ws_ratio_line "gangway-$c" "openssh-$c"; done
        for c in "${CIPHERS[@]}"; do ws_heap_line "gangway-$c"; done
        cluster_ratio_line
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

# One HTTPS route: TLS_LOADS against https://<addr>, the negotiated TLS recorded.
measure_tls_route() {
    local route=$1 label=$2 addr=$3 host=$4 cipher=$5
    wait_for_http "https://$addr/small.bin" "$label" 20 "$host"
    check_body "https://$addr" "$label" "$host"
    R[$route:kind]=tls
    R[$route:cipher]=$cipher
    R[$route:tls]=$(negotiated_tls "$addr")
    ROUTE_LOADS=$TLS_LOADS measure_route "$route" "$label" "https://$addr" "$host"
}

pass_label() { [[ $1 == default ]] && echo "default cipher" || echo "-c ${1%@openssh.com}"; }

# ---------------------------------------------------------------------------------------------------------------
# Route group "cluster": the same tunnel through the node holding its SSH connection and through the other node
# ---------------------------------------------------------------------------------------------------------------
CLUSTER_SCRIPT=$REPO_DIR/cluster/gangway-cluster.sh
CLUSTER_STARTED=false

on_cleanup() { stop_cluster; }

stop_cluster() {
    [[ $CLUSTER_STARTED == true ]] || return 0
    CLUSTER_STARTED=false
    log "stopping the two-node cluster"
    GANGWAY_CLUSTER_DIR=$WORK/cluster "$CLUSTER_SCRIPT" stop >>"$WORK/cluster.log" 2>&1 || true
}

measure_cluster() {
    local port
    for port in 8080 8180 2222 2322 9990 10090; do require_free_port "$port" "the two-node cluster"; done
    # The single server of the gangway route would share the cores with the two nodes: stop it first.
    stop_gangway
    log "starting the two-node cluster (log: $WORK/cluster.log; nodes under $WORK/cluster)"
    CLUSTER_STARTED=true
    GANGWAY_CLUSTER_DIR=$WORK/cluster GANGWAY_CLUSTER_NAME=gangway-bench-$$ \
        GANGWAY_CLUSTER_JAVA_OPTS="${GANGWAY_JAVA_SIZING:--Xms64m -Xmx512m}" \
        "$CLUSTER_SCRIPT" start >>"$WORK/cluster.log" 2>&1 || die "the cluster did not start: $(tail -5 "$WORK/cluster.log")"
    start_ssh_client gangway-cluster "${CIPHERS[0]}" -p 2222 -R "/bench:127.0.0.1:$BACKEND_PORT" bench@127.0.0.1 hello
    local host
    host=$(hello_tunnel_host gangway-cluster bench "$SSH_PID")
    [[ -n $host ]] || die "no tunnel URL from cluster node 1 within 20 s: $(tail -5 "$WORK/ssh-gangway-cluster.err")"
    local cipher
    cipher=$(negotiated_cipher gangway-cluster)
    for port in 8080 8180; do
        wait_for_http "http://127.0.0.1:$port/small.bin" "the tunnel through node on $port" 20 "$host"
        check_body "http://127.0.0.1:$port" "the tunnel through the node on $port" "$host"
    done
    if ((JVM_WARMUP > 0)); then
        log "warming both cluster JVMs for $JVM_WARMUP s each before measuring them"
        for port in 8080 8180; do
            wrk_once "http://127.0.0.1:$port/small.bin" "$host" 16 $((JVM_WARMUP * 2 / 3)) >/dev/null || die "wrk failed warming node $port"
            wrk_once "http://127.0.0.1:$port/big.bin" "$host" 16 $((JVM_WARMUP / 3)) >/dev/null || die "wrk failed warming node $port"
        done
    fi
    R[cluster-owner:cipher]=$cipher
    R[cluster-peer:cipher]=$cipher
    measure_cluster_alternating "$host"
    stop_pid "$SSH_PID"
    stop_cluster
}

# The two cluster routes, run by run in turn (node 1, node 2, node 1, ...) rather than one after the other: both JVMs,
# ssh, nginx and wrk share the machine's two cores, whose speed drifts over minutes, and the ratio between the routes
# is the figure that counts; alternating puts the drift on both alike. Medians per route and load, as elsewhere.
# Each measured run also reads both JVMs' CPU time (utime + stime from /proc) around it: on this one machine the
# visiting node's work takes cores from the holder's, so the ratio alone cannot tell a costly path from a shared
# machine; CPU seconds per GB (4 MiB) or per 100k requests (100 B) on each node can.
measure_cluster_alternating() {
    local host=$1 load route i metric before after per c1 c2
    local -A url=([cluster-owner]="http://127.0.0.1:8080" [cluster-peer]="http://127.0.0.1:8180") runs=()
    local -A pid=([node1]=$(cat "$WORK/cluster/node1/gangway.pid") [node2]=$(cat "$WORK/cluster/node2/gangway.pid"))
    R[cluster-owner:label]="Gangway cluster, node holding the tunnel (node 1)"
    R[cluster-peer:label]="Gangway cluster, through the other node (node 2 -> node 1)"
    ROUTE_ORDER+=(cluster-owner cluster-peer)
    REPORT_ON_DIE=true
    log "measuring both cluster routes in turn, run by run"
    for load in small16 big16; do
        for i in $(seq 1 "$RUNS"); do
            for route in cluster-owner cluster-peer; do
                if ((i == 1 && WARMUP > 0)); then
                    wrk_once "${url[$route]}/${load%16}.bin" "$host" 16 "$WARMUP" >/dev/null ||
                        die "wrk failed on $route $load warm-up"
                fi
                before=$(jvm_cpu_ticks "${pid[node1]}" "${pid[node2]}")
                # One measured run per call; its figures are that run's.
                RUNS=1 RUN_NUMBER=$i WARMUP=0 measure "$route" "${url[$route]}" "$host" "$load"
                after=$(jvm_cpu_ticks "${pid[node1]}" "${pid[node2]}")
                for metric in rps mbs p50 p99; do
                    runs[$route:$metric]+="${R[$route:$load:$metric]} "
                done
                # CPU seconds per unit of work: per GB for 4 MiB, per 100k requests for 100 B.
                per=$(awk -v l="$load" -v mbs="${R[$route:$load:mbs]}" -v rps="${R[$route:$load:rps]}" \
                    -v d="$DURATION" 'BEGIN {print (l == "big16") ? mbs * d / 1000 : rps * d / 100000}')
                read -r c1 c2 <<<"$(awk -v b="$before" -v a="$after" -v hz="$(getconf CLK_TCK)" -v w="$per" 'BEGIN {
                    split(b, x, " "); split(a, y, " ")
                    printf "%.1f %.1f", (y[1] - x[1]) / hz / w, (y[2] - x[2]) / hz / w }')"
                runs[$route:cpu1]+="$c1 "
                runs[$route:cpu2]+="$c2 "
            done
        done
        for route in cluster-owner cluster-peer; do
            for metric in rps mbs p50 p99 cpu1 cpu2; do
                # shellcheck disable=SC2086 # the list of figures, one per run
                R[$route:$load:$metric]=$(median ${runs[$route:$metric]})
                runs[$route:$metric]=""
            done
        done
    done
}

# utime + stime, in clock ticks, of each pid given (one number per pid, space-separated).
jvm_cpu_ticks() {
    local p out=()
    for p in "$@"; do out+=("$(awk '{print $14 + $15}' "/proc/$p/stat")"); done
    echo "${out[*]}"
}

# Issue #5's targets: through a node that does not hold the tunnel, >= 70% of small responses/s, >= 80% of MB/s.
cluster_ratio_line() {
    local p=cluster-peer o=cluster-owner a b
    [[ -n ${R[$p:small16:rps]:-} && -n ${R[$o:small16:rps]:-} && -n ${R[$p:big16:mbs]:-} && -n ${R[$o:big16:mbs]:-} ]] ||
        return 0
    a=$(awk -v x="${R[$p:small16:rps]}" -v y="${R[$o:small16:rps]}" 'BEGIN {printf "%.2f", x / y}')
    b=$(awk -v x="${R[$p:big16:mbs]}" -v y="${R[$o:big16:mbs]}" 'BEGIN {printf "%.2f", x / y}')
    echo "- Cluster, through the other node / the node holding the tunnel: 100 B req/s x$a (target >= 0.70: $(awk -v r="$a" 'BEGIN {print (r >= 0.70) ? "met" : "NOT met"}')); 4 MiB MB/s x$b (target >= 0.80: $(awk -v r="$b" 'BEGIN {print (r >= 0.80) ? "met" : "NOT met"}'))"
    [[ -n ${R[$o:big16:cpu1]:-} ]] || return 0
    echo "- Cluster, JVM CPU seconds (median of runs) per GB of 4 MiB responses: through node 1 (holds the tunnel): node 1 ${R[$o:big16:cpu1]}, node 2 ${R[$o:big16:cpu2]}; through node 2: node 1 ${R[$p:big16:cpu1]}, node 2 ${R[$p:big16:cpu2]}. Per 100k requests of 100 B: through node 1: node 1 ${R[$o:small16:cpu1]}, node 2 ${R[$o:small16:cpu2]}; through node 2: node 1 ${R[$p:small16:cpu1]}, node 2 ${R[$p:small16:cpu2]}"
}

# ---------------------------------------------------------------------------------------------------------------
main() {
    [[ $(id -u) -eq 0 ]] || die "run as root: it installs packages when missing and runs a throwaway sshd"
    install_tools
    WORK=$(mktemp -d /tmp/gangway-bench.XXXXXX)
    # nginx workers run as an unprivileged user and must reach the served files and their temp dirs.
    chmod 0755 "$WORK"
    log "work dir $WORK; $RUNS x ${DURATION}s per figure, routes: $ROUTES; loads: $LOADS"
    write_wrk_script
    make_client_key
    start_backend
    if has_load ws; then
        # A WebSocket is a descriptor or two in every process on its way; the load generator holds all of them.
        raise_fd_limit $((WS_CONNECTIONS * 4 + 4096))
        install_ws_module
        start_ws_echo "$WS_BACKEND_PORT"
    fi
    SKIPPED=""

    if [[ " $ROUTES " == *" direct "* ]]; then
        check_body "http://127.0.0.1:$BACKEND_PORT" "backend"
        measure_route direct "direct" "http://127.0.0.1:$BACKEND_PORT" "" "ws://127.0.0.1:$WS_BACKEND_PORT$WS_PATH"
    fi

    if [[ " $ROUTES " == *" openssh "* ]]; then
        start_sshd
        start_front_nginx
        local cipher
        for cipher in "${CIPHERS[@]}"; do
            start_openssh_tunnel "openssh-$cipher" "$cipher"
            R[openssh-$cipher:cipher]=$ROUTE_CIPHER
            measure_route "openssh-$cipher" "OpenSSH+nginx ($(pass_label "$cipher"))" "http://127.0.0.1:$FRONT_PORT" "" \
                "ws://127.0.0.1:$FRONT_PORT$WS_PATH" "" "$SSHD_PID $FRONT_NGINX_PID"
            if tls_on && [[ $cipher == "${CIPHERS[0]}" ]]; then
                check_body "https://127.0.0.1:$FRONT_TLS_PORT" "OpenSSH+nginx over TLS"
                measure_tls_route openssh-tls "OpenSSH+nginx-TLS ($(pass_label "$cipher"))" \
                    "127.0.0.1:$FRONT_TLS_PORT" "" "$ROUTE_CIPHER"
            fi
            stop_ssh_client
        done
    fi

    if [[ " $ROUTES " == *" gangway "* ]]; then
        if ! require_gangway_build; then
            SKIPPED="gangway (build first: mvn -DskipTests package; missing $([[ -d $GANGWAY_SERVER/bin ]] || echo "$GANGWAY_SERVER ")$([[ -f $GANGWAY_EAR ]] || echo "$GANGWAY_EAR"))"
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
                    "http://127.0.0.1:$GANGWAY_HTTP_PORT" "$GANGWAY_HOST" \
                    "ws://127.0.0.1:$GANGWAY_HTTP_PORT$WS_PATH" "$GANGWAY_WS_HOST" "$GANGWAY_PID"
                if tls_on && [[ $cipher == "${CIPHERS[0]}" ]]; then
                    measure_tls_route gangway-https "Gangway HTTPS, tunnel over SSH ($(pass_label "$cipher"))" \
                        "127.0.0.1:$GANGWAY_TLS_PORT" "$GANGWAY_HOST" "$ROUTE_CIPHER"
                fi
                stop_pid "$SSH_PID"
            done
            if tls_on; then
                start_gangway_tunnel "gangway-sshtls" "${CIPHERS[0]}" tls
                measure_tls_route gangway-https-sshtls "Gangway HTTPS, tunnel over SSH-in-TLS ($(pass_label "${CIPHERS[0]}"))" \
                    "127.0.0.1:$GANGWAY_TLS_PORT" "$GANGWAY_HOST" "$ROUTE_CIPHER"
                stop_pid "$SSH_PID"
            fi
        fi
    fi

    if has_route cluster; then
        if ! require_gangway_build || [[ ! -x $CLUSTER_SCRIPT ]]; then
            SKIPPED="${SKIPPED:+$SKIPPED; }cluster (build first: mvn -DskipTests package)"
            log "skipping cluster: build first"
        else
            measure_cluster
        fi
    fi

    report
}

# On one line, so that bash has read it whole before running: editing this file during a run cannot then
# feed the running shell a shifted remainder.
main "$@"; exit $?

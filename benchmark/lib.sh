# Shared by benchmark/run.sh and benchmark/soak.sh (sourced, not run): logging and cleanup of what a script started,
# ports, the stock ssh client, the Gangway server copy and its management API, and the WebSocket echo backend.
#
# A sourcing script sets LOG_TAG and, before starting anything, WORK (its temporary directory); it may define
# on_die (called once, by the main shell only, before a die exits) and on_cleanup (called on exit, before what lib.sh
# stops itself).

LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$LIB_DIR/.." && pwd)

GANGWAY_SERVER=${GANGWAY_SERVER:-$REPO_DIR/wildfly-config/target/server}
GANGWAY_EAR=${GANGWAY_EAR:-$REPO_DIR/proxy-ear/target/proxy-ear.ear}
GANGWAY_CONFIG=${GANGWAY_CONFIG:-$REPO_DIR/wildfly-config/target/pristine-configuration/standalone.xml}
# Gangway's ports are fixed by the brief: offset 500 -> HTTP 8580, management 10490; SSH 2722. The benchmark and
# the soak share them: they are not meant to run at the same time (each would skew the other's figures).
# GANGWAY_PORT_OFFSET and GANGWAY_SSH_PORT move them, for a machine where something else holds those ports.
GANGWAY_OFFSET=${GANGWAY_PORT_OFFSET:-500}
GANGWAY_HTTP_PORT=$((8080 + GANGWAY_OFFSET))
GANGWAY_MGMT_PORT=$((9990 + GANGWAY_OFFSET))
GANGWAY_SSH_PORT=${GANGWAY_SSH_PORT:-2722}
# The public TLS port (HTTPS and SSH over TLS) is a resource-adapter setting, not a socket binding, so the offset does
# not move it; Undertow's https-listener behind it is the socket binding gangway-https-backend (8444 + offset).
GANGWAY_TLS_PORT=${GANGWAY_TLS_PORT:-8943}
GANGWAY_HTTPS_BACKEND_PORT=$((8444 + GANGWAY_OFFSET))
# The development management user the build ships (README, "Admin console"); only ever reached on loopback.
GANGWAY_MGMT_USER=${GANGWAY_MGMT_USER:-admin}
GANGWAY_MGMT_PASSWORD=${GANGWAY_MGMT_PASSWORD:-gangway}

# Pinned, so that every run talks to the same echo implementation.
WS_MODULE_VERSION=8.23.0

LOG_TAG=${LOG_TAG:-bench}
WORK=""
# PIDs of what this script started, stopped in reverse order on exit. A PID leaves the list once reaped
# (forget_pid), so that cleanup never signals a number the kernel may have given to someone else since.
STARTED_PIDS=()
GANGWAY_STARTED=false

log() { printf '%s [%s] %s\n' "$(date +%H:%M:%S)" "$LOG_TAG" "$*" >&2; }

die() {
    log "ERROR: $*"
    # die also runs inside $(...) subshells; only the main shell may report.
    if [[ $BASHPID == "$$" ]] && declare -F on_die >/dev/null; then
        on_die "$*"
    fi
    exit 1
}

# ---------------------------------------------------------------------------------------------------------------
# Cleanup: everything the script started, and nothing else (by PID, never by name).
# ---------------------------------------------------------------------------------------------------------------
stop_pid() {
    local pid=$1 signal=${2:-TERM} i
    kill -0 "$pid" 2>/dev/null || return 0
    kill "-$signal" "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    log "process $pid ignored SIG$signal for 5 s; killing it"
    kill -KILL "$pid" 2>/dev/null || true
}

# After `wait`ing for a child: it is gone, and its PID may be reused.
forget_pid() {
    local pid=$1 i
    for i in "${!STARTED_PIDS[@]}"; do
        [[ ${STARTED_PIDS[i]} == "$pid" ]] && unset 'STARTED_PIDS[i]'
    done
    STARTED_PIDS=("${STARTED_PIDS[@]}")
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
    # A sourcing script's own servers (run.sh's cluster) stop first, while the work dir is still there.
    if declare -F on_cleanup >/dev/null; then on_cleanup; fi
    stop_gangway
    local i
    for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
        # A stopped (SIGSTOP) process does not act on SIGTERM until continued.
        kill -CONT "${STARTED_PIDS[i]}" 2>/dev/null || true
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

install_cleanup_traps() {
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# Every WebSocket costs a descriptor or two in each process on its way (load generator, nginx, sshd, ssh, the JVM,
# the echo backend); children inherit the limit. Root may raise the hard limit too.
raise_fd_limit() {
    local want=$1 hard soft
    hard=$(ulimit -Hn)
    soft=$(ulimit -Sn)
    [[ $soft == unlimited ]] || ((soft >= want)) && return 0
    if [[ $hard != unlimited ]] && ((hard < want)); then
        ulimit -Hn "$want" 2>/dev/null || want=$hard
    fi
    ulimit -Sn "$want" 2>/dev/null || true
    log "open files limit raised from $soft to $(ulimit -Sn)"
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
    # -k: the HTTPS routes present self-signed certificates made for the run.
    local args=(-s -k -o /dev/null -w '%{http_code}' --max-time 5)
    [[ -n $host ]] && args+=(-H "Host: $host")
    while ((SECONDS < deadline)); do
        [[ $(curl "${args[@]}" "$url" 2>/dev/null || true) == 200 ]] && return 0
        sleep 0.3
    done
    die "$what did not answer 200 at $url within ${seconds}s"
}

# Resident memory in MB of the given processes and all their descendants.
tree_rss_mb() {
    ps -e -o pid=,ppid=,rss= | awk -v roots="$*" '
        BEGIN { n = split(roots, r, " "); for (i = 1; i <= n; i++) want[r[i]] = 1 }
        { pid[NR] = $1; ppid[NR] = $2; rss[NR] = $3 }
        END {
            do { grew = 0; for (i = 1; i <= NR; i++) if (!(pid[i] in want) && (ppid[i] in want)) { want[pid[i]] = 1; grew = 1 } } while (grew)
            for (i = 1; i <= NR; i++) if (pid[i] in want) kb += rss[i]
            printf "%.0f", kb / 1024
        }'
}

# ---------------------------------------------------------------------------------------------------------------
# SSH clients (stock OpenSSH, compiled-in defaults: -F none ignores any ssh_config that could change ciphers)
# ---------------------------------------------------------------------------------------------------------------
make_client_key() {
    ssh-keygen -q -t ed25519 -N '' -C "gangway-$LOG_TAG" -f "$WORK/client_key"
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

# PROTOCOL.md: clientId = first 8 chars, lowercased, of base64url(SHA-1(public key blob)) without '_' and '-';
# a clean short name keeps itself: key "<name>-<clientId>". A cross-check of what hello answers.
expected_tunnel_label() {
    local name=$1 id
    id=$(awk '{print $2}' "$WORK/client_key.pub" | base64 -d | openssl dgst -sha1 -binary | base64 |
        tr '+/' '-_' | tr -d '=_-' | cut -c1-8 | tr '[:upper:]' '[:lower:]')
    echo "$name-$id"
}

# The host (name:port) of tunnel /<name> in the hello answer ssh-<label>.out holds, waiting up to 20 s for it while
# the client runs; prints nothing when it does not come.
hello_tunnel_host() {
    local label=$1 name=$2 pid=$3 deadline=$((SECONDS + 20)) url=""
    while ((SECONDS < deadline)); do
        url=$(grep -o "\"/$name\":\"http[^\"]*\"" "$WORK/ssh-$label.out" 2>/dev/null | head -1 |
            sed -E 's#^"[^"]*":"##; s#"$##' || true)
        [[ -n $url ]] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    sed -E 's#^[a-z]+://##; s#/.*$##' <<<"$url"
}

# ---------------------------------------------------------------------------------------------------------------
# Gangway (a copy of the configured WildFly server with the EAR deployed)
# ---------------------------------------------------------------------------------------------------------------
require_gangway_build() {
    [[ -d $GANGWAY_SERVER/bin && -f $GANGWAY_EAR ]]
}

cli() {
    "$WORK/gangway-server/bin/jboss-cli.sh" --controller=localhost:$GANGWAY_MGMT_PORT -c --commands="$1" 2>>"$WORK/cli.log"
}

# Extra arguments go to standalone.sh (e.g. -Dgangway.ssh.keepalive-interval=2).
start_gangway() {
    local p
    for p in $GANGWAY_HTTP_PORT $GANGWAY_MGMT_PORT $GANGWAY_SSH_PORT $GANGWAY_TLS_PORT $GANGWAY_HTTPS_BACKEND_PORT; do
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
    log "starting Gangway (HTTP $GANGWAY_HTTP_PORT, SSH $GANGWAY_SSH_PORT, TLS $GANGWAY_TLS_PORT, management $GANGWAY_MGMT_PORT)"
    env "${env[@]}" "$WORK/gangway-server/bin/standalone.sh" \
        -Djboss.socket.binding.port-offset=$GANGWAY_OFFSET \
        -Dgangway.ssh.port=$GANGWAY_SSH_PORT -Dgangway.ssh.bind-address=127.0.0.1 \
        -Dgangway.tls.port=$GANGWAY_TLS_PORT -Dgangway.tls.bind-address=127.0.0.1 \
        -Dgangway.base-url=http://localhost:$GANGWAY_HTTP_PORT "$@" \
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
    GANGWAY_PID=$(cat "$WORK/gangway.pid")
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

# The HTTP management API (JSON over HTTP, digest auth): cheap enough to call every second, unlike jboss-cli,
# which starts a JVM per call. Prints the response.
mgmt() {
    curl -s --max-time 30 --digest -u "$GANGWAY_MGMT_USER:$GANGWAY_MGMT_PASSWORD" \
        -H 'Content-Type: application/json' -d "$1" "http://127.0.0.1:$GANGWAY_MGMT_PORT/management"
}

MGMT_MEMORY='[{"core-service":"platform-mbean"},{"type":"memory"}]'
MGMT_THREADING='[{"core-service":"platform-mbean"},{"type":"threading"}]'

# Heap in use, in bytes (empty if the server did not answer).
gangway_heap_used() {
    mgmt "{\"operation\":\"read-attribute\",\"address\":$MGMT_MEMORY,\"name\":\"heap-memory-usage\"}" |
        grep -o '"used" *: *[0-9]*' | grep -o '[0-9]*$' || true
}

# Heap in use right after a full collection (System.gc() through the platform MBean), in bytes.
gangway_heap_after_gc() {
    mgmt "{\"operation\":\"gc\",\"address\":$MGMT_MEMORY}" >/dev/null || true
    gangway_heap_used
}

gangway_thread_count() {
    mgmt "{\"operation\":\"read-attribute\",\"address\":$MGMT_THREADING,\"name\":\"thread-count\"}" |
        grep -o '"result" *: *[0-9]*' | grep -o '[0-9]*$' || true
}

mb() { [[ -n ${1:-} ]] && awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}' || echo ""; }

# ---------------------------------------------------------------------------------------------------------------
# WebSocket echo backend (benchmark/ws-echo.js on Node's `ws`, installed at run time into a cache directory)
# ---------------------------------------------------------------------------------------------------------------
install_ws_module() {
    command -v node >/dev/null && command -v npm >/dev/null ||
        die "the WebSocket echo backend needs node and npm (Debian: apt-get install nodejs npm)"
    local dir=${GANGWAY_BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gangway-bench}/node-ws-$WS_MODULE_VERSION
    if [[ ! -f $dir/node_modules/ws/package.json ]]; then
        log "installing ws@$WS_MODULE_VERSION from the npm registry into $dir"
        mkdir -p "$dir"
        npm install --no-save --no-audit --no-fund --no-package-lock --prefix "$dir" "ws@$WS_MODULE_VERSION" \
            >"$WORK/npm.log" 2>&1 || die "npm install ws@$WS_MODULE_VERSION failed: $(tail -5 "$WORK/npm.log")"
    fi
    WS_NODE_PATH=$dir/node_modules
}

start_ws_echo() {
    local port=$1
    require_free_port "$port" "WebSocket echo backend"
    NODE_PATH=$WS_NODE_PATH node "$LIB_DIR/ws-echo.js" "$port" >"$WORK/ws-echo.log" 2>&1 &
    STARTED_PIDS+=($!)
    WS_ECHO_PID=$!
    wait_for_http "http://127.0.0.1:$port/" "the WebSocket echo backend (log: $WORK/ws-echo.log)" 10
    log "WebSocket echo backend on 127.0.0.1:$port (node $(node --version), ws $WS_MODULE_VERSION)"
}

#!/usr/bin/env bash
# A two-node Gangway cluster on this machine, for trying clustering out (README: Cluster).
#
#   cluster/gangway-cluster.sh start    # build first: mvn -DskipTests package
#   cluster/gangway-cluster.sh stop
#   cluster/gangway-cluster.sh status
#
# Node 1 uses the single-node defaults (HTTP 8080, SSH 2222, HTTPS/SSH-over-TLS 8443, management 9990); node 2 every
# port 100 higher (HTTP 8180, SSH 2322, HTTPS 8543, management 10090). Both run the one provisioned server
# (wildfly-config/target/server) with base directories of their own under wildfly-config/target/cluster/node1|node2
# (logs in <node>/log/server.log), started with its cluster profile, standalone-cluster.xml. They share
# wildfly-config/target/cluster/shared: SSH host key, identity key, TLS key store, the H2 key registry
# (AUTO_SERVER=TRUE), the demo's cluster secret and the key store of the key that encrypts cluster messages. Tunnel URLs name node 1 (http://<name>-<id>.localhost:8080), as
# they would name the load balancer in front of a real cluster; node 2 serves the same hosts on 8180.
#
# Environment: GANGWAY_CLUSTER_NAME (default gangway-demo) keeps this cluster apart from any other on the machine;
# GANGWAY_CLUSTER_JAVA_OPTS sets the JVMs' options (default -Xms64m -Xmx512m); GANGWAY_CLUSTER_DIR puts the nodes and
# the shared directory elsewhere (default wildfly-config/target/cluster; the benchmark uses its own work directory).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server="$root/wildfly-config/target/server"
ear="$root/proxy-ear/target/proxy-ear.ear"
cluster="${GANGWAY_CLUSTER_DIR:-$root/wildfly-config/target/cluster}"
shared="$cluster/shared"
name="${GANGWAY_CLUSTER_NAME:-gangway-demo}"
java_opts="${GANGWAY_CLUSTER_JAVA_OPTS:--Xms64m -Xmx512m}"
nodes=(1 2)

# node number -> port offset: 0, 100
offset() { echo $(( ($1 - 1) * 100 )); }

management_port() { echo $(( 9990 + $(offset "$1") )); }

cli() {
    "$server/bin/jboss-cli.sh" -c --controller="localhost:$(management_port "$1")" "$@"
}

is_running() {
    local pid_file="$cluster/node$1/gangway.pid"
    [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

prepare() {
    [[ -f "$server/standalone/configuration/standalone-cluster.xml" ]] \
        || { echo "No cluster profile in $server: build first (mvn -DskipTests package)" >&2; exit 1; }
    [[ -f "$ear" ]] || { echo "No $ear: build first (mvn -DskipTests package)" >&2; exit 1; }
    mkdir -p "$shared"
    # One certificate for every node: the build's self-signed one unless a real one was put there.
    [[ -f "$shared/gangway-tls.p12" ]] || cp "$server/standalone/configuration/gangway-tls.p12" "$shared/"
    # The cluster secret (JGroups AUTH and the node-to-node port): made once, readable by the owner only.
    if [[ ! -f "$shared/cluster-secret" ]]; then
        (umask 077; head -c 32 /dev/urandom | base64 > "$shared/cluster-secret")
    fi
    # The AES key that encrypts cluster messages (SYM_ENCRYPT), in a PKCS12 key store whose password is the cluster
    # secret (given through the environment, not the command line).
    if [[ ! -f "$shared/gangway-cluster.p12" ]]; then
        (umask 077; GANGWAY_CLUSTER_SECRET="$(cat "$shared/cluster-secret")" keytool -genseckey -alias gangway-cluster \
            -keyalg AES -keysize 256 -storetype PKCS12 -keystore "$shared/gangway-cluster.p12" \
            -storepass:env GANGWAY_CLUSTER_SECRET > /dev/null)
    fi
    for n in "${nodes[@]}"; do
        local base="$cluster/node$n"
        # A running node keeps its deployment (a new EAR in its scanner directory would redeploy it).
        is_running "$n" && continue
        if [[ ! -d "$base/configuration" ]]; then
            mkdir -p "$base"
            cp -r "$server/standalone/configuration" "$base/"
            mkdir -p "$base/deployments" "$base/data" "$base/log"
        fi
        # The cluster profile as last built; the node's other configuration files (its history) are kept.
        cp "$server/standalone/configuration/standalone-cluster.xml" "$base/configuration/"
        # Markers of an earlier run would read as "deployed" before this run has deployed anything.
        rm -f "$base/deployments/proxy-ear.ear".*
        cp "$ear" "$base/deployments/"
    done
}

start_node() {
    local n=$1 off base hosts
    off=$(offset "$n")
    base="$cluster/node$n"
    hosts="127.0.0.1[7600],127.0.0.1[7700]"
    if is_running "$n"; then
        echo "node$n is already running (pid $(cat "$base/gangway.pid"))"
        return
    fi
    # The management port of the configuration is 9990 + offset; SSH and TLS ports are the adapter's own settings
    # (not socket bindings), so they are given explicitly. The peer port (node-to-node streams) is its default, 7650,
    # + offset.
    # LAUNCH_JBOSS_IN_BACKGROUND + JBOSS_PIDFILE: standalone.sh writes the JVM's own pid, which is what stop
    # (and a kill -9 when trying failover) must target, not the script's.
    rm -f "$base/gangway.pid"
    LAUNCH_JBOSS_IN_BACKGROUND=1 JBOSS_PIDFILE="$base/gangway.pid" \
    JAVA_OPTS="$java_opts -Djava.net.preferIPv4Stack=true" nohup "$server/bin/standalone.sh" \
        -c standalone-cluster.xml \
        -Djboss.server.base.dir="$base" \
        -Djboss.node.name="node$n" \
        -Djboss.tx.node.id="node$n" \
        -Djboss.socket.binding.port-offset="$off" \
        -Dgangway.ssh.port=$(( 2222 + off )) \
        -Dgangway.tls.port=$(( 8443 + off )) \
        -Dgangway.base-url=http://localhost:8080 \
        -Dgangway.cluster.name="$name" \
        -Dgangway.cluster.hosts="$hosts" \
        -Dgangway.cluster.secret="$(cat "$shared/cluster-secret")" \
        -Dgangway.shared.dir="$shared" \
        > "$base/log/console.log" 2>&1 &
    for _ in $(seq 1 50); do [[ -s "$base/gangway.pid" ]] && break; sleep 0.2; done
    echo "node$n starting (pid $(cat "$base/gangway.pid")): HTTP $(( 8080 + off )), SSH $(( 2222 + off )), HTTPS $(( 8443 + off )), management $(management_port "$n"), log $base/log/server.log"
}

await_deployed() {
    local n=$1 deadline=$((SECONDS + 180))
    until [[ -f "$cluster/node$n/deployments/proxy-ear.ear.deployed" ]]; do
        if [[ -f "$cluster/node$n/deployments/proxy-ear.ear.failed" ]]; then
            echo "node$n: deployment failed, see $cluster/node$n/log/server.log" >&2
            return 1
        fi
        if ! is_running "$n"; then
            echo "node$n exited, see $cluster/node$n/log/console.log" >&2
            return 1
        fi
        if (( SECONDS > deadline )); then
            echo "node$n: not deployed after 180 s, see $cluster/node$n/log/server.log" >&2
            return 1
        fi
        sleep 1
    done
    echo "node$n ready"
}

stop_node() {
    local n=$1 base="$cluster/node$1" pid
    if ! is_running "$n"; then
        rm -f "$base/gangway.pid"
        echo "node$n is not running"
        return
    fi
    pid=$(cat "$base/gangway.pid")
    # Graceful: the adapter releases its tunnels from the cluster directory and disconnects its SSH clients, so
    # they reconnect to the other node at once.
    cli --command=:shutdown > /dev/null 2>&1 || kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "node$n did not stop within 60 s; killing it"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$base/gangway.pid" "$base/deployments/proxy-ear.ear"
    echo "node$n stopped"
}

case "${1:-}" in
    start)
        prepare
        # Node 1 first: it creates the shared host key, identity key and database; node 2 then reads them.
        # (start also brings back a node that was stopped or killed while the other one runs.)
        for n in "${nodes[@]}"; do
            if ! is_running "$n"; then
                start_node "$n"
                await_deployed "$n"
            fi
        done
        echo "Cluster $name up. Try: ssh -R /web:localhost:3000 -p 2222 localhost hello, then the tunnel URL on port 8180."
        ;;
    stop)
        for n in "${nodes[@]}"; do stop_node "$n"; done
        ;;
    status)
        for n in "${nodes[@]}"; do
            if is_running "$n"; then echo "node$n running (pid $(cat "$cluster/node$n/gangway.pid"))"; else echo "node$n stopped"; fi
        done
        ;;
    *)
        echo "usage: $0 start|stop|status" >&2
        exit 2
        ;;
esac

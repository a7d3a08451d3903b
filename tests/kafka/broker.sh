#!/bin/sh
# broker.sh — a throw-away Apache Kafka broker for the tests (tests/kafka/),
# in KRaft mode (one process is broker and controller), on 127.0.0.1 only,
# on two free ports picked at random.
#
#   sh tests/kafka/broker.sh start DIR    prints host:port once it serves
#   sh tests/kafka/broker.sh stop DIR     stops it (TERM, then KILL)
#
# DIR holds the configuration, the log directory, the broker's output
# (DIR/broker.log) and its pid.  Jars: tests/kafka/fetch-kafka.sh.  Topics
# are created on first use with two partitions (num.partitions=2).
set -eu
cmd=$1
dir=$2
here=$(cd "$(dirname "$0")" && pwd)

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

case $cmd in
start)
    jars=$(sh "$here/fetch-kafka.sh")
    mkdir -p "$dir/data"
    bport=$(free_port)
    cport=$(free_port)
    while [ "$cport" = "$bport" ]; do cport=$(free_port); done
    cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$bport,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$bport
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=2
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=2
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
group.min.session.timeout.ms=2000
log.flush.interval.messages=1000000
PROPS
    # a cluster id is a UUID in URL-safe base64 (what StorageTool random-uuid
    # prints); like Kafka's Uuid.randomUuid, never one starting with `-`,
    # which the tool's argument parser takes for an option (1 run in 64
    # failed "--cluster-id/-t: expected one argument")
    uuid=$(python3 -c 'import base64,uuid
while True:
    s = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    if not s.startswith("-"): break
print(s)')
    java -cp "$jars/*" kafka.tools.StorageTool format --cluster-id="$uuid" -c "$dir/server.properties" \
        >"$dir/format.log" 2>&1 || { cat "$dir/format.log" >&2; exit 1; }
    # KAFKA_HEAP_OPTS-like bounds: the machine is shared
    nohup java -Xmx512m -Xms128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
        -cp "$jars/*" kafka.Kafka "$dir/server.properties" >"$dir/broker.log" 2>&1 &
    echo $! >"$dir/pid"
    i=0
    until kcat -L -b "127.0.0.1:$bport" -m 2 >/dev/null 2>&1; do
        i=$((i + 1))
        if [ $i -ge 90 ] || ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
            tail -20 "$dir/broker.log" >&2
            echo "broker.sh: the broker did not start" >&2
            exit 1
        fi
        sleep 1
    done
    echo "127.0.0.1:$bport" >"$dir/address"
    echo "127.0.0.1:$bport"
    ;;
stop)
    [ -f "$dir/pid" ] || exit 0
    pid=$(cat "$dir/pid")
    kill "$pid" 2>/dev/null || exit 0
    i=0
    while kill -0 "$pid" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.5; i=$((i + 1)); done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/pid"
    ;;
*) echo "usage: broker.sh start|stop DIR" >&2; exit 2 ;;
esac

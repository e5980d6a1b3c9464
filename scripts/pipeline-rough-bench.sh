#!/bin/bash
# A rough, interim measurement of `upload-worker run` (the real benchmark is `upload-worker bench`).
# Usage: scripts/pipeline-rough-bench.sh <binary> <mode: dup|upload> <count> [latency] [inflight]
#   dup:    100 URLs uploaded first (warm store), then <count> requests for them (no API call)
#   upload: <count> distinct URLs
# Runs dev-kafka (8 partitions), the emulator and the worker as separate processes, produces with
# Python's confluent-kafka, and prints records/s (first record produced to last event
# acknowledged, from /metrics), the worker's CPU per record (/proc utime+stime) and its peak RSS.
# Env: LOG_LEVEL (default info), PERF=1 to record a perf profile in the run directory.
set -u
B=$1; MODE=$2; N=$3; LAT=${4:-0ms}; INFLIGHT=${5:-64}
D=$(mktemp -d /tmp/pipeline-bench.XXXX); cd $D
$B dev-kafka --partitions 8 > kafka.out 2> kafka.err & KPID=$!
$B emulator --listen 127.0.0.1:0 --latency $LAT > emu.out 2> emu.err & EPID=$!
for i in $(seq 50); do [ -s kafka.out ] && [ -s emu.out ] && break; sleep 0.1; done
BS=$(head -1 kafka.out); EMU=$(head -1 emu.out)
export KAFKA_BOOTSTRAP_SERVERS=$BS CLOUDFLARE_ACCOUNT_ID=acc CLOUDFLARE_API_TOKEN=tok CLOUDFLARE_API_BASE_URL=$EMU/client/v4 \
  IDEMPOTENCY_STORE=sqlite:$D/store.sqlite METRICS_LISTEN=127.0.0.1:${MPORT:=$((20000 + RANDOM % 20000))} LOG_LEVEL=${LOG_LEVEL:-info} LOG_FORMAT=json \
  KAFKA_SESSION_TIMEOUT_MS=6000 KAFKA_HEARTBEAT_INTERVAL_MS=500 UPLOAD_RATE=0 MAX_IN_FLIGHT=$INFLIGHT KAFKA_LINGER_MS=${LINGER:-5}
DISTINCT=$N; [ $MODE = dup ] && DISTINCT=100
if [ $MODE = dup ]; then
  # Warm the store: the distinct URLs once.
  python3 - $BS $EMU 100 100 warm <<'PY'
import sys, json
from confluent_kafka import Producer
p=Producer({'bootstrap.servers':sys.argv[1],'linger.ms':20})
for i in range(int(sys.argv[3])):
    p.produce('image-upload-requests', key=str(i), value=json.dumps({'url': f'{sys.argv[2]}/origin/{sys.argv[5]}/img-{i%int(sys.argv[4])}-8x8.png'}))
p.flush()
PY
  $B run > warm.log 2>&1 & WPID=$!
  for i in $(seq 900); do c=$(curl -s 127.0.0.1:$MPORT/metrics | awk '/^upload_worker_events_published_total/ {s+=$2} END {print s+0}'); [ "${c%.*}" -ge 100 ] && break; sleep 0.1; done
  kill -TERM $WPID; wait $WPID
fi
$B run > worker.log 2>&1 & WPID=$!
for i in $(seq 900); do curl -sf 127.0.0.1:$MPORT/readyz > /dev/null && break; sleep 0.1; done
PORT=$MPORT
[ -n "${PERF:-}" ] && { perf record -F 499 -g -p $WPID -o $D/perf.data > perf.out 2>&1 & PERFPID=$!; }
T0=$(date +%s.%N); read U0 S0 < <(awk '{print $14, $15}' /proc/$WPID/stat)
python3 - $BS $EMU $N $DISTINCT $MODE <<'PY'
import sys, json
from confluent_kafka import Producer
p=Producer({'bootstrap.servers':sys.argv[1],'linger.ms':20})
n=int(sys.argv[3]); d=int(sys.argv[4])
prefix = 'warm' if sys.argv[5]=='dup' else 'up'
for i in range(n):
    p.produce('image-upload-requests', key=str(i), value=json.dumps({'url': f'{sys.argv[2]}/origin/{prefix}/img-{i%d}-8x8.png'}))
    if i % 10000 == 0: p.poll(0)
p.flush()
PY
TP=$(date +%s.%N)
while true; do
  done_=$(curl -s 127.0.0.1:$PORT/metrics | awk '/^upload_worker_events_published_total/ {s+=$2} END {print s+0}')
  [ "${done_%.*}" -ge $N ] && break; sleep 0.05
done
T1=$(date +%s.%N); read U1 S1 < <(awk '{print $14, $15}' /proc/$WPID/stat)
[ -n "${PERF:-}" ] && { kill -INT $PERFPID; wait $PERFPID; }
HWM=$(grep VmHWM /proc/$WPID/status | awk '{print $2}')
kill -TERM $WPID; wait $WPID; RC=$?
kill -TERM $KPID $EPID; wait $KPID $EPID 2>/dev/null
TCK=$(getconf CLK_TCK)
python3 -c "
n=$N; el=$T1-$T0; cpu=(($U1-$U0)+($S1-$S0))/$TCK
print(f'mode=$MODE n={n} latency=$LAT inflight=$INFLIGHT: {n/el:,.0f} records/s ({el:.2f} s; producing took {$TP-$T0:.2f} s), worker CPU {cpu:.2f} s = {cpu/n*1e6:.0f} us/record, peak RSS {$HWM/1024:.0f} MB, exit {$RC}')
"
echo "logs: $D"

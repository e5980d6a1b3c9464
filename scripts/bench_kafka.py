#!/usr/bin/env python3
"""Acknowledged-produce and consume throughput of confluent-kafka (Python) against a running Kafka,
for side-by-side figures with `upload-worker bench kafka` (which starts the embedded Kafka and runs
this script against it). Prints one JSON object on stdout.

usage: bench_kafka.py --bootstrap HOST:PORT --topic TOPIC --records N [--size 200] [--partitions 64]
"""
import argparse
import json
import sys
import time

import confluent_kafka
from confluent_kafka import Consumer, Producer


def produce(bootstrap, topic, records, size, partitions):
    producer = Producer({
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 5,
        "queue.buffering.max.messages": 1_000_000,
    })
    value = b"x" * size
    acked = 0
    failed = 0

    def on_delivery(err, _msg):
        nonlocal acked, failed
        if err is None:
            acked += 1
        else:
            failed += 1

    start = time.perf_counter()
    cpu_start = time.process_time()
    for i in range(records):
        # Blocks of 1000 per partition, as the Swift bench does (even spread, large batches).
        partition = (i // 1000) % partitions
        while True:
            try:
                producer.produce(topic, value, partition=partition, on_delivery=on_delivery)
                break
            except BufferError:
                producer.poll(0.001)
        producer.poll(0)
    producer.flush(120)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return {"acked": acked, "failed": failed, "seconds": elapsed, "per_second": acked / elapsed, "cpu_seconds": cpu}


def consume(bootstrap, topic, records):
    consumer = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"py-bench-{time.time_ns()}",
        "auto.offset.reset": "earliest",
        "enable.auto.offset.store": False,
        "fetch.wait.max.ms": 50,
        "session.timeout.ms": 6000,
    })
    consumer.subscribe([topic])
    count = 0
    start = None
    cpu_start = 0.0
    deadline = time.monotonic() + 120
    while count < records and time.monotonic() < deadline:
        batch = consumer.consume(num_messages=1000, timeout=0.5)
        for message in batch:
            if message.error() is None:
                if start is None:
                    start = time.perf_counter()
                    cpu_start = time.process_time()
                count += 1
    elapsed = time.perf_counter() - (start or time.perf_counter())
    cpu = time.process_time() - cpu_start
    consumer.close()
    return {"records": count, "seconds": elapsed, "per_second": count / elapsed if elapsed > 0 else 0, "cpu_seconds": cpu}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--size", type=int, default=200)
    parser.add_argument("--partitions", type=int, default=64)
    args = parser.parse_args()
    result = {
        "client": f"confluent-kafka {confluent_kafka.__version__} / librdkafka {confluent_kafka.libversion()[0]}",
        "produce": produce(args.bootstrap, args.topic, args.records, args.size, args.partitions),
        "consume": consume(args.bootstrap, args.topic, args.records),
    }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()

import Foundation
import Kafka
import Testing

/// The Swift client against independent clients (Python's confluent-kafka, kcat), both ways, on
/// the embedded Kafka.
@Suite("Cross-check with independent Kafka clients")
struct CrossClientTests {
    static let pythonProducer = """
        import sys
        from confluent_kafka import Producer
        bootstrap, topic, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
        p = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True})
        failed = []
        for i in range(n):
            p.produce(topic, key=f"py-key-{i}".encode(), value=f"py-value-{i}".encode(),
                      headers=[("origin", b"python"), ("index", str(i).encode())],
                      on_delivery=lambda err, msg: failed.append(str(err)) if err else None)
        left = p.flush(30)
        print(f"left={left} failed={failed}", file=sys.stderr)
        sys.exit(1 if left or failed else 0)
        """

    static let pythonConsumer = """
        import json, sys, time
        from confluent_kafka import Consumer
        bootstrap, topic, group, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        c = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "auto.offset.reset": "earliest",
                      "session.timeout.ms": 6000, "fetch.wait.max.ms": 50})
        c.subscribe([topic])
        out, deadline = [], time.time() + 45
        while len(out) < n and time.time() < deadline:
            m = c.poll(0.2)
            if m is None or m.error():
                continue
            out.append({"key": m.key().decode(), "value": m.value().decode(),
                        "headers": {k: v.decode() for k, v in (m.headers() or [])}})
        c.close()
        print(json.dumps(out))
        """

    struct PythonRecord: Decodable, Hashable {
        var key: String
        var value: String
        var headers: [String: String]
    }

    @Test("records produced by confluent-kafka are read by the Swift consumer, and the reverse")
    func python() async throws {
        let cluster = try MockKafkaCluster(brokers: 2, logger: testLogger("mock"))
        let fromPython = uniqueName("from-python"), fromSwift = uniqueName("from-swift")
        try cluster.createTopic(fromPython, partitions: 3)
        try cluster.createTopic(fromSwift, partitions: 3)
        let n = 50

        let produced = try await ExternalProcess.run(ExternalProcess.python, ["-c", Self.pythonProducer, cluster.bootstrapServers, fromPython, "\(n)"])
        #expect(produced.status == 0, "python producer: \(produced.stderrText)")
        let consumer = try KafkaConsumer(
            config: consumerConfig(cluster, group: uniqueName("g")), topics: [fromPython],
            options: quickConsumerOptions(), logger: testLogger("consumer"))
        let collector = RecordCollector(consumer)
        let received = try await collector.waitFor(n)
        #expect(Set(received.map { $0.key!.utf8String }) == Set((0..<n).map { "py-key-\($0)" }))
        for record in received {
            let index = try #require(record.header("index")?.utf8String)
            #expect(record.value?.utf8String == "py-value-\(index)")
            #expect(record.header("origin")?.utf8String == "python")
        }
        collector.stop()
        await consumer.close()

        let producer = try KafkaProducer(config: producerConfig(cluster), logger: testLogger("producer"))
        for i in 0..<n {
            _ = try await producer.send(
                topic: fromSwift, key: Data("swift-key-\(i)".utf8), value: Data("swift-value-\(i)".utf8),
                headers: [KafkaHeader(name: "origin", string: "swift")])
        }
        await producer.close()
        let consumed = try await ExternalProcess.run(
            ExternalProcess.python, ["-c", Self.pythonConsumer, cluster.bootstrapServers, fromSwift, uniqueName("py"), "\(n)"])
        #expect(consumed.status == 0, "python consumer: \(consumed.stderrText)")
        let records = try JSONDecoder().decode([PythonRecord].self, from: consumed.stdout)
        #expect(Set(records) == Set((0..<n).map {
            PythonRecord(key: "swift-key-\($0)", value: "swift-value-\($0)", headers: ["origin": "swift"])
        }))
        await cluster.shutdown()
    }

    @Test("records produced by kcat are read by the Swift consumer, and the reverse")
    func kcat() async throws {
        let cluster = try MockKafkaCluster(brokers: 1, logger: testLogger("mock"))
        let fromKcat = uniqueName("from-kcat"), fromSwift = uniqueName("from-swift")
        try cluster.createTopic(fromKcat, partitions: 2)
        try cluster.createTopic(fromSwift, partitions: 2)
        let n = 20

        let lines = (0..<n).map { "kcat-key-\($0)|kcat-value-\($0)" }.joined(separator: "\n") + "\n"
        let produced = try await ExternalProcess.run(
            "kcat", ["-b", cluster.bootstrapServers, "-P", "-t", fromKcat, "-K", "|", "-H", "origin=kcat"], stdin: Data(lines.utf8))
        #expect(produced.status == 0, "kcat producer: \(produced.stderrText)")
        let consumer = try KafkaConsumer(
            config: consumerConfig(cluster, group: uniqueName("g")), topics: [fromKcat],
            options: quickConsumerOptions(), logger: testLogger("consumer"))
        let collector = RecordCollector(consumer)
        let received = try await collector.waitFor(n)
        #expect(Set(received.map { "\($0.key!.utf8String)|\($0.value!.utf8String)" }) == Set((0..<n).map { "kcat-key-\($0)|kcat-value-\($0)" }))
        #expect(received.allSatisfy { $0.header("origin")?.utf8String == "kcat" })
        collector.stop()
        await consumer.close()

        let producer = try KafkaProducer(config: producerConfig(cluster), logger: testLogger("producer"))
        for i in 0..<n {
            _ = try await producer.send(topic: fromSwift, key: Data("swift-key-\(i)".utf8), value: Data("swift-value-\(i)".utf8),
                                        headers: [KafkaHeader(name: "origin", string: "swift")])
        }
        await producer.close()
        let consumed = try await ExternalProcess.run(
            "kcat", ["-b", cluster.bootstrapServers, "-C", "-t", fromSwift, "-o", "beginning", "-c", "\(n)", "-e", "-f", "%k|%s|%h\\n"],
            timeout: .seconds(45))
        #expect(consumed.status == 0, "kcat consumer: \(consumed.stderrText)")
        let got = Set(consumed.stdoutText.split(separator: "\n").map(String.init))
        #expect(got == Set((0..<n).map { "swift-key-\($0)|swift-value-\($0)|origin=swift" }))
        await cluster.shutdown()
    }
}

import Foundation
import Kafka
import Testing

@Suite("Producer and consumer against the embedded Kafka")
struct ProducerConsumerTests {
    @Test("round trip keeps keys, values, headers and timestamps")
    func roundTrip() async throws {
        let cluster = try MockKafkaCluster(brokers: 1, logger: testLogger("mock"))
        let topic = uniqueName("roundtrip")
        try cluster.createTopic(topic, partitions: 3)
        let producer = try KafkaProducer(config: producerConfig(cluster), logger: testLogger("producer"))
        var sent: [KafkaProducerRecord] = []
        for i in 0..<30 {
            let key: Data? = i == 7 ? nil : Data("key-\(i % 5)".utf8)
            let headers = [
                KafkaHeader(name: "index", string: "\(i)"),
                KafkaHeader(name: "nullable", value: i % 2 == 0 ? nil : Data("odd".utf8)),
            ]
            sent.append(KafkaProducerRecord(topic: topic, key: key, value: Data("value-\(i)".utf8), headers: headers))
        }
        for record in sent { _ = try await producer.send(record) }
        // A record with an empty (not null) value and a tombstone.
        _ = try await producer.send(topic: topic, key: Data("empty".utf8), value: Data())
        _ = try await producer.send(topic: topic, key: Data("tombstone".utf8), value: nil)

        let consumer = try KafkaConsumer(
            config: consumerConfig(cluster, group: uniqueName("g")), topics: [topic],
            options: quickConsumerOptions(), logger: testLogger("consumer"))
        let collector = RecordCollector(consumer)
        let received = try await collector.waitFor(32)
        #expect(received.count == 32)

        let byIndex = Dictionary(uniqueKeysWithValues: received.compactMap { r in r.header("index").map { (Int($0.utf8String)!, r) } })
        #expect(byIndex.count == 30)
        for (i, record) in sent.enumerated() {
            let got = try #require(byIndex[i])
            #expect(got.topic == topic)
            #expect(got.key == record.key)
            #expect(got.value == record.value)
            #expect(got.headers == record.headers)
            #expect(got.timestamp != nil)
            #expect(got.offset >= 0)
        }
        let empty = try #require(received.first { $0.key == Data("empty".utf8) })
        #expect(empty.value == Data())
        let tombstone = try #require(received.first { $0.key == Data("tombstone".utf8) })
        #expect(tombstone.value == nil)
        // The same key always lands in the same partition.
        let partitionsOfKey0 = Set(received.filter { $0.key == Data("key-0".utf8) }.map(\.partition))
        #expect(partitionsOfKey0.count == 1)

        collector.stop()
        await consumer.close()
        await producer.close()
        await cluster.shutdown()
    }

    @Test("send returns the acknowledged partition and offset")
    func acknowledgement() async throws {
        let cluster = try MockKafkaCluster(brokers: 1, logger: testLogger("mock"))
        let topic = uniqueName("ack")
        try cluster.createTopic(topic, partitions: 2)
        let producer = try KafkaProducer(config: producerConfig(cluster), logger: testLogger("producer"))
        var offsets: [Int64] = []
        for i in 0..<5 {
            let receipt = try await producer.send(topic: topic, value: Data("\(i)".utf8), partition: 1)
            #expect(receipt.topic == topic)
            #expect(receipt.partition == 1)
            offsets.append(receipt.offset)
        }
        #expect(offsets == [0, 1, 2, 3, 4])

        // The batch form: one result per record, in order.
        let batch = (0..<100).map { KafkaProducerRecord(topic: topic, partition: 0, value: Data("b\($0)".utf8)) }
        let results = await producer.send(batch)
        let receipts = try results.map { try $0.get() }
        #expect(receipts.map(\.offset) == Array(0..<100))
        #expect(producer.fatalError == nil)

        await producer.close()
        await #expect(throws: KafkaError.self) {
            _ = try await producer.send(topic: topic, value: Data("after close".utf8))
        }
        await cluster.shutdown()
    }

    @Test("injected produce errors make send throw once message.timeout.ms passes")
    func deliveryFailure() async throws {
        let cluster = try MockKafkaCluster(brokers: 1, logger: testLogger("mock"))
        let topic = uniqueName("fail")
        try cluster.createTopic(topic, partitions: 1)
        var config = producerConfig(cluster)
        config.messageTimeout = .milliseconds(1500)
        config["retry.backoff.ms"] = "50"
        let producer = try KafkaProducer(config: config, logger: testLogger("producer"))
        // Warm up: the producer knows the partition's leader and has its producer id.
        _ = try await producer.send(topic: topic, value: Data("ok".utf8))

        try cluster.pushRequestErrors(.produce, Array(repeating: .notEnoughReplicas, count: 500))
        let started = ContinuousClock.now
        do {
            _ = try await producer.send(topic: topic, value: Data("doomed".utf8))
            Issue.record("send succeeded despite injected errors")
        } catch {
            #expect(error.code == .messageTimedOut || error.code == .notEnoughReplicas, "\(error)")
            #expect(!error.isFatal)
            // Not a performance check: it must not have failed before the message timeout.
            #expect(ContinuousClock.now - started >= .milliseconds(1400))
        }
        try cluster.clearRequestErrors(.produce)

        // A non-retriable error fails at once.
        try cluster.pushRequestErrors(.produce, [.messageSizeTooLarge])
        await #expect(throws: KafkaError.self) {
            _ = try await producer.send(topic: topic, value: Data("too large".utf8))
        }
        await producer.close()
        await cluster.shutdown()
    }

    @Test("a broker down then up loses nothing; a leader change loses nothing")
    func brokerDownThenUp() async throws {
        let cluster = try MockKafkaCluster(brokers: 3, logger: testLogger("mock"))
        let topic = uniqueName("outage")
        try cluster.createTopic(topic, partitions: 4, replicationFactor: 3)
        var config = producerConfig(cluster)
        config.messageTimeout = .seconds(60)
        let producer = try KafkaProducer(config: config, logger: testLogger("producer"))
        let consumer = try KafkaConsumer(
            config: consumerConfig(cluster, group: uniqueName("g")), topics: [topic],
            options: quickConsumerOptions(), logger: testLogger("consumer"))
        let collector = RecordCollector(consumer)

        let total = 400
        let sender = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<total {
                    group.addTask { _ = try await producer.send(topic: topic, key: Data("k\(i)".utf8), value: Data("v\(i)".utf8)) }
                    if i % 20 == 19 { try await Task.sleep(for: .milliseconds(20)) }
                }
                try await group.waitForAll()
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        try cluster.setBrokerDown(1)
        try cluster.setBrokerDown(2)
        try cluster.setPartitionLeader(topic: topic, partition: 0, broker: 3)
        try await Task.sleep(for: .seconds(1))
        try cluster.setBrokerUp(1)
        try cluster.setBrokerUp(2)
        try cluster.setPartitionLeader(topic: topic, partition: 1, broker: 2)
        try await withTimeout(.seconds(60), "sends") { try await sender.value }

        let received = try await collector.waitFor(total, timeout: .seconds(60))
        let values = received.compactMap { $0.value?.utf8String }
        #expect(Set(values) == Set((0..<total).map { "v\($0)" }))
        // At least once: a consumer may read a record twice around a leader change (seen on a loaded
        // machine), so repeats are reported, not failed; losing one is the failure.
        if values.count != total { print("broker outage: \(values.count - total) records read twice") }

        collector.stop()
        await consumer.close()
        await producer.close()
        await cluster.shutdown()
    }
}

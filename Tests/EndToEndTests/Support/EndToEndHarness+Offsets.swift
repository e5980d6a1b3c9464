import Foundation
import Kafka
import Testing

extension EndToEndHarness {
    /// After the workers have stopped: the group's committed offsets cover every request. A fresh
    /// member of the workers' group starts at the committed offsets; a marker produced to every
    /// partition afterwards must be the first record it sees there (an uncommitted request would
    /// come first).
    func expectCommittedToEnd(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (config, options) = Self.readerSettings(bootstrapServers: cluster.bootstrapServers, group: group)
        let consumer = try KafkaConsumer(config: config, topics: [requestTopic], options: options, logger: logger)
        let markers = (0..<Int32(Self.partitions)).map {
            KafkaProducerRecord(topic: requestTopic, partition: $0, key: Data("marker".utf8), value: Data("marker".utf8))
        }
        for result in await producer.send(markers) { _ = try result.get() }

        let firsts = Task { () -> [Int32: KafkaRecord] in
            var firsts: [Int32: KafkaRecord] = [:]
            for try await record in consumer.records where firsts[record.partition] == nil {
                firsts[record.partition] = record
                if firsts.count == Self.partitions { break }
            }
            return firsts
        }
        let timeout = Task {
            try await Task.sleep(for: .seconds(30))
            await consumer.close()
        }
        let seen = try await firsts.value
        timeout.cancel()
        await consumer.close()
        #expect(seen.count == Self.partitions, "the group's member saw only partitions \(seen.keys.sorted()) within 30 s",
                sourceLocation: sourceLocation)
        for (partition, record) in seen.sorted(by: { $0.key < $1.key }) where record.value != Data("marker".utf8) {
            let payload = String(decoding: (record.value ?? Data()).prefix(200), as: UTF8.self)
            Issue.record("partition \(partition): the group resumes at offset \(record.offset), before the end: not committed: \(payload)\n\(logs())",
                         sourceLocation: sourceLocation)
        }
    }
}

extension EndToEndHarness {
    /// A test-side reader: quick group timings, from the earliest offset, committing nothing.
    static func readerSettings(bootstrapServers: String, group: String) -> (KafkaConfig, KafkaConsumer.Options) {
        var config = KafkaConfig(bootstrapServers: bootstrapServers)
        config.groupID = group
        config.sessionTimeout = .milliseconds(sessionTimeoutMilliseconds)
        config.heartbeatInterval = .milliseconds(500)
        config.fetchWaitMax = .milliseconds(50)
        config.autoOffsetReset = .earliest
        config.enableAutoCommit = false
        var options = KafkaConsumer.Options()
        options.closeTimeout = .seconds(5)
        return (config, options)
    }
}

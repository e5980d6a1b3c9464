import Foundation
import Kafka
import Logging

/// Reads the worker's output topics back, as a downstream consumer would: the demo checks every
/// request's terminal event with it, the worker benchmark counts and times events with it.
/// A group of its own, from the earliest offset, without committing.
final class EventTopicsReader: Sendable {
    let consumer: KafkaConsumer
    let bootstrapServers: String
    let topics: [String]
    /// Header of the records `warmUp` writes; `read` leaves them out.
    static let markerHeader = "event-reader-marker"

    init(bootstrapServers: String, topics: [String], logger: Logger) throws {
        self.bootstrapServers = bootstrapServers
        self.topics = topics
        var config = KafkaConfig(bootstrapServers: bootstrapServers)
        config.groupID = "event-reader-\(UUID().uuidString.prefix(8))"
        config.autoOffsetReset = .earliest
        config.enableAutoCommit = false
        config.sessionTimeout = .seconds(6)
        // An idle fetch waits this long: it bounds how late an event is seen.
        config.fetchWaitMax = .milliseconds(10)
        consumer = try KafkaConsumer(config: config, topics: topics, logger: logger)
    }

    /// Waits until the group has given this reader its partitions (the embedded Kafka's first join
    /// takes about 3 s), so that what is measured later does not include the join. False when
    /// `timeout` passed first.
    func waitForAssignment(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while consumer.assignment.isEmpty {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Writes a marker record to every partition of the topics and waits until all of them are
    /// read back: after an assignment the embedded Kafka's consumer starts fetching only after a
    /// while (about 0.8 s), which would otherwise count in the first events' latency. Writing
    /// with the producer that sends the requests later warms it up too (connection, producer ID).
    func warmUp(partitionsPerTopic: Int, timeout: Duration, producer: KafkaProducer) async throws -> Bool {
        let markers = topics.flatMap { topic in
            (0..<Int32(partitionsPerTopic)).map {
                KafkaProducerRecord(topic: topic, partition: $0, value: Data(), headers: [KafkaHeader(name: Self.markerHeader, string: "1")])
            }
        }
        let sent = await producer.send(markers)
        for case .failure(let error) in sent { throw error }
        let consumer = self.consumer
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            await consumer.close()
        }
        defer { watchdog.cancel() }
        var seen = 0
        for try await batch in consumer.batches {
            seen += batch.lazy.filter { $0.header(Self.markerHeader) != nil }.count
            if seen >= markers.count { break }
        }
        return seen >= markers.count
    }

    /// Hands every batch to `handle` with the time it arrived, until `handle` returns false
    /// (returns true), the consumer is closed, or `deadline` passes (which closes the consumer;
    /// returns false).
    func read(until deadline: ContinuousClock.Instant, _ handle: ([KafkaRecord], ContinuousClock.Instant) -> Bool) async throws -> Bool {
        let consumer = self.consumer
        // Closing the consumer ends the sequence: that is how the deadline stops the loop.
        let watchdog = Task {
            try await Task.sleep(until: deadline, clock: .continuous)
            await consumer.close()
        }
        defer { watchdog.cancel() }
        var done = false
        for try await batch in consumer.batches {
            let events = batch.filter { $0.header(Self.markerHeader) == nil }
            if !events.isEmpty, !handle(events, .now) {
                done = true
                break
            }
        }
        return done
    }
}

import Foundation
import Kafka
import Logging
import Synchronization

/// Reads every record of the result and error topics from the earliest offset, in its own
/// consumer group, in a background task, so that a test can wait for conditions in stages.
final class EventCollector: Sendable {
    private final class Storage: Sendable {
        let events = Mutex<[OutputEvent]>([])
        let failure = Mutex<KafkaError?>(nil)
    }
    private let storage = Storage()
    private let consumer: KafkaConsumer
    private let task: Task<Void, Never>

    init(bootstrapServers: String, resultTopic: String, errorTopic: String, group: String, logger: Logger) throws {
        var (config, options) = EndToEndHarness.readerSettings(bootstrapServers: bootstrapServers, group: group)
        options.rebalanceHandlerTimeout = .seconds(5)
        let consumer = try KafkaConsumer(config: config, topics: [resultTopic, errorTopic], options: options, logger: logger)
        self.consumer = consumer
        let storage = self.storage
        task = Task {
            do {
                for try await record in consumer.records {
                    var headers: [String: String] = [:]
                    for header in record.headers where headers[header.name] == nil {
                        headers[header.name] = header.value.map { String(decoding: $0, as: UTF8.self) } ?? ""
                    }
                    let event = OutputEvent(
                        kind: record.topic == resultTopic ? .result : .error,
                        coordinate: RecordCoordinate(topic: record.topic, partition: record.partition, offset: record.offset),
                        key: record.key, headers: headers, value: record.value ?? Data())
                    storage.events.withLock { $0.append(event) }
                }
            } catch {
                storage.failure.withLock { $0 = error as? KafkaError }
            }
        }
    }

    var events: [OutputEvent] { storage.events.withLock { $0 } }

    /// Waits until `condition` holds for the events read so far, checking every 50 ms; throws
    /// when the consumer failed, when `abort` says why waiting is pointless (e.g. every worker
    /// has exited), or after `timeout`.
    @discardableResult
    func wait(
        _ what: String, timeout: Duration, abort: @Sendable () -> String? = { nil },
        until condition: @Sendable ([OutputEvent]) -> Bool
    ) async throws -> [OutputEvent] {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let error = storage.failure.withLock({ $0 }) { throw HarnessError("the event consumer failed: \(error)") }
            let current = events
            if condition(current) { return current }
            if let reason = abort() { throw HarnessError("gave up waiting for \(what): \(reason) (\(current.count) events read)") }
            if ContinuousClock.now >= deadline {
                throw HarnessError("\(what) did not happen within \(timeout) (\(current.count) events read)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    func close() async {
        task.cancel()
        await consumer.close()
    }
}

/// A failure of the harness itself or of a bounded wait, with what it was waiting for.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

import Foundation
import Kafka
import Logging
import Synchronization

/// A name no other test uses (tests run in parallel against their own clusters, but names also
/// show up in logs).
func uniqueName(_ prefix: String) -> String {
    "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
}

/// Loggers for tests: warnings and up, so failures stay readable.
func testLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .warning
    return logger
}

/// Group timing that keeps the suite quick on the mock (a rebalance waits session.timeout - 1 s).
func consumerConfig(
    _ cluster: MockKafkaCluster, group: String, strategy: KafkaConfig.AssignmentStrategy = .range
) -> KafkaConfig {
    var config = KafkaConfig(bootstrapServers: cluster.bootstrapServers)
    config.groupID = group
    config.sessionTimeout = .seconds(6)
    config.heartbeatInterval = .milliseconds(500)
    config.fetchWaitMax = .milliseconds(50)
    config.autoOffsetReset = .earliest
    config.assignmentStrategy = strategy
    return config
}

func producerConfig(_ cluster: MockKafkaCluster) -> KafkaConfig {
    var config = KafkaConfig(bootstrapServers: cluster.bootstrapServers)
    config.linger = .milliseconds(2)
    return config
}

func quickConsumerOptions() -> KafkaConsumer.Options {
    var options = KafkaConsumer.Options()
    options.closeTimeout = .seconds(5)
    options.rebalanceHandlerTimeout = .seconds(10)
    return options
}

struct TestTimeout: Error, CustomStringConvertible {
    let description: String
}

/// Runs `body`, failing with `TestTimeout` if it takes longer than `limit` (so that a hang fails
/// the test instead of the suite).
func withTimeout<T: Sendable>(_ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try? await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw TestTimeout(description: "\(what) did not finish within \(limit)")
        }
        return value
    }
}

/// Reads a consumer's records in a background task, so that a test can wait for a count in
/// stages without losing records between them.
final class RecordCollector: Sendable {
    private final class Storage: Sendable {
        let records = Mutex<[KafkaRecord]>([])
        let failure = Mutex<KafkaError?>(nil)
    }
    private let storage = Storage()
    private let task: Task<Void, Never>

    init(_ consumer: KafkaConsumer, onRecord: @escaping @Sendable (KafkaRecord) async -> Void = { _ in }) {
        let storage = self.storage
        task = Task {
            do {
                for try await record in consumer.records {
                    await onRecord(record)
                    storage.records.withLock { $0.append(record) }
                }
            } catch {
                storage.failure.withLock { $0 = error as? KafkaError }
            }
        }
    }

    var records: [KafkaRecord] { storage.records.withLock { $0 } }
    var count: Int { storage.records.withLock { $0.count } }

    /// Waits until at least `count` records arrived; throws on timeout.
    @discardableResult
    func waitFor(_ count: Int, timeout: Duration = .seconds(30)) async throws -> [KafkaRecord] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let error = storage.failure.withLock({ $0 }) { throw error }
            let current = records
            if current.count >= count { return current }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestTimeout(description: "expected \(count) records, got \(self.count) within \(timeout)")
    }

    func stop() {
        task.cancel()
    }
}

/// Waits until `condition` holds; throws on timeout.
func eventually(_ what: String, timeout: Duration = .seconds(30), _ condition: @Sendable () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw TestTimeout(description: "\(what) did not happen within \(timeout)")
}

/// An ordered log of events from several tasks and threads.
final class EventLog: Sendable {
    private let events = Mutex<[String]>([])
    func append(_ event: String) { events.withLock { $0.append(event) } }
    var all: [String] { events.withLock { $0 } }
    func index(of event: String) -> Int? { all.firstIndex(of: event) }
}

extension Data {
    var utf8String: String { String(decoding: self, as: UTF8.self) }
}

import CloudflareImages
import Foundation
import ImagesEmulator
import Kafka
import Logging
import Synchronization
import UploadWorker

/// Real parts in one process for the pipeline tests: the embedded Kafka (its own cluster per
/// test), the Images emulator on an ephemeral port, an SQLite store in a temporary directory, and
/// `UploadWorkerService` instances run in tasks. `stop()` stops everything it started.
final class PipelineHarness: Sendable {
    let cluster: MockKafkaCluster
    let emulator: ImagesEmulator
    let directory: StoreTestDirectory
    let requestTopic: String
    let resultTopic = "results"
    let errorTopic = "errors"
    let group: String
    private let producer: KafkaProducer
    private let collector: EventCollector

    init(partitions: Int = 3, emulatorToken: String? = nil, latency: Duration = .zero, name: String = #function) async throws {
        cluster = try MockKafkaCluster(logger: quietLogger("kafka.mock"))
        requestTopic = "requests"
        group = "pipeline-\(UUID().uuidString.prefix(8))"
        try cluster.createTopic(requestTopic, partitions: partitions)
        try cluster.createTopic(resultTopic, partitions: 1)
        try cluster.createTopic(errorTopic, partitions: 1)
        var configuration = ImagesEmulator.Configuration()
        configuration.token = emulatorToken
        configuration.knobs.latency = latency
        emulator = ImagesEmulator(configuration: configuration, logger: quietLogger("emulator"))
        try emulator.start()
        directory = try StoreTestDirectory(name)
        var producerConfig = KafkaConfig(bootstrapServers: cluster.bootstrapServers)
        producerConfig.linger = .milliseconds(2)
        producer = try KafkaProducer(config: producerConfig, logger: quietLogger("test.producer"))
        collector = try EventCollector(cluster: cluster, topics: [resultTopic, errorTopic])
    }

    /// A configuration for a worker of this harness: pacing off, quick retries and group timing.
    func configuration(token: String = "token", store: String = "store.sqlite") -> WorkerConfiguration {
        var kafka = WorkerConfiguration.Kafka(bootstrapServers: cluster.bootstrapServers, groupID: group)
        kafka.properties["session.timeout.ms"] = "6000"
        kafka.properties["heartbeat.interval.ms"] = "500"
        kafka.properties["fetch.wait.max.ms"] = "50"
        kafka.properties["linger.ms"] = "2"
        var c = WorkerConfiguration(
            kafka: kafka,
            cloudflare: .init(accountID: "acc", apiToken: Secret(token), baseURL: URL(string: emulator.baseURL)!))
        c.requestTopic = requestTopic
        c.resultTopic = resultTopic
        c.errorTopic = errorTopic
        c.idempotency.store = .sqlite(path: directory.path(store))
        c.pacer = .unlimited
        c.retry = RetryPolicy(baseDelay: .milliseconds(10), maxDelay: .milliseconds(50), maxAttempts: 3, deadline: .seconds(10))
        c.shutdownTimeout = .seconds(10)
        c.metricsListen = nil
        c.logLevel = .warning
        return c
    }

    /// Starts a worker in a task; `RunningWorker.stop()` shuts it down and returns its termination.
    func startWorker(_ configuration: WorkerConfiguration? = nil) -> RunningWorker {
        let service = UploadWorkerService(configuration: configuration ?? self.configuration(), logger: quietLogger("worker"))
        return RunningWorker(service: service, task: Task { try await service.run() })
    }

    func origin(_ name: String) -> String { emulator.originURL + "/" + name }

    /// Produces request payloads (nil: a tombstone), keyed `k<i>`.
    func produce(_ payloads: [String?]) async throws {
        let records = payloads.enumerated().map { i, payload in
            KafkaProducerRecord(topic: requestTopic, key: Data("k\(i)".utf8), value: payload.map { Data($0.utf8) })
        }
        for result in await producer.send(records) { _ = try result.get() }
    }

    func produceURLs(_ urls: [String]) async throws {
        try await produce(urls.map { #"{"url":"\#($0)"}"# })
    }

    /// Waits for at least `count` events on the result and error topics.
    @discardableResult
    func events(_ count: Int, timeout: Duration = .seconds(60)) async throws -> [PublishedEvent] {
        try await collector.waitFor(count, timeout: timeout)
    }

    var eventsSoFar: [PublishedEvent] { collector.events }

    /// Polls `condition` until it holds; throws after `timeout`.
    func waitUntil(_ what: String, timeout: Duration = .seconds(60), _ condition: @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw PipelineTestTimeout(description: "\(what) did not happen within \(timeout)") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    func stop() async {
        collector.stop()
        await collector.close()
        await producer.close()
        await emulator.stop()
        await cluster.shutdown()
        directory.remove()
    }
}

/// A worker running in a task.
struct RunningWorker: Sendable {
    let service: UploadWorkerService
    let task: Task<WorkerTermination, any Error>

    func stop() async throws -> WorkerTermination {
        service.shutdown()
        return try await task.value
    }
}

/// A result or error event read back from Kafka.
struct PublishedEvent: Sendable {
    let topic: String
    let key: String?
    let headers: [String: String]
    let json: [String: any Sendable]

    var requestID: String? { json["requestId"] as? String }
    var isResult: Bool { headers["event-type"] == "upload-result" }
    var deduplicated: Bool? { json["deduplicated"] as? Bool }
    var error: [String: any Sendable]? { json["error"] as? [String: any Sendable] }
    var errorKind: String? { error?["kind"] as? String }
    var retryable: Bool? { error?["retryable"] as? Bool }
    var sourceOffset: Int64? {
        ((json["source"] as? [String: any Sendable])?["offset"] as? NSNumber)?.int64Value
    }
    var sourcePartition: Int? {
        ((json["source"] as? [String: any Sendable])?["partition"] as? NSNumber)?.intValue
    }
    var imageID: String? { (json["image"] as? [String: any Sendable])?["id"] as? String }
}

/// Reads the result and error topics from the start, in a background task.
final class EventCollector: Sendable {
    private let consumer: KafkaConsumer
    private final class Storage: Sendable {
        let events = Mutex<[PublishedEvent]>([])
    }
    private let storage = Storage()
    private let task: Task<Void, Never>

    init(cluster: MockKafkaCluster, topics: [String]) throws {
        var config = KafkaConfig(bootstrapServers: cluster.bootstrapServers)
        config.groupID = "collector-\(UUID().uuidString.prefix(8))"
        config.autoOffsetReset = .earliest
        config.fetchWaitMax = .milliseconds(50)
        config.sessionTimeout = .seconds(6)
        var options = KafkaConsumer.Options()
        options.closeTimeout = .seconds(3)
        consumer = try KafkaConsumer(config: config, topics: topics, options: options, logger: quietLogger("test.collector"))
        let consumer = self.consumer
        let storage = self.storage
        task = Task {
            do {
                for try await batch in consumer.batches {
                    let events = batch.map(EventCollector.event)
                    storage.events.withLock { $0.append(contentsOf: events) }
                }
            } catch {}
        }
    }

    static func event(_ record: KafkaRecord) -> PublishedEvent {
        var headers: [String: String] = [:]
        for h in record.headers { headers[h.name] = h.value.map { String(decoding: $0, as: UTF8.self) } }
        let object = (try? JSONSerialization.jsonObject(with: record.value ?? Data())) as? [String: Any] ?? [:]
        return PublishedEvent(
            topic: record.topic, key: record.key.map { String(decoding: $0, as: UTF8.self) }, headers: headers,
            json: object.mapValues { sendable($0) })
    }

    private static func sendable(_ value: Any) -> any Sendable {
        switch value {
        case let d as [String: Any]: return d.mapValues { sendable($0) }
        case let a as [Any]: return a.map { sendable($0) }
        case let s as String: return s
        case let n as NSNumber: return n
        default: return "\(value)"
        }
    }

    var events: [PublishedEvent] { storage.events.withLock { $0 } }

    func waitFor(_ count: Int, timeout: Duration) async throws -> [PublishedEvent] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let current = events
            if current.count >= count { return current }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw PipelineTestTimeout(description: "expected \(count) events, got \(events.count) within \(timeout)")
    }

    func stop() { task.cancel() }

    func close() async { await consumer.close() }
}

struct PipelineTestTimeout: Error, CustomStringConvertible {
    let description: String
}

func quietLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .error
    return logger
}

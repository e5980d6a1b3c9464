import Foundation
import ImagesEmulator
import Kafka
import Logging
import Synchronization
import Testing

/// Everything one end-to-end test runs against, all its own: an embedded Kafka (the mock
/// cluster, in this process) with unique topics of 8 partitions, the Images emulator over HTTP on
/// an ephemeral port with its built-in origin, a temporary directory for the SQLite store and the
/// workers' logs, a producer of requests, and a collector of every result and error event.
/// Workers are real `upload-worker run` processes, configured by environment only.
///
/// Use it through `withHarness`, which stops every worker and component in every path.
///
/// Running: `swift build --build-tests && swift test --skip-build --filter EndToEndTests`.
/// `UPLOAD_WORKER_BINARY` overrides where the executable is found, `UPLOAD_WORKER_PYTHON` the
/// Python with `jsonschema`, `E2E_KEEP=1` keeps every test's directory (workers' logs, SQLite
/// store) under the temporary directory; a failed test always keeps it and names it.
final class EndToEndHarness: Sendable {
    static let partitions = 8
    /// The mock waits session.timeout.ms - 1 s per rebalance (and as long for a killed member):
    /// short keeps the suite quick; heartbeats every 500 ms keep members alive on a busy machine.
    static let sessionTimeoutMilliseconds = 3000
    static let accountID = "e2e-account"

    let name: String
    let cluster: MockKafkaCluster
    let emulator: ImagesEmulator
    let directory: URL
    let requestTopic: String
    let resultTopic: String
    let errorTopic: String
    /// The workers' consumer group (each test its own).
    let group: String
    let token: String
    let producer: KafkaProducer
    let collector: EventCollector
    let executable: URL
    let logger: Logger

    private struct State {
        var workers: [WorkerProcess] = []
        var inputs: [InputRecord] = []
        var nextPartition: Int32 = 0
        var failed = false
    }
    private let state = Mutex(State())

    init(name: String, knobs: ImagesEmulator.Knobs = .init()) async throws {
        self.name = name
        executable = try WorkerExecutable.url()
        let suffix = UUID().uuidString.prefix(8).lowercased()
        var logger = Logger(label: "e2e.\(name)")
        logger.logLevel = .warning
        self.logger = logger
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-\(name)-\(suffix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        requestTopic = "\(name)-requests-\(suffix)"
        resultTopic = "\(name)-results-\(suffix)"
        errorTopic = "\(name)-errors-\(suffix)"
        group = "\(name)-workers-\(suffix)"
        token = "e2e-token-\(suffix)"

        cluster = try await Self.makeCluster(logger: logger)
        for topic in [requestTopic, resultTopic, errorTopic] {
            try cluster.createTopic(topic, partitions: Self.partitions)
        }
        var configuration = ImagesEmulator.Configuration()
        configuration.token = token
        configuration.accountID = Self.accountID
        configuration.knobs = knobs
        emulator = ImagesEmulator(configuration: configuration, logger: logger)
        try emulator.start()

        var producerConfig = KafkaConfig(bootstrapServers: cluster.bootstrapServers)
        producerConfig.linger = .milliseconds(2)
        producer = try KafkaProducer(config: producerConfig, logger: logger)
        // Joining early: the mock's first join of a group takes 3 s, spent while workers start.
        collector = try EventCollector(
            bootstrapServers: cluster.bootstrapServers, resultTopic: resultTopic, errorTopic: errorTopic,
            group: "\(name)-checker-\(suffix)", logger: logger)
    }

    static func makeCluster(logger: Logger) async throws -> MockKafkaCluster {
        try MockKafkaCluster(brokers: 1, logger: logger)
    }

    // MARK: - Workers

    /// The environment of a worker: nothing inherited, everything explicit. `overrides` replace or
    /// add variables; a value of "" removes one.
    func workerEnvironment(_ overrides: [String: String] = [:]) -> [String: String] {
        var environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": directory.path,
            "TMPDIR": directory.path,
            "KAFKA_BOOTSTRAP_SERVERS": cluster.bootstrapServers,
            "KAFKA_GROUP_ID": group,
            "KAFKA_SESSION_TIMEOUT_MS": String(Self.sessionTimeoutMilliseconds),
            "KAFKA_HEARTBEAT_INTERVAL_MS": "500",
            // An empty fetch waits this long on the mock, new data or not.
            "KAFKA_FETCH_WAIT_MAX_MS": "50",
            "REQUEST_TOPIC": requestTopic,
            "RESULT_TOPIC": resultTopic,
            "ERROR_TOPIC": errorTopic,
            "CLOUDFLARE_ACCOUNT_ID": Self.accountID,
            "CLOUDFLARE_API_TOKEN": token,
            "CLOUDFLARE_API_BASE_URL": emulator.baseURL,
            "IDEMPOTENCY_STORE": "sqlite:\(directory.appendingPathComponent("idempotency.sqlite").path)",
            "MAX_IN_FLIGHT": "32",
            "UPLOAD_RATE": "0",
            "MAX_ATTEMPTS": "5",
            "RETRY_BASE_DELAY": "50ms",
            "RETRY_MAX_DELAY": "1s",
            "SHUTDOWN_TIMEOUT": "15s",
            "LOG_LEVEL": "info",
            "LOG_FORMAT": "text",
            "METRICS_LISTEN": "off",
        ]
        for (key, value) in overrides {
            environment[key] = value.isEmpty ? nil : value
        }
        return environment
    }

    /// Starts `upload-worker run` with `workerEnvironment(overrides)`.
    @discardableResult
    func startWorker(_ workerName: String, _ overrides: [String: String] = [:]) throws -> WorkerProcess {
        let worker = try WorkerProcess(
            name: workerName, executable: executable, environment: workerEnvironment(overrides), directory: directory)
        state.withLock { $0.workers.append(worker) }
        return worker
    }

    var workers: [WorkerProcess] { state.withLock { $0.workers } }

    /// Why waiting for a worker's output is pointless: every worker has exited.
    @Sendable func noWorkerRunning() -> String? {
        let all = workers
        guard !all.isEmpty, all.allSatisfy({ !$0.isRunning }) else { return nil }
        return "every worker has exited (" + all.map { "\($0.name): \($0.exit!)" }.joined(separator: ", ") + ")"
    }

    /// The last lines of every worker's output.
    func logs(lines: Int = 40) -> String {
        workers.map { $0.logTail(lines: lines) }.joined(separator: "\n") + "\n(full logs in \(directory.path))"
    }

    // MARK: - Requests

    /// Produces the requests (spread over the partitions round-robin unless a spec names one) and
    /// returns them as stored, once the broker acknowledged every one.
    @discardableResult
    func produce(_ specs: [RequestSpec]) async throws -> [InputRecord] {
        let records = state.withLock { state in
            specs.map { spec -> KafkaProducerRecord in
                let partition = spec.partition ?? state.nextPartition
                if spec.partition == nil { state.nextPartition = (state.nextPartition + 1) % Int32(Self.partitions) }
                return KafkaProducerRecord(topic: requestTopic, partition: partition, key: spec.key, value: spec.payload)
            }
        }
        let results = await producer.send(records)
        var inputs: [InputRecord] = []
        for (spec, result) in zip(specs, results) {
            let receipt = try result.get()
            inputs.append(InputRecord(
                coordinate: RecordCoordinate(topic: receipt.topic, partition: receipt.partition, offset: receipt.offset),
                key: spec.key, payload: spec.payload, expectedRequestID: spec.expectedRequestID, url: spec.url,
                expected: spec.expected))
        }
        state.withLock { $0.inputs += inputs }
        return inputs
    }

    var inputs: [InputRecord] { state.withLock { $0.inputs } }

    /// A URL of the emulator's built-in origin: `<origin>/<test>/<path>`.
    func originURL(_ path: String) -> String { "\(emulator.originURL)/\(name)/\(path)" }

    // MARK: - Waiting and checking

    /// Waits until every input produced so far has at least one terminal event.
    @discardableResult
    func waitForTerminalEvents(timeout: Duration = .seconds(90)) async throws -> [OutputEvent] {
        let wanted = Set(inputs.map(\.coordinate))
        return try await collector.wait("a terminal event for each of \(wanted.count) inputs", timeout: timeout, abort: noWorkerRunning) { events in
            wanted.isSubset(of: Set(events.compactMap(\.source)))
        }
    }

    /// Waits until at least `count` events were read.
    @discardableResult
    func waitForEvents(atLeast count: Int, timeout: Duration = .seconds(60)) async throws -> [OutputEvent] {
        try await collector.wait("\(count) events", timeout: timeout, abort: noWorkerRunning) { $0.count >= count }
    }

    /// Waits until the emulator has created at least `count` images: a trigger for "mid-run" that
    /// does not depend on how far the event collector has read.
    func waitForUploads(atLeast count: Int, timeout: Duration = .seconds(60)) async throws {
        let emulator = self.emulator
        let deadline = ContinuousClock.now + timeout
        while emulator.stats().totalUploads < count {
            if let reason = noWorkerRunning() { throw HarnessError("gave up waiting for \(count) uploads: \(reason)") }
            if ContinuousClock.now >= deadline {
                throw HarnessError("\(count) uploads did not happen within \(timeout) (\(emulator.stats().totalUploads) so far)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Runs the shared checker over everything produced and read, with the emulator's stats, and
    /// expects it to pass (the failure shows the problems and the workers' logs).
    @discardableResult
    func expectDelivery(
        _ options: DeliveryChecker.Options = .init(), sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> DeliveryChecker.Report {
        let checker = DeliveryChecker(options: options)
        let emulator = self.emulator
        let report = try await checker.checkWithSchemas(
            inputs: inputs, events: collector.events, stats: emulator.stats(),
            imageExists: { emulator.image(id: $0) != nil })
        if !report.passed { markFailed() }
        #expect(report.passed, "\(name): \(report)\n\(logs())", sourceLocation: sourceLocation)
        return report
    }

    func markFailed() { state.withLock { $0.failed = true } }
    var failed: Bool { state.withLock { $0.failed } }

    // MARK: - Teardown

    /// Stops every worker (SIGTERM, bounded wait, SIGKILL), then the collector, producer,
    /// emulator and cluster. Removes the directory unless the test failed.
    func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for worker in workers where worker.isRunning {
                group.addTask { await worker.stop(grace: .seconds(20)) }
            }
        }
        await collector.close()
        await producer.close()
        await emulator.stop()
        await cluster.shutdown()
        // E2E_KEEP=1 keeps every run's logs and store.
        if !failed, ProcessInfo.processInfo.environment["E2E_KEEP"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}

/// Runs `body` with a fresh harness and always tears it down. An error thrown by `body` (a bounded
/// wait that ran out, a worker that died) fails the test with the workers' logs attached.
func withHarness(
    _ name: String, knobs: ImagesEmulator.Knobs = .init(), sourceLocation: SourceLocation = #_sourceLocation,
    _ body: (EndToEndHarness) async throws -> Void
) async throws {
    let harness = try await EndToEndHarness(name: name, knobs: knobs)
    do {
        try await body(harness)
    } catch {
        harness.markFailed()
        Issue.record(error, "\(name): \(error)\n\(harness.logs())", sourceLocation: sourceLocation)
    }
    if harness.failed {
        for worker in harness.workers {
            Attachment.record(worker.stderr + "\n---- stdout\n" + worker.stdout, named: "\(name)-\(worker.name).log")
        }
    }
    await harness.shutdown()
}

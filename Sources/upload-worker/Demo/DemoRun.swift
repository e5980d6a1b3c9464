import Foundation
import HTTPServer
import ImagesEmulator
import Kafka
import Logging
import Synchronization
import UploadWorker

/// `upload-worker demo`: the whole system in one process, nothing to configure. The embedded
/// Kafka, the Images emulator with its built-in origin, the worker (`UploadWorkerService`) with a
/// temporary SQLite store; a workload with repeats and failures; every terminal event read back
/// from the output topics and checked against what the request should get.
struct DemoRun {
    struct Settings: Sendable {
        /// Default: 200.
        var requests = 200
        /// API latency of the emulator. Default: 200 ms.
        var latency: Duration = .milliseconds(200)
        /// Default: 64 (the worker's default).
        var maxInFlight = 64
        /// How long the requests may take to get their events. Default: 60 s.
        var timeout: Duration = .seconds(60)
        var json = false
    }

    let settings: Settings
    let display = DemoProgressDisplay()
    static let requestTopic = "image-upload-requests"
    static let resultTopic = "image-upload-results"
    static let errorTopic = "image-upload-errors"
    static let partitions = 4

    /// Runs the demo; returns the exit code (0 when every check passed).
    func run() async throws -> Int32 {
        // Warnings and worse only, above the progress bar: the summary is the demo's output.
        LoggingSystem.bootstrap(DemoLogHandler(display: display), level: .warning)
        let logger = Logger(label: "demo")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upload-worker-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let cluster = try MockKafkaCluster(brokers: 1, logger: logger)
        for topic in [Self.requestTopic, Self.resultTopic, Self.errorTopic] { try cluster.createTopic(topic, partitions: Self.partitions) }
        var emulatorConfiguration = ImagesEmulator.Configuration()
        emulatorConfiguration.token = "demo-token"
        emulatorConfiguration.accountID = "demo-account"
        emulatorConfiguration.knobs.latency = settings.latency
        let emulator = ImagesEmulator(configuration: emulatorConfiguration, logger: Logger(label: "emulator"))
        _ = try emulator.start()
        let workload = DemoWorkload(count: settings.requests, origin: emulator.originURL)

        let storePath = directory.appendingPathComponent("idempotency.sqlite").path
        let configuration = workerConfiguration(bootstrap: cluster.bootstrapServers, apiBaseURL: emulator.baseURL, storePath: storePath)
        let header = DemoReport.header(settings: settings, workload: workload, configuration: configuration, kafka: cluster.bootstrapServers, emulator: emulator.baseURL)
        say(header)

        let service = UploadWorkerService(configuration: configuration, logger: Logger(label: "upload-worker"))
        let worker = Task { try await service.run() }
        let reader = try EventTopicsReader(bootstrapServers: cluster.bootstrapServers, topics: [Self.resultTopic, Self.errorTopic], logger: logger)
        say("  starting: the worker and the event reader join their groups (the embedded Kafka takes about 3 s),\n  then two warm-up requests go through (the first record sent to a topic waits for its metadata)...\n")
        var readerJoined = await reader.waitForAssignment(timeout: .seconds(30))
        let producer = try KafkaProducer(config: KafkaConfig(bootstrapServers: cluster.bootstrapServers), logger: Logger(label: "demo.producer"))
        if readerJoined { readerJoined = try await reader.warmUp(partitionsPerTopic: Self.partitions, timeout: .seconds(10), producer: producer) }
        // The origin makes its 10.9 MB PNG once per process, on first use: do it now, so that it
        // does not hold up the uploads it happens to run beside.
        _ = await emulator.handle(HTTPRequest(method: "GET", path: "/origin/warm-up/large.png"))
        let workerReady = await waitUntilReady(service, timeout: .seconds(30))
        let joined = readerJoined && workerReady

        var outcome = DemoOutcome(workload: workload)
        if !joined {
            outcome.problems.append("the worker or the event reader did not join its Kafka group within 30 s")
        } else if try await warmUp(producer: producer, reader: reader, origin: emulator.originURL) {
            // The warm-up's upload is not the workload's.
            emulator.reset()
            outcome = try await produceAndCollect(workload, service: service, emulator: emulator, reader: reader, producer: producer)
        } else {
            outcome.problems.append("the warm-up request got no event within 30 s")
        }
        await reader.consumer.close()
        await producer.close()

        service.shutdown()
        let termination = await boundedResult(of: worker, within: configuration.shutdownTimeout + .seconds(10))
        switch termination {
        case .some(.success(let t)) where t.exitCode == 0: break
        case .some(.success(let t)): outcome.problems.append("the worker stopped with: \(t)")
        case .some(.failure(let error)): outcome.problems.append("the worker could not run: \(error)")
        case .none: outcome.problems.append("the worker did not stop within its shutdown timeout")
        }
        outcome.emulatorStats = emulator.stats()
        outcome.check()
        await emulator.stop()
        await cluster.shutdown()

        let report = DemoReport(settings: settings, workload: workload, outcome: outcome)
        say(report.summary())
        if settings.json { say(report.jsonLine() + "\n") }
        return outcome.problems.isEmpty ? 0 : 1
    }

    func workerConfiguration(bootstrap: String, apiBaseURL: String, storePath: String) -> WorkerConfiguration {
        var c = WorkerConfiguration(
            kafka: .init(bootstrapServers: bootstrap, groupID: "upload-worker-demo", properties: [
                // The embedded Kafka answers an empty fetch after the full wait: keep it short.
                "fetch.wait.max.ms": "10",
                "session.timeout.ms": "6000",
            ]),
            cloudflare: .init(accountID: "demo-account", apiToken: Secret("demo-token"), baseURL: URL(string: apiBaseURL)!))
        c.requestTopic = Self.requestTopic
        c.resultTopic = Self.resultTopic
        c.errorTopic = Self.errorTopic
        c.idempotency.store = .sqlite(path: storePath)
        c.maxInFlight = settings.maxInFlight
        // Pacing off: the default 4 uploads/s (the API's 1,200 per 5 minutes) would make the demo
        // last a minute; the header says so.
        c.pacer = .unlimited
        c.metricsListen = nil
        c.shutdownTimeout = .seconds(10)
        c.logLevel = .warning
        c.logFormat = .text
        return c
    }

    /// Produces the workload, then reads events until every request has one (or the timeout),
    /// showing progress meanwhile.
    private func produceAndCollect(
        _ workload: DemoWorkload, service: UploadWorkerService, emulator: ImagesEmulator, reader: EventTopicsReader, producer: KafkaProducer
    ) async throws -> DemoOutcome {
        let tally = Locked(DemoTally(requestTopic: Self.requestTopic, count: workload.requests.count))
        let start = ContinuousClock.now
        let deadline = start + settings.timeout
        let total = workload.requests.count

        // All requests at once, as a burst from an upstream system would come.
        let records = workload.requests.map { KafkaProducerRecord(topic: Self.requestTopic, key: $0.key, value: $0.value) }
        let sentAt = ContinuousClock.now
        let receipts = await producer.send(records)
        var produceFailures: [String] = []
        tally.withLock { t in
            for (index, receipt) in receipts.enumerated() {
                switch receipt {
                case .success(let r): t.produced(index, at: r, sentAt: sentAt)
                case .failure(let e): produceFailures.append("\(workload.requests[index].id): \(e)")
                }
            }
        }

        let progress = Task {
            var allIn: ContinuousClock.Instant?
            while !Task.isCancelled {
                if allIn == nil, tally.withLock({ $0.answered == total }) { allIn = .now }
                if let allIn, ContinuousClock.now - allIn >= .milliseconds(300) {
                    await reader.consumer.close()
                    return
                }
                let (events, results, errors) = tally.withLock { t in
                    (t.answered, t.events.joined().filter { if case .result = $0.outcome { true } else { false } }.count,
                     t.events.joined().filter { if case .error = $0.outcome { true } else { false } }.count)
                }
                let p = service.progress
                display.update(.init(
                    produced: tally.withLock { $0.produced }, total: total, events: events, results: results, errors: errors,
                    uploads: emulator.stats().totalUploads, inFlight: p.inFlight, elapsed: .now - start))
                try? await Task.sleep(for: display.isTerminal ? .milliseconds(100) : .milliseconds(250))
            }
        }
        // Once every request has an event, a short grace period catches a second event for any
        // of them; then the progress task closes the reader, which ends `read`.
        _ = try await reader.read(until: deadline) { batch, time in
            tally.withLock { t in
                for record in batch { t.add(record, resultTopic: Self.resultTopic, at: time) }
            }
            return true
        }
        let completed = tally.withLock { $0.answered == total }
        progress.cancel()
        _ = await progress.value
        let final = tally.withLock { $0 }
        let p = service.progress
        display.update(.init(
            produced: final.produced, total: total, events: final.answered,
            results: final.events.joined().filter { if case .result = $0.outcome { true } else { false } }.count,
            errors: final.events.joined().filter { if case .error = $0.outcome { true } else { false } }.count,
            uploads: emulator.stats().totalUploads, inFlight: p.inFlight, elapsed: .now - start), final: true)
        display.finish()

        var outcome = DemoOutcome(workload: workload)
        outcome.tally = final
        outcome.startedAt = start
        outcome.problems += produceFailures.prefix(5).map { "not produced: \($0)" }
        if !completed {
            outcome.problems.append("timed out after \(settings.timeout): \(total - final.answered) of \(total) requests got no terminal event")
        }
        return outcome
    }

    /// Two requests through the whole pipeline before the workload, one for each output topic:
    /// the first record a producer sends to a topic waits for the topic's metadata (up to a
    /// second on the embedded Kafka), which would otherwise weigh on the first events' latency.
    private func warmUp(producer: KafkaProducer, reader: EventTopicsReader, origin: String) async throws -> Bool {
        let id = Self.warmUpRequestID
        let payloads = [
            "{\"requestId\":\"\(id)\",\"url\":\"\(origin)/warm-up/first.png\"}",
            "{\"requestId\":\"\(id)\",\"url\":\"ftp://warm-up.invalid/first.png\"}",
        ]
        for payload in payloads {
            _ = try await producer.send(KafkaProducerRecord(topic: Self.requestTopic, key: Data(id.utf8), value: Data(payload.utf8)))
        }
        var seen = 0
        return try await reader.read(until: .now + .seconds(30)) { batch, _ in
            seen += batch.filter { $0.header("request-id").map { String(decoding: $0, as: UTF8.self) } == id }.count
            return seen < payloads.count
        }
    }

    static let warmUpRequestID = "demo-warm-up"

    private func waitUntilReady(_ service: UploadWorkerService, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while service.health.phase != .ready {
            guard ContinuousClock.now < deadline, service.health.phase < .draining else { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// The task's result, or nil when it did not finish within `bound` (it is then cancelled and
    /// left behind: the process exits soon after).
    private func boundedResult<T: Sendable>(of task: Task<T, any Error>, within bound: Duration) async -> Result<T, any Error>? {
        let result = Locked<Result<T, any Error>?>(nil)
        let waiter = Task { let r = await task.result; result.withLock { $0 = r } }
        let deadline = ContinuousClock.now + bound
        while ContinuousClock.now < deadline {
            if let r = result.value { return r }
            try? await Task.sleep(for: .milliseconds(20))
        }
        task.cancel()
        waiter.cancel()
        return result.value
    }

    private func say(_ text: String) {
        DemoProgressDisplay.write(text)
    }
}

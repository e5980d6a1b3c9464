import Foundation
import HTTPClient
import ImagesEmulator
import Kafka
import Logging

/// Runs the scenarios of `bench worker`: the embedded Kafka and the event reader in this process,
/// the emulator and the worker (`upload-worker run`, configured by environment) as children.
/// Every phase preloads its request topic, then starts a fresh worker, so that the worker reads a
/// full topic at its own pace; throughput is taken over the steady state, by the create times of
/// the events its producer wrote.
struct WorkerBenchRunner: Sendable {
    let cluster: MockKafkaCluster
    let producer: KafkaProducer
    let directory: URL
    let logger: Logger
    let http: CurlHTTPClient
    static let partitions = 32
    /// The first events, left out of the steady state (the worker's startup: group join, first
    /// metadata of the output topics).
    static let startupShare = 0.05

    func run(_ scenario: WorkerBenchScenario) async throws -> WorkerBenchResult {
        let emulator = try await startEmulator(latency: scenario.latency, tag: scenario.name)
        do {
            let result = try await run(scenario, emulator: emulator)
            await emulator.process.stop(grace: .seconds(3))
            return result
        } catch {
            await emulator.process.stop(grace: .seconds(3))
            throw error
        }
    }

    private func run(_ scenario: WorkerBenchScenario, emulator: Emulator) async throws -> WorkerBenchResult {
        let store = directory.appendingPathComponent("\(scenario.name).sqlite").path
        let prefix = "\(emulator.url)/origin/bench/\(scenario.name)/img-"
        switch scenario.kind {
        case .uniqueURLs:
            let urls = (0..<scenario.records).map { "\(prefix)\($0)-64x48.png" }
            return try await phase(scenario, topic: scenario.name, urls: urls, emulator: emulator, store: store)
        case .duplicates:
            let unique = max(scenario.records / 2, 1)
            let urls = (0..<unique).map { "\(prefix)\($0)-64x48.png" }
            var pre = WorkerBenchScenario(name: scenario.name + "-pre", kind: .uniqueURLs, latency: .zero, maxInFlight: scenario.maxInFlight, records: unique)
            pre.records = unique
            let preRun = try await phase(pre, topic: pre.name, urls: urls, emulator: emulator, store: store)
            print("  (pre-run: \(preRun.events) URLs uploaded into the store at \(Int(preRun.perSecond))/s\(preRun.problems.isEmpty ? "" : "; " + preRun.problems.joined(separator: "; ")))")
            flushStdout()
            let resent = (0..<scenario.records).map { urls[$0 % unique] }
            var result = try await phase(scenario, topic: scenario.name, urls: resent, emulator: emulator, store: store)
            if result.uploads > 0 { result.problems.append("\(result.uploads) uploads on the duplicate path (expected none)") }
            return result
        }
    }

    struct Emulator: Sendable {
        let process: WorkerBenchProcess
        let url: String
    }

    private func startEmulator(latency: Duration, tag: String) async throws -> Emulator {
        let stdout = Pipe()
        let process = try WorkerBenchProcess(
            name: "emulator",
            arguments: ["emulator", "--listen", "127.0.0.1:0", "--token", "bench-token", "--latency", DurationText.format(latency)],
            environment: Self.baseEnvironment(), logPath: directory.appendingPathComponent("emulator-\(tag).log").path, stdout: stdout)
        guard let url = await WorkerBenchProcess.firstLine(of: stdout, timeout: .seconds(20)), url.hasPrefix("http://") else {
            await process.stop(grace: .seconds(1))
            throw BenchFailure(description: "the emulator did not start: \(process.logTail())")
        }
        return Emulator(process: process, url: url)
    }

    /// Preloads `urls` as requests, starts a worker, reads its events until every request has
    /// one, and measures the worker meanwhile.
    private func phase(_ scenario: WorkerBenchScenario, topic: String, urls: [String], emulator: Emulator, store: String) async throws -> WorkerBenchResult {
        var result = WorkerBenchResult(scenario: scenario)
        let topics = (requests: "bench.\(topic).requests", results: "bench.\(topic).results", errors: "bench.\(topic).errors")
        for t in [topics.requests, topics.results, topics.errors] { try cluster.createTopic(t, partitions: Self.partitions) }
        try await produce(urls, topic: topics.requests)

        let reader = try EventTopicsReader(bootstrapServers: cluster.bootstrapServers, topics: [topics.results, topics.errors], logger: logger)
        guard await reader.waitForAssignment(timeout: .seconds(30)),
              try await reader.warmUp(partitionsPerTopic: Self.partitions, timeout: .seconds(15), producer: producer)
        else { throw BenchFailure(description: "the event reader did not join its group") }
        let uploadsBefore = try await emulatorUploads(emulator)

        let worker = try WorkerBenchProcess(
            name: "worker", arguments: ["run"],
            environment: workerEnvironment(scenario, topics: topics, apiBaseURL: emulator.url + "/client/v4", store: store),
            logPath: directory.appendingPathComponent("worker-\(topic).log").path)
        // A worker that dies ends the reading at once instead of at the deadline.
        let watch = Task {
            while worker.isRunning, !Task.isCancelled { try? await Task.sleep(for: .milliseconds(100)) }
            await reader.consumer.close()
        }
        let total = urls.count
        let skip = Int(Double(total) * Self.startupShare)
        var createTimes: [Double] = []
        createTimes.reserveCapacity(total)
        var errors = 0
        var cpuAtSkip: Double?, cpuAtEnd: Double?
        _ = try await reader.read(until: .now + .seconds(300)) { batch, _ in
            for record in batch {
                createTimes.append(record.timestamp?.timeIntervalSince1970 ?? 0)
                if record.topic == topics.errors { errors += 1 }
            }
            if cpuAtSkip == nil, createTimes.count > skip { cpuAtSkip = worker.cpuSeconds() }
            if createTimes.count >= total {
                cpuAtEnd = worker.cpuSeconds()
                return false
            }
            return true
        }
        watch.cancel()
        result.loadAverage = loadAverage()
        result.peakRSSBytes = worker.peakRSSBytes()
        result.totalCPUSeconds = worker.cpuSeconds()
        let died = !worker.isRunning
        let status = await worker.stop()
        await reader.consumer.close()
        result.uploads = try await emulatorUploads(emulator) - uploadsBefore

        result.events = createTimes.count
        result.errors = errors
        if let a = cpuAtSkip, let b = cpuAtEnd { result.steadyCPUSeconds = b - a }
        createTimes.sort()
        if createTimes.count > skip + 1 {
            result.skipped = skip
            result.seconds = createTimes[createTimes.count - 1] - createTimes[skip]
            result.longestGap = zip(createTimes[skip...], createTimes[(skip + 1)...]).map { $1 - $0 }.max() ?? 0
        }
        if result.longestGap >= 1 { result.problems.append(String(format: "no event for %.1f s during the run (a stall)", result.longestGap)) }
        if result.events < total { result.problems.append("only \(result.events) of \(total) events (worker log: \(worker.logPath))") }
        if result.events > total { result.problems.append("\(result.events - total) events more than requests") }
        if errors > 0 { result.problems.append("\(errors) error events") }
        if died { result.problems.append("the worker exited early: \(worker.logTail(lines: 3))") }
        if !died, status != 0 { result.problems.append("the worker's exit status after SIGTERM was \(status.map(String.init) ?? "none (killed)")") }
        if scenario.kind == .uniqueURLs, result.uploads != total { result.problems.append("\(result.uploads) uploads for \(total) unique URLs") }
        return result
    }

    private func produce(_ urls: [String], topic: String) async throws {
        let chunk = 1000
        for first in stride(from: 0, to: urls.count, by: chunk) {
            let records = (first..<min(first + chunk, urls.count)).map { i in
                KafkaProducerRecord(topic: topic, partition: Int32(i % Self.partitions), value: Data("{\"url\":\"\(urls[i])\"}".utf8))
            }
            for case .failure(let error) in await producer.send(records) { throw error }
        }
    }

    private func workerEnvironment(_ scenario: WorkerBenchScenario, topics: (requests: String, results: String, errors: String), apiBaseURL: String, store: String) -> [String: String] {
        var env = Self.baseEnvironment()
        env["KAFKA_BOOTSTRAP_SERVERS"] = cluster.bootstrapServers
        env["KAFKA_GROUP_ID"] = "bench-worker-\(topics.requests)"
        env["REQUEST_TOPIC"] = topics.requests
        env["RESULT_TOPIC"] = topics.results
        env["ERROR_TOPIC"] = topics.errors
        env["CLOUDFLARE_ACCOUNT_ID"] = "bench-account"
        env["CLOUDFLARE_API_TOKEN"] = "bench-token"
        env["CLOUDFLARE_API_BASE_URL"] = apiBaseURL
        env["IDEMPOTENCY_STORE"] = "sqlite:\(store)"
        env["MAX_IN_FLIGHT"] = String(scenario.maxInFlight)
        env["UPLOAD_RATE"] = "0"
        env["SHUTDOWN_TIMEOUT"] = "5s"
        env["LOG_LEVEL"] = "warning"
        env["LOG_FORMAT"] = "text"
        env["METRICS_LISTEN"] = "off"
        // Experiments: BENCH_WORKER_<SETTING>=value reaches the worker as <SETTING>=value.
        for (key, value) in ProcessInfo.processInfo.environment where key.hasPrefix("BENCH_WORKER_") {
            env[String(key.dropFirst("BENCH_WORKER_".count))] = value
        }
        return env
    }

    /// This process's environment without anything the worker reads (KAFKA_*, the settings).
    static func baseEnvironment() -> [String: String] {
        let keep = ["PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "LD_LIBRARY_PATH"]
        var env: [String: String] = [:]
        for key in keep { env[key] = ProcessInfo.processInfo.environment[key] }
        return env
    }

    /// Images the emulator created so far (GET /__emulator/stats).
    private func emulatorUploads(_ emulator: Emulator) async throws -> Int {
        let response = try await http.execute(HTTPClientRequest(url: emulator.url + "/__emulator/stats", timeout: .seconds(30)))
        let stats = try JSONDecoder().decode(EmulatorStats.self, from: Data(response.body))
        return stats.totalUploads
    }
}

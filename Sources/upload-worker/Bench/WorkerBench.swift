import Foundation
import ImagesEmulator
import HTTPClient
import Kafka
import Logging

/// `bench worker` (the default suite): the worker's throughput, CPU per record and peak memory,
/// with the worker as a child process (`upload-worker run`), against the emulator in another child
/// process, on the embedded Kafka in this one. Prints a table, the targets of issue 5 with the
/// figures beside them, and one JSON line.
enum WorkerBench {
    static let suite = BenchSuite(
        name: "worker", abstract: "the worker (a child process) end to end: records/s, CPU per record, peak RSS (the default)", run: run)

    static func run(_ options: ParsedOptions) async throws {
        var scenarios = try options.value("scenarios", default: WorkerBenchScenario.all) { text in
            let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let picked = names.compactMap { name in WorkerBenchScenario.all.first { $0.name == name } }
            return picked.count == names.count && !picked.isEmpty ? picked : nil
        }
        if let raw = options["requests"] {
            guard let n = Int(raw), n >= 100 else { throw UsageError("invalid value '\(raw)' for '--requests' (at least 100)") }
            for i in scenarios.indices { scenarios[i].records = n }
        }

        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upload-worker-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let cluster = try MockKafkaCluster(brokers: 1, logger: logger)
        var config = KafkaConfig(bootstrapServers: cluster.bootstrapServers)
        config.linger = .milliseconds(5)
        config["queue.buffering.max.messages"] = "1000000"
        let producer = try KafkaProducer(config: config, logger: logger)
        let http = CurlHTTPClient()

        let machine = Machine.current()
        print("worker bench: `upload-worker run` as a child process (its CPU and peak RSS measured alone), the emulator")
        print("(`upload-worker emulator --latency ...`) as another child, the embedded Kafka (\(WorkerBenchRunner.partitions) partitions per topic) and the")
        print("event reader in this process. Pacing off, SQLite store, every request topic preloaded before the worker starts;")
        print("records/s and CPU are over the steady state (from the \(Int(WorkerBenchRunner.startupShare * 100))th percentile event to the last, by the events' create time).")
        print("machine: \(machine.description), load average \(loadAverage()) at start (other work on the machine lowers every figure)")
        print("logs: \(directory.path)")
        flushStdout()

        let runner = WorkerBenchRunner(cluster: cluster, producer: producer, directory: directory, logger: logger, http: http)
        var results: [WorkerBenchResult] = []
        for scenario in scenarios {
            print("- \(scenario.name): \(scenario.records) requests, \(DurationText.formatMilliseconds(scenario.latency)) API latency, \(scenario.maxInFlight) in flight...")
            flushStdout()
            do {
                let result = try await runner.run(scenario)
                results.append(result)
                print("  " + WorkerBenchReport.line(result))
            } catch {
                var failed = WorkerBenchResult(scenario: scenario)
                failed.problems.append("\(error)")
                results.append(failed)
                print("  failed: \(error)")
            }
            flushStdout()
        }
        await producer.close()
        http.shutdown()
        await cluster.shutdown()

        print("")
        print(WorkerBenchReport.table(results))
        print("")
        print(WorkerBenchReport.targets(results))
        print(WorkerBenchReport.jsonLine(results, machine: machine))
        flushStdout()
        if results.allSatisfy({ $0.problems.isEmpty }) {
            try? FileManager.default.removeItem(at: directory)
        } else {
            throw BenchFailure(description: "some scenarios had problems (see above); logs kept in \(directory.path)")
        }
    }

    struct Machine: Sendable, CustomStringConvertible {
        var cores: Int
        var cpuModel: String

        static func current() -> Machine {
            let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
            let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
                .flatMap { $0.split(separator: ":", maxSplits: 1).last }
                .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
            return Machine(cores: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model)
        }

        var description: String { "\(cores) cores, \(cpuModel)" }
    }
}

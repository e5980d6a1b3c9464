import Foundation
import Kafka
import Logging

/// `bench kafka`: acknowledged-produce and consume throughput on the embedded Kafka, and the same
/// for Python's confluent-kafka against the same cluster.
enum KafkaBench {
    static let suite = BenchSuite(
        name: "kafka", abstract: "produce (acknowledged) and consume throughput on the embedded Kafka", run: run)

    static func run(_ options: ParsedOptions) async throws {
        let records = try options.value("records", default: 1_000_000) { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        let size = try options.value("size", default: 200) { Int($0).flatMap { $0 >= 0 ? $0 : nil } }
        let partitions = try options.value("partitions", default: 64) { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning

        let cluster = try MockKafkaCluster(brokers: 1, logger: logger)
        let batchTopic = "bench-swift-batch", singleTopic = "bench-swift-single", pythonTopic = "bench-python"
        for topic in [batchTopic, singleTopic, pythonTopic] { try cluster.createTopic(topic, partitions: partitions) }
        print("kafka bench: \(records) records of \(size) bytes per phase, \(partitions) partitions, embedded Kafka (1 broker), Swift over librdkafka 2.0.2")
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, load average \(loadAverage()) at start (other work on the machine lowers every figure)")
        flushStdout()

        let value = Data(repeating: UInt8(ascii: "x"), count: size)
        var config = KafkaConfig(bootstrapServers: cluster.bootstrapServers)
        config.linger = .milliseconds(5)
        config["queue.buffering.max.messages"] = "1000000"
        let producer = try KafkaProducer(config: config, logger: logger)

        // Blocks of 1000 records per partition: even spread (the mock keeps only 5 MiB per
        // partition) and large batches (the mock answers a fetch with one batch per partition).
        let batchRate = try await produceInBatches(producer, topic: batchTopic, value: value, records: records, partitions: partitions)
        report("swift  produce, acked, send([record]) 1000 per call, 100 calls in flight", batchRate)
        let singleRate = try await produceOneByOne(producer, topic: singleTopic, value: value, records: records, partitions: partitions)
        report("swift  produce, acked, send(record), 5000 in flight", singleRate)
        await producer.close()

        let recordsRate = try await consume(cluster, topic: batchTopic, records: records, logger: logger, batches: false)
        report("swift  consume, records (one per element)", recordsRate)
        let batchesRate = try await consume(cluster, topic: singleTopic, records: records, logger: logger, batches: true)
        report("swift  consume, batches", batchesRate)

        if !options.flag("no-python") {
            await runPython(bootstrap: cluster.bootstrapServers, topic: pythonTopic, records: records, size: size, partitions: partitions)
        }
        await cluster.shutdown()
    }

    struct Rate {
        var count: Int
        var seconds: Double
        /// CPU time of this process (user + system) during the phase, in-process broker included.
        var cpuSeconds: Double? = nil
        var perSecond: Double { Double(count) / seconds }
    }

    /// User + system CPU time of this process so far.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    static func report(_ label: String, _ rate: Rate) {
        let padded = label.padding(toLength: max(label.count, 76), withPad: " ", startingAt: 0)
        var line = "\(padded) \(formatted(rate.perSecond)) records/s  (\(rate.count) in \(String(format: "%.2f", rate.seconds)) s"
        if let cpu = rate.cpuSeconds, rate.count > 0 {
            line += String(format: ", %.2f us CPU/record incl. broker", cpu * 1e6 / Double(rate.count))
        }
        print(line + ")")
        flushStdout()
    }

    static func formatted(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed()).leftPadded(to: 10)
    }

    static func produceInBatches(_ producer: KafkaProducer, topic: String, value: Data, records: Int, partitions: Int) async throws -> Rate {
        let chunk = 1000, window = 100
        let start = ContinuousClock.now
        let cpuStart = processCPUSeconds()
        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            var failures = 0, inFlight = 0
            for first in stride(from: 0, to: records, by: chunk) {
                if inFlight == window {
                    failures += try await group.next() ?? 0
                    inFlight -= 1
                }
                let partition = Int32((first / chunk) % partitions)
                let batch = (first..<min(first + chunk, records)).map { _ in KafkaProducerRecord(topic: topic, partition: partition, value: value) }
                group.addTask {
                    await producer.send(batch).reduce(0) { n, result in if case .failure = result { n + 1 } else { n } }
                }
                inFlight += 1
            }
            for try await f in group { failures += f }
            return failures
        }
        if failures > 0 { throw BenchFailure(description: "\(failures) records were not acknowledged") }
        return Rate(count: records, seconds: (ContinuousClock.now - start).seconds, cpuSeconds: processCPUSeconds() - cpuStart)
    }

    static func produceOneByOne(_ producer: KafkaProducer, topic: String, value: Data, records: Int, partitions: Int) async throws -> Rate {
        let senders = 5000
        let start = ContinuousClock.now
        let cpuStart = processCPUSeconds()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for sender in 0..<senders {
                group.addTask {
                    var i = sender
                    let partition = Int32(sender % partitions)
                    while i < records {
                        _ = try await producer.send(topic: topic, value: value, partition: partition)
                        i += senders
                    }
                }
            }
            try await group.waitForAll()
        }
        return Rate(count: records, seconds: (ContinuousClock.now - start).seconds, cpuSeconds: processCPUSeconds() - cpuStart)
    }

    static func consume(_ cluster: MockKafkaCluster, topic: String, records: Int, logger: Logger, batches: Bool) async throws -> Rate {
        var config = KafkaConfig(bootstrapServers: cluster.bootstrapServers)
        config.groupID = "bench-\(UUID().uuidString.prefix(8))"
        config.autoOffsetReset = .earliest
        config.sessionTimeout = .seconds(6)
        config.fetchWaitMax = .milliseconds(50)
        let consumer = try KafkaConsumer(config: config, topics: [topic], logger: logger)
        // Stops early (and says so) if records stop coming, rather than waiting forever.
        let watchdog = Task {
            try await Task.sleep(for: .seconds(120))
            await consumer.close()
        }
        var count = 0
        var start: ContinuousClock.Instant?
        var cpuStart = 0.0
        if batches {
            for try await batch in consumer.batches {
                if start == nil { start = .now; cpuStart = processCPUSeconds() }
                count += batch.count
                if count >= records { break }
            }
        } else {
            for try await _ in consumer.records {
                if start == nil { start = .now; cpuStart = processCPUSeconds() }
                count += 1
                if count >= records { break }
            }
        }
        let seconds = (ContinuousClock.now - (start ?? .now)).seconds
        let cpu = processCPUSeconds() - cpuStart
        watchdog.cancel()
        await consumer.close()
        if count < records { print("(consumer stopped after \(count) of \(records) records)") }
        return Rate(count: count, seconds: seconds, cpuSeconds: cpu)
    }

    /// Runs scripts/bench_kafka.py (confluent-kafka) against the same cluster, if Python and the
    /// package are there; says so when they are not.
    static func runPython(bootstrap: String, topic: String, records: Int, size: Int, partitions: Int) async {
        let python = ProcessInfo.processInfo.environment["UPLOAD_WORKER_PYTHON"] ?? "python3"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../../scripts/bench_kafka.py").standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: script) else {
            print("python: skipped (\(script) not found)")
            return
        }
        let brokerCPUStart = processCPUSeconds()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script, "--bootstrap", bootstrap, "--topic", topic, "--records", String(records), "--size", String(size), "--partitions", String(partitions)]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            print("python: skipped (\(error))")
            return
        }
        // Read on a dispatch thread (a blocking read), wait for the exit without blocking the pool.
        let data: Data = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: data)
            }
        }
        guard process.terminationStatus == 0,
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let produce = json["produce"] as? [String: Any], let consume = json["consume"] as? [String: Any],
              let producedRate = produce["per_second"] as? Double
        else {
            print("python: skipped (exit \(process.terminationStatus); is confluent-kafka installed for \(python)?)")
            return
        }
        // The broker runs in this process: its CPU during the Python run is added (split evenly
        // between the two phases) so that the CPU figures compare with the Swift ones.
        let brokerCPU = (processCPUSeconds() - brokerCPUStart) / 2
        let client = json["client"] as? String ?? "confluent-kafka"
        let producedSeconds = produce["seconds"] as? Double ?? 0, consumedSeconds = consume["seconds"] as? Double ?? 0
        let producedCPU = (produce["cpu_seconds"] as? Double).map { $0 + brokerCPU }
        let consumedCPU = (consume["cpu_seconds"] as? Double).map { $0 + brokerCPU }
        report("python produce, acked, produce() + on_delivery",
               Rate(count: records, seconds: producedSeconds > 0 ? producedSeconds : Double(records) / producedRate, cpuSeconds: producedCPU))
        report("python consume, consume(num_messages=1000)",
               Rate(count: consume["records"] as? Int ?? records, seconds: consumedSeconds > 0 ? consumedSeconds : 1, cpuSeconds: consumedCPU))
        print("python: \(client)")
    }
}

/// The 1-minute load average, as /proc/loadavg reports it.
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "unknown"
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
}

func flushStdout() {
    fflush(nil)  // all C streams: `stdout` itself is not concurrency-safe to name
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

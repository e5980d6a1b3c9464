import Foundation
import ImagesEmulator

/// The text of `bench worker`: one line per scenario as it finishes, the table, the targets of
/// issue 5 with the measured figures beside them, and the JSON line.
enum WorkerBenchReport {
    static func line(_ r: WorkerBenchResult) -> String {
        var s = "\(r.measuredEvents) events in \(fixed(r.seconds, 2)) s = \(grouped(r.perSecond)) records/s"
        if let p = r.percentOfBound { s += " (\(fixed(p, 0))% of the bound \(grouped(r.scenario.bound ?? 0))/s)" }
        if let cpu = r.cpuMicrosPerRecord { s += ", worker CPU \(fixed(cpu, 0)) µs/record" }
        if let rss = r.peakRSSBytes { s += ", peak RSS \(fixed(Double(rss) / 1_048_576, 1)) MB" }
        s += ", \(r.uploads) uploads, longest pause between events \(fixed(r.longestGap * 1000, 0)) ms, load \(r.loadAverage)"
        if !r.problems.isEmpty { s += "\n  PROBLEMS: " + r.problems.joined(separator: "; ") }
        return s
    }

    static func table(_ results: [WorkerBenchResult]) -> String {
        let columns: [(String, Int)] = [
            ("scenario", 11), ("latency", 8), ("in flight", 10), ("records", 8), ("seconds", 8), ("records/s", 10),
            ("bound/s", 8), ("% bound", 8), ("CPU µs/rec", 11), ("peak RSS MB", 12), ("uploads", 8), ("load", 6),
        ]
        func row(_ cells: [String]) -> String {
            zip(cells, columns).enumerated().map { i, pair in
                i == 0 ? pair.0.padding(toLength: pair.1.1, withPad: " ", startingAt: 0) : pair.0.leftPadded(to: pair.1.1)
            }.joined(separator: " ")
        }
        var lines = [row(columns.map(\.0))]
        lines.append(String(repeating: "-", count: lines[0].count))
        for r in results {
            lines.append(row([
                r.scenario.name, DurationText.formatMilliseconds(r.scenario.latency), "\(r.scenario.maxInFlight)", "\(r.measuredEvents)",
                fixed(r.seconds, 2), grouped(r.perSecond), r.scenario.bound.map(grouped) ?? "n/a",
                r.percentOfBound.map { fixed($0, 0) + "%" } ?? "n/a", r.cpuMicrosPerRecord.map { fixed($0, 0) } ?? "?",
                r.peakRSSBytes.map { fixed(Double($0) / 1_048_576, 1) } ?? "?", "\(r.uploads)", r.loadAverage,
            ]))
        }
        return lines.joined(separator: "\n")
    }

    /// Issue 5's targets with the figures beside them.
    static func targets(_ results: [WorkerBenchResult]) -> String {
        func named(_ name: String) -> WorkerBenchResult? { results.first { $0.scenario.name == name && $0.events > 0 } }
        var lines = ["targets (issue 5, 2 cores shared with the emulator):"]
        func add(_ target: String, _ measured: String?, _ met: Bool?) {
            let verdict = met.map { $0 ? "met" : "MISSED" } ?? "not measured"
            lines.append("  " + target.padding(toLength: 52, withPad: " ", startingAt: 0) + (measured ?? "-").padding(toLength: 34, withPad: " ", startingAt: 0) + verdict)
        }
        let at200 = named("200ms-256")
        add("200 ms latency, 256 in flight: >= 1,150 uploads/s", at200.map { "\(grouped($0.perSecond))/s (\(fixed($0.percentOfBound ?? 0, 0))% of bound)" }, at200.map { $0.perSecond >= 1_150 })
        let zero = results.filter { $0.scenario.kind == .uniqueURLs && $0.scenario.latency == .zero && $0.events > 0 }.max { $0.perSecond < $1.perSecond }
        add("0 ms latency: >= 3,000 uploads/s", zero.map { "\(grouped($0.perSecond))/s (\($0.scenario.name))" }, zero.map { $0.perSecond >= 3_000 })
        let dup = named("duplicates")
        add("duplicate path: >= 20,000 records/s", dup.map { "\(grouped($0.perSecond))/s" }, dup.map { $0.perSecond >= 20_000 })
        let uploadsCPU = results.filter { $0.scenario.kind == .uniqueURLs }.compactMap { r in r.cpuMicrosPerRecord.map { (r, $0) } }.max { $0.1 < $1.1 }
        add("worker CPU per uploaded record: <= 200 µs", uploadsCPU.map { "\(fixed($0.1, 0)) µs (worst: \($0.0.scenario.name))" }, uploadsCPU.map { $0.1 <= 200 })
        let rss = results.compactMap { r in r.peakRSSBytes.map { (r, $0) } }.max { $0.1 < $1.1 }
        add("worker peak RSS: <= 150 MB", rss.map { "\(fixed(Double($0.1) / 1_048_576, 1)) MB (worst: \($0.0.scenario.name))" }, rss.map { $0.1 <= 150 * 1_048_576 })
        return lines.joined(separator: "\n")
    }

    static func jsonLine(_ results: [WorkerBenchResult], machine: WorkerBench.Machine) -> String {
        let items: [[String: Any]] = results.map { r in
            var o: [String: Any] = [
                "scenario": r.scenario.name, "latency_ms": Int(r.scenario.latency.seconds * 1000), "max_in_flight": r.scenario.maxInFlight,
                "records": r.measuredEvents, "seconds": rounded(r.seconds, 3), "records_per_second": rounded(r.perSecond, 1),
                "uploads": r.uploads, "errors": r.errors, "longest_gap_ms": Int(r.longestGap * 1000), "load_average": r.loadAverage, "problems": r.problems,
            ]
            if let b = r.scenario.bound { o["bound_per_second"] = rounded(b, 1) }
            if let p = r.percentOfBound { o["percent_of_bound"] = rounded(p, 1) }
            if let c = r.cpuMicrosPerRecord { o["worker_cpu_us_per_record"] = rounded(c, 1) }
            if let t = r.totalCPUSeconds { o["worker_cpu_seconds_total"] = rounded(t, 2) }
            if let m = r.peakRSSBytes { o["worker_peak_rss_mb"] = rounded(Double(m) / 1_048_576, 1) }
            return o
        }
        let object: [String: Any] = ["suite": "worker", "cores": machine.cores, "cpu": machine.cpuModel, "results": items]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func fixed(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
    static func rounded(_ v: Double, _ digits: Int) -> Double {
        let scale = pow(10, Double(digits))
        return (v * scale).rounded() / scale
    }

    /// 12345.6 -> "12,346".
    static func grouped(_ v: Double) -> String {
        KafkaBench.formatted(v).trimmingCharacters(in: .whitespaces)
    }
}

extension DurationText {
    /// "0 ms", "200 ms".
    static func formatMilliseconds(_ d: Duration) -> String { "\(Int((d.seconds * 1000).rounded())) ms" }
}

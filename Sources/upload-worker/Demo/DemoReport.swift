import Foundation
import ImagesEmulator
import UploadWorker

/// The demo's text: what runs (header), what happened (summary, samples, verdict), and the JSON
/// line for `--json`.
struct DemoReport {
    let settings: DemoRun.Settings
    let workload: DemoWorkload
    let outcome: DemoOutcome

    static func header(settings: DemoRun.Settings, workload: DemoWorkload, configuration: WorkerConfiguration, kafka: String, emulator: String) -> String {
        let pacedSeconds = Double(max(workload.distinctUploads - 10, 0)) / 4
        let specials = workload.requests.filter { $0.role != nil }
        let latency = DurationText.format(settings.latency)
        let count = workload.requests.count
        let uploads = workload.distinctUploads
        var s = "upload-worker demo: \(count) upload requests through the whole system, in this one process\n\n"
        s += "  Kafka       embedded (librdkafka's mock cluster) at \(kafka), topics \(DemoRun.requestTopic),\n"
        s += "              \(DemoRun.resultTopic) and \(DemoRun.errorTopic), \(DemoRun.partitions) partitions each\n"
        s += "  Images API  the emulator at \(emulator), \(latency) per API call;\n"
        s += "              it really fetches each URL from its built-in origin and checks it as Cloudflare does\n"
        s += "  worker      \(configuration.maxInFlight) uploads in flight, SQLite idempotency store in a temporary directory (deleted after)\n"
        s += "              pacing OFF for the demo: the default UPLOAD_RATE=4/s (the API's 1,200 uploads per 5 minutes)\n"
        s += "              would take about \(Int(pacedSeconds.rounded())) s for these \(uploads) uploads\n"
        s += "  requests    \(uploads - 1) distinct images, \(workload.repeats - 1) repeats of them, and \(specials.count) special cases:\n"
        for request in specials {
            s += "                " + (request.role ?? "").padding(toLength: 54, withPad: " ", startingAt: 0) + "-> \(request.expected)\n"
        }
        return s + "\n"
    }

    func summary() -> String {
        let total = workload.requests.count
        let latencies = outcome.tally.latencies.sorted()
        let problems = outcome.problems
        let uploads = outcome.emulatorStats.totalUploads
        let uploadsFromResults = outcome.results - outcome.deduplicated
        var s = "\nSummary\n"
        s += row("requests", total, outcome.tally.answered == total ? "produced; \(outcome.tally.answered) got a terminal event" : "produced; only \(outcome.tally.answered) got a terminal event")
        s += row("results", outcome.results, "\(uploadsFromResults) uploaded, \(outcome.deduplicated) deduplicated (no upload of their own)")
        let kinds = outcome.errorsByKind.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        s += row("errors", outcome.errors, kinds.isEmpty ? "none" : kinds)
        let twice = outcome.emulatorStats.duplicateUploads.count
        s += row("uploads", uploads, "images created, as the emulator counted them; " + (twice == 0 ? "no URL uploaded twice" : "\(twice) URLs uploaded twice"))
        if let elapsed = outcome.elapsed {
            let seconds = elapsed.seconds
            s += "  " + "throughput".padding(toLength: 12, withPad: " ", startingAt: 0)
                + String(format: "%8.1f", Double(outcome.tally.eventCount) / max(seconds, 0.001))
                + String(format: "  requests/s (%d in %.2f s, from producing the requests to reading the last event back)\n", outcome.tally.eventCount, seconds)
        }
        if !latencies.isEmpty {
            s += "  " + "latency".padding(toLength: 12, withPad: " ", startingAt: 0)
                + "          p50 \(Self.milliseconds(Self.percentile(latencies, 0.50))), p99 \(Self.milliseconds(Self.percentile(latencies, 0.99))), max \(Self.milliseconds(latencies.last!))"
                + " (produced -> event read back; all requests produced at once)\n"
            if let slowest = outcome.tally.slowest {
                s += "                        slowest: \(workload.requests[slowest.index].id) (\(Self.milliseconds(slowest.latency)))\n"
            }
        }

        s += "\nSpecial cases\n"
        for (request, events) in zip(workload.requests, outcome.tally.events) where request.role != nil {
            let got = events.first.map { event -> String in
                switch event.outcome {
                case .result(let dedup): "result\(dedup ? " (deduplicated)" : ""), \(event.detail)"
                case .error(let kind, let retryable): "error \(kind), retryable \(retryable): \(event.detail)"
                }
            } ?? "no event"
            s += "  " + (request.role ?? "").padding(toLength: 54, withPad: " ", startingAt: 0) + "-> " + got + "\n"
        }

        s += samples()
        s += "\n"
        if problems.isEmpty {
            s += "OK: every request got exactly one terminal event of the expected kind, and no URL was uploaded twice.\n"
        } else {
            s += "FAILED:\n" + problems.map { "  - \($0)\n" }.joined()
        }
        return s
    }

    /// An uploaded and a deduplicated result, a rejected source and an invalid message.
    private func samples() -> String {
        let pairs = Array(zip(workload.requests, outcome.tally.events))
        func first(_ title: String, _ match: (DemoWorkload.Request, DemoTally.Event) -> Bool) -> String {
            for (request, events) in pairs {
                guard let event = events.first, match(request, event) else { continue }
                let topic = if case .result = event.outcome { DemoRun.resultTopic } else { DemoRun.errorTopic }
                return "\n\(title) (\(topic), request \(request.id)):\n" + CompactJSONIndenter.indent(event.json, prefix: "  ") + "\n"
            }
            return ""
        }
        var s = ""
        s += first("A result event") { $1.outcome == .result(deduplicated: false) && $0.role == nil }
        s += first("A deduplicated result event") { $1.outcome == .result(deduplicated: true) }
        s += first("An error event") { request, event in
            if case .error("source_rejected", _) = event.outcome { return request.id == "demo-missing" }
            return false
        }
        s += first("An error event for an invalid message") { request, event in
            if case .error("invalid_request", _) = event.outcome { return request.id == "demo-not-json" }
            return false
        }
        return s
    }

    func jsonLine() -> String {
        let latencies = outcome.tally.latencies.sorted()
        var object: [String: Any] = [
            "requests": workload.requests.count,
            "answered": outcome.tally.answered,
            "results": outcome.results,
            "errors": outcome.errors,
            "errors_by_kind": outcome.errorsByKind,
            "deduplicated": outcome.deduplicated,
            "uploads": outcome.emulatorStats.totalUploads,
            "urls_uploaded_twice": outcome.emulatorStats.duplicateUploads.count,
            "latency_ms_api": Int(settings.latency.seconds * 1000),
            "max_in_flight": settings.maxInFlight,
            "ok": outcome.problems.isEmpty,
            "problems": outcome.problems,
        ]
        if let elapsed = outcome.elapsed {
            object["seconds"] = (elapsed.seconds * 1000).rounded() / 1000
            object["requests_per_second"] = (Double(outcome.tally.eventCount) / max(elapsed.seconds, 0.001) * 10).rounded() / 10
        }
        if !latencies.isEmpty {
            object["latency_ms_p50"] = Self.percentile(latencies, 0.50).seconds * 1000
            object["latency_ms_p99"] = Self.percentile(latencies, 0.99).seconds * 1000
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    private func row(_ label: String, _ value: Int, _ note: String) -> String {
        "  " + label.padding(toLength: 12, withPad: " ", startingAt: 0) + String(format: "%8d", value) + "  " + note + "\n"
    }

    /// Nearest rank: the smallest value with at least `p` of the values at or below it.
    static func percentile(_ sorted: [Duration], _ p: Double) -> Duration {
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank - 1, 0), sorted.count - 1)]
    }

    static func milliseconds(_ d: Duration) -> String {
        String(format: "%.0f ms", d.seconds * 1000)
    }
}

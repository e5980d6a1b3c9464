import Foundation
import ImagesEmulator

/// What a demo run produced, and what is wrong with it: the checks behind the exit code.
struct DemoOutcome: Sendable {
    let workload: DemoWorkload
    var tally: DemoTally
    var emulatorStats = EmulatorStats()
    var startedAt: ContinuousClock.Instant = .now
    /// Reasons for a non-zero exit, most important first.
    var problems: [String] = []

    init(workload: DemoWorkload) {
        self.workload = workload
        self.tally = DemoTally(requestTopic: DemoRun.requestTopic, count: workload.requests.count)
    }

    var allEvents: [DemoTally.Event] { Array(tally.events.joined()) }
    var results: Int { allEvents.filter { if case .result = $0.outcome { true } else { false } }.count }
    var deduplicated: Int { allEvents.filter { $0.outcome == .result(deduplicated: true) }.count }
    var errorsByKind: [String: Int] {
        allEvents.reduce(into: [:]) { counts, event in
            if case .error(let kind, _) = event.outcome { counts[kind, default: 0] += 1 }
        }
    }
    var errors: Int { errorsByKind.values.reduce(0, +) }
    /// First request produced to last event read back.
    var elapsed: Duration? {
        tally.events.joined().map(\.receivedAt).max().map { $0 - startedAt }
    }

    /// Every request exactly one terminal event of the expected kind; no URL uploaded twice; every
    /// URL that should be uploaded was, once, and nothing else.
    mutating func check() {
        var missing: [String] = [], repeated: [String] = [], unexpected: [String] = []
        for (request, events) in zip(workload.requests, tally.events) {
            if events.isEmpty { missing.append(request.id) }
            if events.count > 1 { repeated.append("\(request.id) (\(events.count) events)") }
            if let first = events.first {
                let got: DemoWorkload.Expected
                switch first.outcome {
                case .result: got = .result
                case .error(let kind, _): got = .error(kind)
                }
                if got != request.expected { unexpected.append("\(request.id): expected \(request.expected), got \(got)") }
            }
        }
        func list(_ items: [String]) -> String { items.prefix(5).joined(separator: ", ") + (items.count > 5 ? ", ..." : "") }
        if !missing.isEmpty { problems.append("\(missing.count) requests got no terminal event: \(list(missing))") }
        if !repeated.isEmpty { problems.append("\(repeated.count) requests got more than one terminal event: \(list(repeated))") }
        let strays = tally.strayEvents + tally.unmatchedEarlyEvents
        if strays > 0 { problems.append("\(strays) events matched no request of this run") }
        if !unexpected.isEmpty { problems.append("\(unexpected.count) requests got another outcome than expected: \(list(unexpected))") }

        let twice = emulatorStats.duplicateUploads
        if !twice.isEmpty {
            problems.append("\(twice.count) URLs were uploaded more than once: " + list(twice.sorted { $0.key < $1.key }.map { "\($0.key) x\($0.value)" }))
        }
        let expectedUploads = Set(workload.requests.compactMap { $0.expected == .result ? $0.uploadKey : nil })
        let uploaded = Set(emulatorStats.uploads.keys)
        let notUploaded = expectedUploads.subtracting(uploaded), extra = uploaded.subtracting(expectedUploads)
        if !notUploaded.isEmpty, missing.isEmpty {
            problems.append("\(notUploaded.count) URLs were never uploaded: \(list(notUploaded.sorted()))")
        }
        if !extra.isEmpty { problems.append("\(extra.count) URLs were uploaded that no request should upload: \(list(extra.sorted()))") }
    }
}

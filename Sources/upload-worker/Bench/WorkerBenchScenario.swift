import Foundation

/// One line of `bench worker`: an API latency and an in-flight limit with unique URLs, or the
/// duplicate path (every URL already in the store).
struct WorkerBenchScenario: Sendable {
    enum Kind: Sendable, Equatable {
        /// Every request a URL not seen before: one upload each.
        case uniqueURLs
        /// Every request a URL that a pre-run already uploaded: store, Kafka and publish only.
        case duplicates
    }

    let name: String
    let kind: Kind
    let latency: Duration
    let maxInFlight: Int
    /// Requests measured.
    var records: Int

    /// In-flight / latency: what the API's latency allows at best (nil at 0 ms: no bound).
    var bound: Double? {
        guard kind == .uniqueURLs, latency > .zero else { return nil }
        return Double(maxInFlight) / latency.seconds
    }

    /// Sized to take about 10-15 s each on a 2-core machine at the targets' rates.
    static let all: [WorkerBenchScenario] = [
        WorkerBenchScenario(name: "0ms-64", kind: .uniqueURLs, latency: .zero, maxInFlight: 64, records: 30_000),
        WorkerBenchScenario(name: "0ms-256", kind: .uniqueURLs, latency: .zero, maxInFlight: 256, records: 30_000),
        WorkerBenchScenario(name: "200ms-64", kind: .uniqueURLs, latency: .milliseconds(200), maxInFlight: 64, records: 4_000),
        WorkerBenchScenario(name: "200ms-256", kind: .uniqueURLs, latency: .milliseconds(200), maxInFlight: 256, records: 16_000),
        // 30,000 URLs uploaded by a pre-run (0 ms, 256 in flight), then each requested twice,
        // cycling through more URLs than the store's in-memory cache holds (10,000): SQLite reads.
        WorkerBenchScenario(name: "duplicates", kind: .duplicates, latency: .zero, maxInFlight: 256, records: 60_000),
    ]
}

/// What one scenario measured.
struct WorkerBenchResult: Sendable {
    let scenario: WorkerBenchScenario
    /// Terminal events read back (results + errors).
    var events = 0
    var errors = 0
    /// Seconds of the steady state: between the events at `skipped` and the last (by the
    /// events' create time, set by the worker's producer).
    var seconds: Double = 0
    /// Events of the startup left out of the steady state.
    var skipped = 0
    /// Worker CPU (user + system) during the steady state, and over its whole life.
    var steadyCPUSeconds: Double?
    var totalCPUSeconds: Double?
    var peakRSSBytes: Int?
    /// The longest time without an event during the steady state (a stall shows here).
    var longestGap: Double = 0
    /// Images the emulator created during the measured phase.
    var uploads = 0
    var loadAverage = ""
    var problems: [String] = []

    var measuredEvents: Int { max(events - 1 - skipped, 0) }
    var perSecond: Double { seconds > 0 ? Double(measuredEvents) / seconds : 0 }
    var percentOfBound: Double? { scenario.bound.map { perSecond / $0 * 100 } }
    var cpuMicrosPerRecord: Double? {
        guard let cpu = steadyCPUSeconds, measuredEvents > 0 else { return nil }
        return cpu * 1e6 / Double(measuredEvents)
    }
}

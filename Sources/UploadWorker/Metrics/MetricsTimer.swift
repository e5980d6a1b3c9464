/// Records durations, in seconds, into a histogram; shaped like swift-metrics' `Timer` (renamed: Foundation has a `Timer`).
public struct MetricsTimer: Sendable {
    public let histogram: Histogram

    public func record(_ duration: Duration) {
        histogram.observe(duration / .seconds(1))
    }

    public func recordNanoseconds(_ nanoseconds: Int64) {
        histogram.observe(Double(nanoseconds) / 1e9)
    }

    /// Runs `body` and records how long it took.
    public func measure<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        let start = ContinuousClock.now
        defer { record(ContinuousClock.now - start) }
        return try await body()
    }
}

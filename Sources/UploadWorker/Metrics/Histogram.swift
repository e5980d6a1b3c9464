import Synchronization

/// Counts observations into cumulative buckets, with their sum and count (a Prometheus
/// histogram). `MetricsTimer` records durations into one in seconds.
public final class Histogram: Sendable {
    public let name: String
    public let labels: [(String, String)]
    /// Upper bounds, ascending; `+Inf` is implied.
    public let buckets: [Double]

    struct Snapshot: Sendable, Equatable {
        /// Per bucket (not cumulative), plus one for +Inf.
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0
    }
    private let state: Mutex<Snapshot>

    init(name: String, labels: [(String, String)], buckets: [Double]) {
        self.name = name
        self.labels = labels
        self.buckets = buckets
        state = Mutex(Snapshot(counts: Array(repeating: 0, count: buckets.count + 1)))
    }

    public func observe(_ value: Double) {
        // The first bucket whose bound is >= value (`le` is inclusive); +Inf otherwise.
        var low = 0, high = buckets.count
        while low < high {
            let mid = (low + high) / 2
            if buckets[mid] < value { low = mid + 1 } else { high = mid }
        }
        let index = low
        state.withLock { s in
            s.counts[index] += 1
            s.sum += value
            s.count += 1
        }
    }

    var snapshot: Snapshot { state.withLock { $0 } }

    /// Observations so far.
    public var count: UInt64 { state.withLock { $0.count } }
    public var sum: Double { state.withLock { $0.sum } }

    /// Prometheus' default buckets, in seconds.
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
}

import Synchronization

/// A value that only goes up (records consumed, uploads...), like swift-metrics' `Counter`.
/// Lock-free; get one from `MetricsRegistry.counter`.
public final class Counter: Sendable {
    public let name: String
    public let labels: [(String, String)]
    private let count = Atomic<UInt64>(0)

    init(name: String, labels: [(String, String)]) {
        self.name = name
        self.labels = labels
    }

    public func increment(by amount: Int = 1) {
        precondition(amount >= 0, "a counter cannot go down")
        count.add(UInt64(amount), ordering: .relaxed)
    }

    public var value: UInt64 { count.load(ordering: .relaxed) }
}

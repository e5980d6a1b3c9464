import Synchronization

/// A value that goes up and down (uploads in flight, paused partitions), like swift-metrics'
/// `Gauge`/`Meter`. Lock-free: the Double's bits in an atomic, updated by compare-and-swap.
public final class Gauge: Sendable {
    public let name: String
    public let labels: [(String, String)]
    private let bits = Atomic<UInt64>(0.0.bitPattern)

    init(name: String, labels: [(String, String)]) {
        self.name = name
        self.labels = labels
    }

    public func set(_ value: Double) { bits.store(value.bitPattern, ordering: .relaxed) }
    public func set(_ value: Int) { set(Double(value)) }
    public func increment(by amount: Double = 1) { update { $0 + amount } }
    public func decrement(by amount: Double = 1) { update { $0 - amount } }

    public var value: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }

    private func update(_ change: (Double) -> Double) {
        var old = bits.load(ordering: .relaxed)
        while true {
            let (exchanged, current) = bits.compareExchange(
                expected: old, desired: change(Double(bitPattern: old)).bitPattern, ordering: .relaxed)
            if exchanged { return }
            old = current
        }
    }
}

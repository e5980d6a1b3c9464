/// The time source of the pacer, the offset tracker's drain deadline and the health checks.
///
/// Instants are `ContinuousClock.Instant` for every clock, so that deadlines computed by the
/// pipeline with `ContinuousClock.now` and those of a `ManualClock` in tests are the same type, and
/// the protocol can be used as an existential (`any WorkerClock`).
public protocol WorkerClock: Sendable {
    /// Monotonic now.
    var now: ContinuousClock.Instant { get }
    /// Suspends until `deadline` (returns at once when it has passed). Throws `CancellationError`
    /// when the task is cancelled first.
    func sleep(until deadline: ContinuousClock.Instant) async throws
}

/// The real clock: `ContinuousClock`, which keeps counting while the machine sleeps.
public struct SystemClock: WorkerClock {
    public init() {}
    public var now: ContinuousClock.Instant { ContinuousClock.now }
    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        try await Task.sleep(until: deadline, tolerance: nil, clock: .continuous)
    }
}

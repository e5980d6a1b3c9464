import Synchronization

/// A clock that moves only when told to, for deterministic tests and simulations of the pacer,
/// the drain deadline and the health checks: `advance(by:)` wakes every sleeper whose deadline has
/// come, and `waitForSleepers(_:)` lets a test wait until the code under test is asleep before it
/// moves time, instead of guessing with real sleeps.
public final class ManualClock: WorkerClock {
    private struct Sleeper {
        let id: UInt64
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var now: ContinuousClock.Instant
        var nextID: UInt64 = 0
        var sleepers: [Sleeper] = []
        /// Sleepers that registered but were cancelled before their continuation was stored.
        var cancelledEarly: Set<UInt64> = []
        var sleeperWatchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }
    private let state: Mutex<State>

    public init(now: ContinuousClock.Instant = ContinuousClock.now) {
        state = Mutex(State(now: now))
    }

    public var now: ContinuousClock.Instant { state.withLock { $0.now } }

    /// How many tasks are suspended in `sleep(until:)`.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// The earliest deadline anyone sleeps until, if any.
    public var nextDeadline: ContinuousClock.Instant? { state.withLock { $0.sleepers.map(\.deadline).min() } }

    public func sleep(until deadline: ContinuousClock.Instant) async throws {
        let id = state.withLock { s -> UInt64 in
            s.nextID += 1
            return s.nextID
        }
        // A cancellation that raced with the wake-up leaves a marker behind; drop it either way.
        defer { _ = state.withLock { $0.cancelledEarly.remove(id) } }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case sleep([CheckedContinuation<Void, Never>]), wakeNow, cancelled }
                let outcome = state.withLock { s -> Outcome in
                    if s.cancelledEarly.remove(id) != nil { return .cancelled }
                    if deadline <= s.now { return .wakeNow }
                    s.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return .sleep(Self.takeSatisfiedWatchers(&s))
                }
                switch outcome {
                case .wakeNow: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .sleep(let watchers): for w in watchers { w.resume() }
                }
            }
        } onCancel: {
            let continuation = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                if let i = s.sleepers.firstIndex(where: { $0.id == id }) {
                    return s.sleepers.remove(at: i).continuation
                }
                s.cancelledEarly.insert(id)
                return nil
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes the sleepers whose deadline has come, earliest first.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "ManualClock cannot go back in time")
        let woken = state.withLock { s -> [Sleeper] in
            s.now = s.now.advanced(by: duration)
            let now = s.now
            let due = s.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            s.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// Moves time to `instant` (no-op if it is in the past).
    public func advance(to instant: ContinuousClock.Instant) {
        let delta = state.withLock { instant - $0.now }
        if delta > .zero { advance(by: delta) }
    }

    /// Returns once at least `count` tasks are suspended in `sleep(until:)`.
    public func waitForSleepers(_ count: Int = 1) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { s -> Bool in
                if s.sleepers.count >= count { return true }
                s.sleeperWatchers.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    private static func takeSatisfiedWatchers(_ s: inout State) -> [CheckedContinuation<Void, Never>] {
        let n = s.sleepers.count
        let ready = s.sleeperWatchers.filter { $0.count <= n }.map(\.continuation)
        s.sleeperWatchers.removeAll { $0.count <= n }
        return ready
    }
}

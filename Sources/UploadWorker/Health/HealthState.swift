import Synchronization

/// What `/healthz` and `/readyz` report: the worker's phase and when the consumer last polled.
///
/// Liveness watches the poll loop because librdkafka 2.0.2 does not enforce
/// `max.poll.interval.ms` for us: a loop stuck somewhere would otherwise look healthy while the
/// group reassigns its partitions.
public final class HealthState: Sendable {
    public enum Phase: String, Sendable, Comparable, CaseIterable {
        /// Connecting, waiting for an assignment.
        case starting
        /// Consuming.
        case ready
        /// Shutting down: finishing in-flight work, taking no new records.
        case draining
        /// Done; the process is about to exit.
        case stopped

        private var rank: Int { Self.allCases.firstIndex(of: self)! }
        public static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rank < rhs.rank }
    }

    /// The answer of one check.
    public struct Check: Sendable, Equatable {
        public let isHealthy: Bool
        /// One line for the response body and the logs.
        public let detail: String
    }

    private struct State {
        var phase: Phase = .starting
        var lastPoll: ContinuousClock.Instant
    }

    /// `/healthz` fails when no poll happened for this long.
    public let livenessTimeout: Duration
    private let clock: any WorkerClock
    private let state: Mutex<State>

    /// - Parameter livenessTimeout: Default: 60 s (`LIVENESS_TIMEOUT`).
    public init(livenessTimeout: Duration = .seconds(60), clock: any WorkerClock = SystemClock()) {
        self.livenessTimeout = livenessTimeout
        self.clock = clock
        // Startup counts as a poll, so that a slow first connection gets one timeout of grace.
        state = Mutex(State(lastPoll: clock.now))
    }

    public var phase: Phase { state.withLock { $0.phase } }

    /// Moves to a later phase; returns false (and changes nothing) for a move backwards, which a
    /// late callback may attempt during shutdown.
    @discardableResult
    public func enter(_ phase: Phase) -> Bool {
        state.withLock { s in
            guard phase >= s.phase else { return false }
            s.phase = phase
            return true
        }
    }

    /// Called by the poll loop each time it polls.
    public func recordPoll() {
        let now = clock.now
        state.withLock { $0.lastPoll = now }
    }

    /// Time since the last poll.
    public var sinceLastPoll: Duration {
        let now = clock.now
        return now - state.withLock { $0.lastPoll }
    }

    /// Alive: not stopped, and the poll loop polled within the liveness timeout.
    public func liveness() -> Check {
        let now = clock.now
        let s = state.withLock { $0 }
        if s.phase == .stopped { return Check(isHealthy: false, detail: "stopped") }
        let idle = now - s.lastPoll
        guard idle <= livenessTimeout else {
            return Check(isHealthy: false, detail: "no poll for \(Self.seconds(idle)) (limit \(Self.seconds(livenessTimeout)))")
        }
        return Check(isHealthy: true, detail: "ok")
    }

    /// Ready: consuming and alive.
    public func readiness() -> Check {
        let live = liveness()
        let phase = self.phase
        guard phase == .ready else { return Check(isHealthy: false, detail: phase.rawValue) }
        guard live.isHealthy else { return live }
        return Check(isHealthy: true, detail: "ready")
    }

    private static func seconds(_ d: Duration) -> String {
        let s = d / .seconds(1)
        return s == s.rounded() ? "\(Int(s))s" : "\((s * 10).rounded() / 10)s"
    }
}

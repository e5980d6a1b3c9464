import Synchronization

/// Spaces the uploads of one Cloudflare account: a token bucket shared by every upload (design.md,
/// invariant 4). `acquire()` suspends without blocking a thread until a token is available;
/// waiters are served in FIFO order, and a newcomer never overtakes a waiter. A 429's Retry-After
/// goes to `hold(until:)`, which holds every waiter and every new acquirer until then.
/// (Acquirers that arrive at the same moment are queued in the order they take the lock.)
///
/// One driver task runs while someone waits: it grants what the bucket allows and sleeps on the
/// clock until the next token. With `rate: 0` pacing is off, but holds still apply.
public final class Pacer: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Uploads per second; 0 turns pacing off. Default: 4 (the API allows 1,200 per 5 minutes).
        public var rate: Double
        /// Uploads that may start at once after a quiet period. Default: 10.
        public var burst: Int

        public init(rate: Double = 4, burst: Int = 10) {
            self.rate = rate
            self.burst = burst
        }

        public static let unlimited = Configuration(rate: 0, burst: 1)
        public var isPacing: Bool { rate > 0 }
    }

    private struct Waiter {
        let id: UInt64
        let since: ContinuousClock.Instant
        let continuation: CheckedContinuation<Duration, any Error>
    }
    private struct State {
        var bucket: TokenBucket
        var waiters: [Waiter] = []  // FIFO; the head is served first
        var nextID: UInt64 = 0
        var cancelledEarly: Set<UInt64> = []
        var driverRunning = false
        /// Acquirers that found no token and are about to join the queue: until they do, a
        /// newcomer must not take a token ahead of them.
        var joining = 0
    }

    public let configuration: Configuration
    private let clock: any WorkerClock
    private let state: Mutex<State>

    public init(_ configuration: Configuration = Configuration(), clock: any WorkerClock = SystemClock()) {
        self.configuration = configuration
        self.clock = clock
        self.state = Mutex(State(bucket: TokenBucket(rate: configuration.rate, burst: configuration.burst, now: clock.now)))
    }

    /// Waits for a token. Returns how long it waited (for the pacer-wait metric).
    /// Throws `CancellationError` if the task is cancelled while waiting; it then takes no token.
    @discardableResult
    public func acquire() async throws -> Duration {
        try Task.checkCancellation()
        let now = clock.now
        let id: UInt64? = state.withLock { s in
            if s.waiters.isEmpty, s.joining == 0, s.bucket.tryTake(now: now) { return nil }
            s.joining += 1
            s.nextID += 1
            return s.nextID
        }
        guard let id else { return .zero }
        // A cancellation that raced with the grant leaves a marker behind; drop it either way.
        defer { _ = state.withLock { $0.cancelledEarly.remove(id) } }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Duration, any Error>) in
                let (cancelled, startDriver) = state.withLock { s -> (Bool, Bool) in
                    s.joining -= 1
                    if s.cancelledEarly.remove(id) != nil { return (true, false) }
                    s.waiters.append(Waiter(id: id, since: now, continuation: continuation))
                    let start = !s.driverRunning
                    s.driverRunning = true
                    return (false, start)
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
                if startDriver { Task { await self.drive() } }
            }
        } onCancel: {
            let waiter = state.withLock { s -> Waiter? in
                if let i = s.waiters.firstIndex(where: { $0.id == id }) { return s.waiters.remove(at: i) }
                s.cancelledEarly.insert(id)
                return nil
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Holds every upload until `until` (a 429's Retry-After). Later holds extend, earlier are ignored.
    public func hold(until: ContinuousClock.Instant) {
        state.withLock { $0.bucket.hold(until: until) }
    }

    /// Holds every upload for `duration` from now.
    public func hold(for duration: Duration) {
        hold(until: clock.now.advanced(by: duration))
    }

    /// The end of the current hold, if one is in force.
    public var heldUntil: ContinuousClock.Instant? {
        let now = clock.now
        return state.withLock { s in s.bucket.heldUntil.flatMap { $0 > now ? $0 : nil } }
    }

    /// How many tasks wait in `acquire()`.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Grants tokens to the head of the queue while the bucket allows, then sleeps until the next
    /// token; ends when nobody waits.
    private func drive() async {
        while true {
            let now = clock.now
            let (granted, wakeAt) = state.withLock { s -> ([(Waiter, Duration)], ContinuousClock.Instant?) in
                var granted: [(Waiter, Duration)] = []
                while let head = s.waiters.first, s.bucket.tryTake(now: now) {
                    s.waiters.removeFirst()
                    granted.append((head, now - head.since))
                }
                if s.waiters.isEmpty {
                    s.driverRunning = false
                    return (granted, nil)
                }
                return (granted, s.bucket.availableAt(now: now))
            }
            for (waiter, waited) in granted { waiter.continuation.resume(returning: waited) }
            guard let wakeAt else { return }
            // Not cancellable: the driver is only ever ended by an empty queue.
            try? await clock.sleep(until: wakeAt)
        }
    }
}

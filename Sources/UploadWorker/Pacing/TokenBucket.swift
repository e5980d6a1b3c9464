/// The rate limit of the account as a pure value: a token bucket in its GCRA form (the "virtual
/// scheduling" algorithm), computed in whole `Duration`s so that a token due at instant T is
/// available at exactly T, with no floating-point drift.
///
/// `interval` is the time one token takes to refill (1 / rate); the bucket is full (holds `burst`
/// tokens) when `theoreticalArrival <= now`. A request conforms when
/// `now >= theoreticalArrival - (burst - 1) * interval`, and then pushes `theoreticalArrival` one
/// interval further.
public struct TokenBucket: Sendable, Equatable {
    /// Time per token; nil when pacing is off (every request conforms unless held).
    public let interval: Duration?
    public let burst: Int
    /// When the bucket would be full again.
    private(set) var theoreticalArrival: ContinuousClock.Instant
    /// A 429's Retry-After: no token before this instant.
    public private(set) var heldUntil: ContinuousClock.Instant?

    /// - Parameters:
    ///   - rate: tokens per second; 0 turns pacing off.
    ///   - burst: tokens available at once, at least 1.
    ///   - now: the bucket starts full at this instant.
    public init(rate: Double, burst: Int, now: ContinuousClock.Instant) {
        precondition(rate >= 0 && rate.isFinite, "rate must be finite and >= 0")
        precondition(burst >= 1, "burst must be >= 1")
        self.interval = rate == 0 ? nil : Duration.seconds(1.0 / rate)
        self.burst = burst
        self.theoreticalArrival = now
        self.heldUntil = nil
    }

    private var tolerance: Duration { (interval ?? .zero) * (burst - 1) }

    /// The first instant at or after `now` when a token can be taken.
    public func availableAt(now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        var at = now
        if interval != nil { at = max(at, theoreticalArrival - tolerance) }
        if let held = heldUntil { at = max(at, held) }
        return at
    }

    /// Takes one token if one is available at `now`.
    public mutating func tryTake(now: ContinuousClock.Instant) -> Bool {
        guard availableAt(now: now) <= now else { return false }
        if let held = heldUntil, held <= now { heldUntil = nil }
        if let interval { theoreticalArrival = max(theoreticalArrival, now) + interval }
        return true
    }

    /// Holds every token until `until` (a later hold extends an earlier one, an earlier one is
    /// ignored). The bucket restarts nearly empty: one token at `until`, then the steady rate, so
    /// that the end of a 429 does not release a whole burst into the same limit.
    public mutating func hold(until: ContinuousClock.Instant) {
        heldUntil = max(heldUntil ?? until, until)
        if interval != nil { theoreticalArrival = max(theoreticalArrival, until + tolerance) }
    }

    /// Tokens that could be taken at `now` without waiting (for metrics and tests).
    public func tokens(at now: ContinuousClock.Instant) -> Int {
        if let held = heldUntil, held > now { return 0 }
        guard let interval else { return Int.max }
        // Tokens = burst - ceil((theoreticalArrival - now) / interval), clamped to 0...burst.
        let debt = theoreticalArrival - now
        if debt <= .zero { return burst }
        let used = Int((debt / interval).rounded(.up))
        return max(0, burst - used)
    }
}

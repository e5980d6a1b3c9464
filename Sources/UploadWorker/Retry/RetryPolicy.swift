/// When to try a transient failure again: exponential backoff with full jitter (AWS's "Exponential
/// Backoff and Jitter"), bounded by a number of attempts and an overall deadline, and never sooner
/// than the server's `Retry-After`.
///
/// The policy is a pure value; randomness comes from the caller (`using:`), so tests pass a
/// `SeededRandomNumberGenerator` and get the same delays every run.
public struct RetryPolicy: Sendable, Equatable {
    /// The ceiling of the first retry's delay; it doubles with each attempt. Default: 500 ms.
    public var baseDelay: Duration
    /// The largest ceiling of a computed delay (a longer `Retry-After` is still honoured). Default: 30 s.
    public var maxDelay: Duration
    /// Attempts in all, the first included; 1 means no retry. Default: 5.
    public var maxAttempts: Int
    /// No attempt starts later than this after the first one began. Default: 5 minutes.
    public var deadline: Duration

    public init(
        baseDelay: Duration = .milliseconds(500),
        maxDelay: Duration = .seconds(30),
        maxAttempts: Int = 5,
        deadline: Duration = .seconds(300)
    ) {
        precondition(baseDelay >= .zero && maxDelay >= baseDelay, "need 0 <= baseDelay <= maxDelay")
        precondition(maxAttempts >= 1, "maxAttempts must be >= 1")
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
        self.deadline = deadline
    }

    /// Upper bound of the jittered delay after `attempt` attempts: min(maxDelay, baseDelay * 2^(attempt-1)).
    public func backoffCeiling(attempt: Int) -> Duration {
        let doublings = max(0, min(attempt - 1, 62))
        // Compare in seconds first so that the multiplication cannot overflow.
        let base = baseDelay / .seconds(1)
        if base * Double(UInt64(1) << UInt64(doublings)) >= maxDelay / .seconds(1) { return maxDelay }
        return baseDelay * (1 << doublings)
    }

    /// The delay before the next attempt, or nil to give up.
    ///
    /// - Parameters:
    ///   - attempt: attempts made so far (1 after the first failure).
    ///   - retryAfter: the server's `Retry-After`, if it sent one; the delay is at least this.
    ///   - elapsed: time since the first attempt began.
    /// - Returns: nil when `attempt >= maxAttempts`, or when the next attempt would start after
    ///   the deadline.
    public func nextDelay(
        attempt: Int,
        retryAfter: Duration? = nil,
        elapsed: Duration,
        using random: inout some RandomNumberGenerator
    ) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        let ceiling = backoffCeiling(attempt: attempt)
        let ceilingNanos = Self.nanoseconds(ceiling)
        let jittered = Duration.nanoseconds(ceilingNanos == 0 ? 0 : Int64.random(in: 0...ceilingNanos, using: &random))
        let delay = max(jittered, retryAfter ?? .zero)
        guard elapsed + delay <= deadline else { return nil }
        return delay
    }

    /// `nextDelay` with the system's random numbers.
    public func nextDelay(attempt: Int, retryAfter: Duration? = nil, elapsed: Duration) -> Duration? {
        var random = SystemRandomNumberGenerator()
        return nextDelay(attempt: attempt, retryAfter: retryAfter, elapsed: elapsed, using: &random)
    }

    private static func nanoseconds(_ d: Duration) -> Int64 {
        let (seconds, attoseconds) = d.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// SplitMix64: a small, fast, seedable generator for reproducible jitter in tests and simulations.
/// Not for anything secret.
public struct SeededRandomNumberGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The account's request budget: a fixed window of `quota` requests that starts with the first
/// request after the previous window ended. As Cloudflare does, going over blocks every request for
/// a whole window from then on (429 with `Retry-After`). A forced block (`block(until:)`) lets
/// tests inject a storm of 429s mid-run. Not thread-safe: kept inside the emulator's lock.
struct RateLimiter {
    struct Decision {
        var allowed: Bool
        /// Headers every answer carries while a limit or a block is active.
        var headers: [(name: String, value: String)]
    }

    private(set) var limit: ImagesEmulator.RateLimit?
    private var windowStart: ContinuousClock.Instant?
    private var used = 0
    /// Set by `block(until:)` (a throttle); outlives limit changes.
    private var blockedUntil: ContinuousClock.Instant?
    /// Set by going over the quota; a new limit lifts it.
    private var penaltyUntil: ContinuousClock.Instant?

    init(limit: ImagesEmulator.RateLimit?) { self.limit = limit }

    /// A new limit starts a new window.
    mutating func setLimit(_ limit: ImagesEmulator.RateLimit?) {
        self.limit = limit
        windowStart = nil
        used = 0
        penaltyUntil = nil
    }

    mutating func block(until instant: ContinuousClock.Instant?) { blockedUntil = instant }

    mutating func admit(now: ContinuousClock.Instant) -> Decision {
        let until = max(blockedUntil ?? now, penaltyUntil ?? now)
        if now < until {
            let wait = Self.ceilSeconds(until - now)
            var headers: [(String, String)] = [("Ratelimit", "\"default\";r=0;t=\(wait)")]
            if let limit { headers.append(("Ratelimit-Policy", Self.policy(limit))) }
            headers.append(("Retry-After", String(wait)))
            return Decision(allowed: false, headers: headers)
        }
        guard let limit else { return Decision(allowed: true, headers: []) }
        if windowStart == nil || now - windowStart! >= limit.window {
            windowStart = now
            used = 0
        }
        let reset = Self.ceilSeconds(windowStart! + limit.window - now)
        if used < limit.quota {
            used += 1
            return Decision(allowed: true, headers: [
                ("Ratelimit", "\"default\";r=\(limit.quota - used);t=\(reset)"),
                ("Ratelimit-Policy", Self.policy(limit)),
            ])
        }
        // Over the quota: blocked for a full window; a new window starts when the block ends.
        penaltyUntil = now + limit.window
        windowStart = nil
        let wait = Self.ceilSeconds(limit.window)
        return Decision(allowed: false, headers: [
            ("Ratelimit", "\"default\";r=0;t=\(wait)"),
            ("Ratelimit-Policy", Self.policy(limit)),
            ("Retry-After", String(wait)),
        ])
    }

    private static func policy(_ limit: ImagesEmulator.RateLimit) -> String {
        "\"burst\";q=\(limit.quota);w=\(max(1, ceilSeconds(limit.window)))"
    }

    /// Whole seconds, rounded up, at least 1 (a `Retry-After: 0` would invite a busy loop).
    static func ceilSeconds(_ d: Duration) -> Int {
        let (s, atto) = d.components
        return max(1, Int(s) + (atto > 0 ? 1 : 0))
    }
}

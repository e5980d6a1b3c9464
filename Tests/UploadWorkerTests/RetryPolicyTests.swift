import Testing
@testable import UploadWorker

@Suite("RetryPolicy")
struct RetryPolicyTests {
    let policy = RetryPolicy()  // 500 ms, 30 s, 5 attempts, 5 min

    @Test func ceilingDoublesUpToTheCap() {
        let ceilings = (1...9).map { policy.backoffCeiling(attempt: $0) }
        #expect(ceilings == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16), .seconds(30), .seconds(30), .seconds(30)])
        #expect(policy.backoffCeiling(attempt: 10_000) == .seconds(30))
        #expect(policy.backoffCeiling(attempt: 0) == .milliseconds(500))
    }

    @Test func delaysAreJitteredWithinTheCeiling() {
        let wide = RetryPolicy(maxAttempts: 100, deadline: .seconds(100_000))
        var random = SeededRandomNumberGenerator(seed: 1)
        for attempt in 1..<100 {
            let delay = wide.nextDelay(attempt: attempt, elapsed: .zero, using: &random)!
            #expect(delay >= .zero && delay <= wide.backoffCeiling(attempt: attempt))
        }
        // Full jitter: over many draws the mean is about half the ceiling.
        var sum = Duration.zero
        for _ in 0..<2000 { sum += wide.nextDelay(attempt: 3, elapsed: .zero, using: &random)! }
        let mean = sum / 2000
        #expect(mean > .milliseconds(900) && mean < .milliseconds(1100))
    }

    @Test func aSeedGivesTheSameDelays() {
        func delays(_ seed: UInt64) -> [Duration?] {
            var random = SeededRandomNumberGenerator(seed: seed)
            return (1...4).map { policy.nextDelay(attempt: $0, elapsed: .zero, using: &random) }
        }
        #expect(delays(42) == delays(42))
        #expect(delays(42) != delays(43))
    }

    @Test func givesUpAfterMaxAttempts() {
        var random = SeededRandomNumberGenerator(seed: 7)
        #expect(policy.nextDelay(attempt: 4, elapsed: .zero, using: &random) != nil)
        #expect(policy.nextDelay(attempt: 5, elapsed: .zero, using: &random) == nil)
        let once = RetryPolicy(maxAttempts: 1)
        #expect(once.nextDelay(attempt: 1, elapsed: .zero, using: &random) == nil)
    }

    @Test func retryAfterWinsWhenLonger() {
        var random = SeededRandomNumberGenerator(seed: 9)
        #expect(policy.nextDelay(attempt: 1, retryAfter: .seconds(45), elapsed: .zero, using: &random) == .seconds(45))
        for _ in 0..<100 {
            let d = policy.nextDelay(attempt: 4, retryAfter: .seconds(1), elapsed: .zero, using: &random)!
            #expect(d >= .seconds(1) && d <= .seconds(4))
        }
    }

    @Test func givesUpWhenTheNextAttemptWouldPassTheDeadline() {
        var random = SeededRandomNumberGenerator(seed: 3)
        #expect(policy.nextDelay(attempt: 1, retryAfter: .seconds(2), elapsed: .seconds(299), using: &random) == nil)
        #expect(policy.nextDelay(attempt: 1, retryAfter: .seconds(1), elapsed: .seconds(299), using: &random) == .seconds(1))
        #expect(policy.nextDelay(attempt: 1, elapsed: .seconds(301), using: &random) == nil)
    }

    @Test func zeroBaseMeansImmediateRetries() {
        let eager = RetryPolicy(baseDelay: .zero, maxDelay: .zero, maxAttempts: 3)
        var random = SeededRandomNumberGenerator(seed: 5)
        #expect(eager.nextDelay(attempt: 1, elapsed: .zero, using: &random) == .zero)
        #expect(eager.nextDelay(attempt: 2, elapsed: .zero, using: &random) == .zero)
        #expect(eager.nextDelay(attempt: 3, elapsed: .zero, using: &random) == nil)
    }
}

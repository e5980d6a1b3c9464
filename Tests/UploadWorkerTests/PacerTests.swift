import Synchronization
import Testing
@testable import UploadWorker

@Suite("TokenBucket")
struct TokenBucketTests {
    let t0 = ContinuousClock.now

    @Test func burstThenSteadyRate() {
        var b = TokenBucket(rate: 4, burst: 10, now: t0)
        #expect(b.tokens(at: t0) == 10)
        for _ in 0..<10 { do { let ok = b.tryTake(now: t0); #expect(ok) } }
        do { let ok = b.tryTake(now: t0); #expect(!ok) }
        #expect(b.availableAt(now: t0) == t0 + .milliseconds(250))
        do { let ok = b.tryTake(now: t0 + .milliseconds(249)); #expect(!ok) }
        do { let ok = b.tryTake(now: t0 + .milliseconds(250)); #expect(ok) }
        do { let ok = b.tryTake(now: t0 + .milliseconds(250)); #expect(!ok) }
        #expect(b.availableAt(now: t0 + .milliseconds(250)) == t0 + .milliseconds(500))
        // 1,000 takes at exactly the rate: no drift.
        var now = t0 + .milliseconds(250)
        for _ in 0..<1000 {
            now = b.availableAt(now: now)
            do { let ok = b.tryTake(now: now); #expect(ok) }
        }
        #expect(now == t0 + .milliseconds(250) * 1001)
    }

    @Test func idleTimeRefillsNoMoreThanTheBurst() {
        var b = TokenBucket(rate: 4, burst: 3, now: t0)
        for _ in 0..<3 { do { let ok = b.tryTake(now: t0); #expect(ok) } }
        let later = t0 + .seconds(3600)
        #expect(b.tokens(at: later) == 3)
        for _ in 0..<3 { do { let ok = b.tryTake(now: later); #expect(ok) } }
        do { let ok = b.tryTake(now: later); #expect(!ok) }
        #expect(b.tokens(at: later + .milliseconds(500)) == 2)
    }

    @Test func holdStopsEveryTokenAndRestartsGently() {
        var b = TokenBucket(rate: 4, burst: 10, now: t0)
        b.hold(until: t0 + .seconds(5))
        #expect(b.tokens(at: t0) == 0)
        do { let ok = b.tryTake(now: t0 + .milliseconds(4999)); #expect(!ok) }
        #expect(b.availableAt(now: t0) == t0 + .seconds(5))
        // One token at the end of the hold, then the steady rate (not a whole burst).
        do { let ok = b.tryTake(now: t0 + .seconds(5)); #expect(ok) }
        do { let ok = b.tryTake(now: t0 + .seconds(5)); #expect(!ok) }
        #expect(b.availableAt(now: t0 + .seconds(5)) == t0 + .milliseconds(5250))
        #expect(b.heldUntil == nil)
    }

    @Test func aLaterHoldExtendsAndAnEarlierOneIsIgnored() {
        var b = TokenBucket(rate: 4, burst: 10, now: t0)
        b.hold(until: t0 + .seconds(5))
        b.hold(until: t0 + .seconds(2))
        #expect(b.heldUntil == t0 + .seconds(5))
        b.hold(until: t0 + .seconds(8))
        #expect(b.availableAt(now: t0 + .seconds(6)) == t0 + .seconds(8))
    }

    @Test func pacingOffStillHonoursHolds() {
        var b = TokenBucket(rate: 0, burst: 1, now: t0)
        for _ in 0..<10_000 { do { let ok = b.tryTake(now: t0); #expect(ok) } }
        b.hold(until: t0 + .seconds(1))
        do { let ok = b.tryTake(now: t0 + .milliseconds(999)); #expect(!ok) }
        do { let ok = b.tryTake(now: t0 + .seconds(1)); #expect(ok) }
        do { let ok = b.tryTake(now: t0 + .seconds(1)); #expect(ok) }
    }

    /// Random request times and holds: a window of k intervals starting at a grant holds at most
    /// burst + k - 1 grants (GCRA's bound), none falls inside a hold, and a refused request is
    /// told an instant at which it is granted.
    @Test(arguments: 0..<20)
    func neverMoreThanTheRateAllows(seed: Int) {
        var random = SeededRandomNumberGenerator(seed: UInt64(seed) &+ 101)
        let rate = [0.5, 4, 10, 100][seed % 4]
        let burst = Int.random(in: 1...12, using: &random)
        var b = TokenBucket(rate: rate, burst: burst, now: t0)
        var now = t0
        var grants: [ContinuousClock.Instant] = []
        var holds: [(grantsBefore: Int, until: ContinuousClock.Instant)] = []
        for _ in 0..<2000 {
            now = now + .milliseconds(Int.random(in: 0...400, using: &random))
            if Int.random(in: 0..<100, using: &random) == 0 {
                let until = now + .milliseconds(Int.random(in: 1...3000, using: &random))
                b.hold(until: until)
                holds.append((grants.count, until))
            }
            let at = b.availableAt(now: now)
            let ok = b.tryTake(now: now)
            #expect(ok == (at <= now))
            if ok {
                grants.append(now)
            } else {
                var later = b
                let laterOK = later.tryTake(now: at)
                #expect(laterOK)
            }
        }
        // No grant after a hold began (in call order) and before it ended.
        for h in holds { #expect(!grants[h.grantsBefore...].contains { $0 < h.until }) }
        let interval = Duration.seconds(1.0 / rate)
        for (i, start) in grants.enumerated() {
            for windowTokens in [1, 5, 20] {
                let window = interval * windowTokens
                let inWindow = grants[i...].prefix { $0 < start + window }.count
                #expect(inWindow <= burst + windowTokens - 1, "rate \(rate) burst \(burst): \(inWindow) grants within \(window)")
            }
        }
    }

    @Test func fractionalRates() {
        var b = TokenBucket(rate: 0.5, burst: 1, now: t0)
        do { let ok = b.tryTake(now: t0); #expect(ok) }
        #expect(b.availableAt(now: t0) == t0 + .seconds(2))
    }
}

@Suite("Pacer")
struct PacerTests {
    /// Polls (for at most 10 s) until `condition` holds; the pacer runs on other tasks. Not a
    /// timing assertion: it only bounds how long a broken pacer can hang the test.
    private func eventually(_ condition: () -> Bool) async {
        for _ in 0..<10_000 where !condition() { try? await Task.sleep(for: .milliseconds(1)) }
        #expect(condition())
    }

    @Test func theBurstPassesWithoutWaiting() async throws {
        let clock = ManualClock()
        let pacer = Pacer(.init(rate: 4, burst: 10), clock: clock)
        for _ in 0..<10 { #expect(try await pacer.acquire() == .zero) }
        #expect(pacer.waiting == 0)
    }

    @Test func waitersAreServedFirstInFirstOutAtTheRate() async throws {
        let clock = ManualClock()
        let pacer = Pacer(.init(rate: 4, burst: 1), clock: clock)
        try await pacer.acquire()
        var tasks: [Task<Duration, any Error>] = []
        for i in 0..<5 {
            tasks.append(Task { try await pacer.acquire() })
            await eventually { pacer.waiting == i + 1 }
        }
        for _ in 0..<5 {
            await clock.waitForSleepers(1)
            clock.advance(by: .milliseconds(250))
        }
        // Everyone queued at the same instant: the i-th waited (i + 1) intervals, in queue order.
        for (i, task) in tasks.enumerated() {
            #expect(try await task.value == .milliseconds(250) * (i + 1))
        }
    }

    @Test func aNewcomerDoesNotOvertakeAWaiter() async throws {
        let clock = ManualClock()
        let pacer = Pacer(.init(rate: 4, burst: 1), clock: clock)
        try await pacer.acquire()
        let first = Task { try await pacer.acquire() }
        await eventually { pacer.waiting == 1 }
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(250))  // one token: it is the first waiter's
        let second = Task { try await pacer.acquire() }
        #expect(try await first.value == .milliseconds(250))
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(250))
        #expect(try await second.value == .milliseconds(250))
    }

    @Test func manyConcurrentAcquirersGetTheBurstThenOneTokenPerInterval() async throws {
        let clock = ManualClock()
        let pacer = Pacer(.init(rate: 4, burst: 10), clock: clock)
        let waits = try await withThrowingTaskGroup(of: Duration.self) { group in
            for _ in 0..<50 { group.addTask { try await pacer.acquire() } }
            await eventually { pacer.waiting == 40 }
            for _ in 0..<40 {
                await clock.waitForSleepers(1)
                clock.advance(by: .milliseconds(250))
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let expected = Array(repeating: Duration.zero, count: 10) + (1...40).map { Duration.milliseconds(250) * $0 }
        #expect(waits.sorted() == expected)
    }

    @Test func holdKeepsWaitersAndNewcomersUntilRetryAfter() async throws {
        let clock = ManualClock()
        let pacer = Pacer(.init(rate: 4, burst: 10), clock: clock)
        pacer.hold(for: .seconds(5))
        #expect(pacer.heldUntil == clock.now + .seconds(5))
        let waiter = Task { try await pacer.acquire() }
        await eventually { pacer.waiting == 1 }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(4))
        let newcomer = Task { try await pacer.acquire() }
        await eventually { pacer.waiting == 2 }
        clock.advance(by: .seconds(1))
        #expect(try await waiter.value == .seconds(5))
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(250))
        #expect(try await newcomer.value == .milliseconds(1250))
        #expect(pacer.heldUntil == nil)
    }

    @Test func aHoldDuringASleepDelaysTheNextGrant() async throws {
        let clock = ManualClock()
        let pacer = Pacer(.init(rate: 4, burst: 1), clock: clock)
        try await pacer.acquire()
        let waiter = Task { try await pacer.acquire() }
        await clock.waitForSleepers(1)  // the driver sleeps until +250 ms
        pacer.hold(for: .seconds(2))
        clock.advance(by: .milliseconds(250))
        await clock.waitForSleepers(1)  // woke, found the hold, sleeps again
        #expect(pacer.waiting == 1)
        clock.advance(by: .milliseconds(1750))
        #expect(try await waiter.value == .seconds(2))
    }

    @Test func aCancelledWaiterLeavesTheQueueAndTakesNoToken() async throws {
        let clock = ManualClock()
        let pacer = Pacer(.init(rate: 4, burst: 1), clock: clock)
        try await pacer.acquire()
        let cancelled = Task { try await pacer.acquire() }
        await eventually { pacer.waiting == 1 }
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(pacer.waiting == 0)
        let next = Task { try await pacer.acquire() }
        await eventually { pacer.waiting == 1 }
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(250))
        #expect(try await next.value == .milliseconds(250))
    }

    /// 100 waiters, 30 of them cancelled while queued: every task ends, the cancelled ones take
    /// no token (the others get theirs as if the cancelled had never come), and no grant beats
    /// the rate.
    @Test(arguments: 0..<3)
    func cancellationsInAQueueLoseNoToken(seed: Int) async throws {
        var random = SeededRandomNumberGenerator(seed: UInt64(seed) &+ 7)
        let clock = ManualClock()
        let pacer = Pacer(.init(rate: 4, burst: 5), clock: clock)
        let tasks = (0..<100).map { _ in Task { try await pacer.acquire() } }
        await eventually { pacer.waiting == 95 }
        var cancelled = Set<Int>()
        while cancelled.count < 30 {
            let i = Int.random(in: 0..<100, using: &random)
            // Only queued ones: the first five passed at once, which ones is up to the scheduler.
            if cancelled.insert(i).inserted { tasks[i].cancel() }
        }
        await eventually { pacer.waiting <= 70 }
        while pacer.waiting > 0 {
            await eventually { clock.sleeperCount > 0 || pacer.waiting == 0 }
            clock.advance(by: .milliseconds(250))
        }
        var waits: [Duration] = []
        var cancellations = 0
        for task in tasks {
            do { waits.append(try await task.value) } catch is CancellationError { cancellations += 1 }
        }
        #expect(waits.count + cancellations == 100)
        // The tasks that were cancelled after they got their token (the first five) still count.
        #expect(cancellations <= 30 && cancellations >= 25)
        let expected = Array(repeating: Duration.zero, count: 5) + (1...(waits.count - 5)).map { Duration.milliseconds(250) * $0 }
        #expect(waits.sorted() == expected)
    }

    @Test func anAlreadyCancelledTaskDoesNotWait() async throws {
        let pacer = Pacer(.init(rate: 4, burst: 1), clock: ManualClock())
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await pacer.acquire()
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(pacer.waiting == 0)
    }

    @Test func pacingOffNeverWaits() async throws {
        let pacer = Pacer(.unlimited, clock: ManualClock())
        for _ in 0..<1000 { #expect(try await pacer.acquire() == .zero) }
    }

    @Test func theSystemClockPacerGrantsEveryone() async throws {
        // Real clock, fast rate: only checks that everyone gets through, not when.
        let pacer = Pacer(.init(rate: 1000, burst: 5))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 { group.addTask { try await pacer.acquire() } }
            try await group.waitForAll()
        }
        #expect(pacer.waiting == 0)
    }
}

import Testing
@testable import UploadWorker

/// Expects `body` to fail with `code`.
private func expectCode(_ code: OffsetTrackerError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected \(code), got no error", sourceLocation: sourceLocation)
    } catch {
        #expect((error as? OffsetTrackerError)?.code == code, sourceLocation: sourceLocation)
    }
}

@Suite("PartitionProgress")
struct PartitionProgressTests {
    @Test func inOrderFinishAdvancesEachTime() throws {
        var p = PartitionProgress()
        for o in Int64(0)..<5 { try p.take(o) }
        for o in Int64(0)..<5 { do { let r = try p.finish(o); #expect(r == o + 1) } }
        #expect(p.isDrained && p.windowCount == 0 && p.commitPosition == 5)
    }

    @Test func outOfOrderFinishCommitsOnlyTheContiguousPrefix() throws {
        var p = PartitionProgress()
        for o in Int64(10)..<15 { try p.take(o) }
        do { let r = try p.finish(13); #expect(r == nil) }
        do { let r = try p.finish(11); #expect(r == nil) }
        #expect(p.commitPosition == nil)
        do { let r = try p.finish(10); #expect(r == 12) }
        #expect(p.unfinishedOffsets == [12, 14])
        do { let r = try p.finish(12); #expect(r == 14) }
        #expect(p.windowCount == 1)
        do { let r = try p.finish(14); #expect(r == 15) }
    }

    @Test func gapsBetweenOffsetsDoNotBlockTheCommit() throws {
        var p = PartitionProgress()
        try p.take(5); try p.take(7); try p.take(10)
        do { let r = try p.finish(7); #expect(r == nil) }
        do { let r = try p.finish(5); #expect(r == 8) }
        do { let r = try p.finish(10); #expect(r == 11) }
    }

    @Test func misuseIsReported() throws {
        var p = PartitionProgress()
        try p.take(3)
        do { try p.take(3); Issue.record("no error") } catch { #expect(error == OffsetTrackerError(.outOfOrderTake, "offset 3 taken after 3")) }
        expectCode(.outOfOrderTake) { try p.take(2) }
        expectCode(.notTaken) { _ = try p.finish(4) }
        try p.take(4)
        do { let r = try p.finish(4); #expect(r == nil) }
        expectCode(.alreadyFinished) { _ = try p.finish(4) }
        do { let r = try p.finish(3); #expect(r == 5) }
        expectCode(.alreadyFinished) { _ = try p.finish(3) }
        expectCode(.outOfOrderTake) { try p.take(-1) }
    }

    @Test func longRunsCompactWithoutLosingState() throws {
        var p = PartitionProgress()
        try p.take(0)  // stays unfinished: everything else waits behind it
        for o in Int64(1)...1000 { try p.take(o) }
        for o in Int64(1)...1000 { do { let r = try p.finish(o); #expect(r == nil) } }
        #expect(p.windowCount == 1001)
        do { let r = try p.finish(0); #expect(r == 1001) }
        for o in Int64(1001)...3000 {
            try p.take(o)
            do { let r = try p.finish(o); #expect(r == o + 1) }
        }
        #expect(p.windowCount == 0)
    }
}

@Suite("OffsetTrackerState")
struct OffsetTrackerStateTests {
    typealias State = OffsetTrackerState<String>

    @Test func pausesAtTheCapAndResumesAtHalfOfIt() throws {
        var s = State(.init(bufferCap: 4))
        #expect(s.configuration.resumeAt == 2)
        s.assign(["a"])
        var tickets: [OffsetTicket<String>] = []
        for o in Int64(0)..<4 {
            let t = try s.take("a", offset: o)
            #expect(t.pause == (o == 3))
            tickets.append(t.ticket)
        }
        // Records the consumer had already fetched are still accepted, without a second pause.
        let extra = try s.take("a", offset: 4)
        #expect(!extra.pause)
        tickets.append(extra.ticket)
        #expect(s.status(of: "a")?.paused == true)
        // Finished records behind an unfinished one still count: no resume yet.
        for t in tickets[1...3] { do { let r = try s.finish(t); #expect(r == FinishAction(commitPosition: nil, resume: false, isStale: false)) } }
        do { let r = try s.finish(tickets[0]); #expect(r == FinishAction(commitPosition: 4, resume: true, isStale: false)) }
        #expect(s.status(of: "a")?.paused == false)
        do { let r = try s.finish(tickets[4]); #expect(r == FinishAction(commitPosition: 5, resume: false, isStale: false)) }
    }

    @Test func resumesExactlyAtTheResumeMark() throws {
        var s = State(.init(bufferCap: 6, resumeAt: 2))
        s.assign(["a"])
        let tickets = try (Int64(0)..<6).map { try s.take("a", offset: $0).ticket }
        do { let r = try s.finish(tickets[0]); #expect(r.resume == false) }  // window 5
        do { let r = try s.finish(tickets[1]); #expect(r.resume == false) }  // window 4
        do { let r = try s.finish(tickets[2]); #expect(r.resume == false) }  // window 3
        do { let r = try s.finish(tickets[3]); #expect(r.resume == true) }   // window 2
        do { let r = try s.finish(tickets[4]); #expect(r.resume == false) }  // not paused any more
    }

    @Test func takingFromAnUnassignedPartitionIsAnError() {
        var s = State(.init(bufferCap: 10))
        expectCode(.notAssigned) { _ = try s.take("x", offset: 0) }
    }

    @Test func partitionsAreIndependent() throws {
        var s = State(.init(bufferCap: 10))
        s.assign(["a", "b"])
        let a0 = try s.take("a", offset: 0).ticket
        let b0 = try s.take("b", offset: 100).ticket
        let b1 = try s.take("b", offset: 101).ticket
        do { let r = try s.finish(b1); #expect(r.commitPosition == nil) }
        do { let r = try s.finish(b0); #expect(r.commitPosition == 102) }
        #expect(!s.isDrained(["a"]) && s.isDrained(["b"]) && !s.isDrained())
        #expect(s.unfinished() == ["a": [0]])
        do { let r = try s.finish(a0); #expect(r.commitPosition == 1) }
        #expect(s.isDrained())
    }

    @Test func revokeReportsUnfinishedAndDropsTheState() throws {
        var s = State(.init(bufferCap: 2))
        s.assign(["a", "b"])
        let a0 = try s.take("a", offset: 0).ticket
        _ = try s.take("a", offset: 1)
        _ = try s.take("a", offset: 2)
        do { let r = try s.finish(a0); #expect(r.commitPosition == 1) }
        let revoked = s.revoke(["a", "zz"])
        #expect(revoked == [RevokedPartition(partition: "a", unfinished: [1, 2], commitPosition: 1, wasPaused: true)])
        #expect(s.assigned == ["b"])
        #expect(s.isDrained(["a"]))
        expectCode(.notAssigned) { _ = try s.take("a", offset: 3) }
    }

    @Test func aLateFinishFromAnEarlierAssignmentIsStale() throws {
        var s = State(.init(bufferCap: 10))
        s.assign(["a"])
        let old = try s.take("a", offset: 7).ticket
        _ = s.revoke(["a"])
        do { let r = try s.finish(old); #expect(r == .stale) }
        s.assign(["a"])
        // The new owner reads offset 7 again: the old ticket must not finish the new record.
        let new = try s.take("a", offset: 7).ticket
        #expect(old != new)
        do { let r = try s.finish(old); #expect(r == .stale) }
        #expect(s.unfinished() == ["a": [7]])
        do { let r = try s.finish(new); #expect(r.commitPosition == 8) }
    }

    @Test func assigningAnAssignedPartitionKeepsItsState() throws {
        var s = State(.init(bufferCap: 10))
        s.assign(["a"])
        let t = try s.take("a", offset: 0).ticket
        s.assign(["a", "b"])
        #expect(s.assigned == ["a", "b"])
        do { let r = try s.finish(t); #expect(r.commitPosition == 1) }
    }

    /// Random takes (with gaps) over several partitions, finished in random order, checked
    /// against a simple model: the commit position is one past the largest taken offset whose
    /// every predecessor (among taken offsets) has finished, reported exactly when it grows.
    @Test(arguments: 0..<40)
    func randomOrdersAgreeWithTheModel(seed: Int) throws {
        var random = SeededRandomNumberGenerator(seed: UInt64(seed) &* 7919 &+ 17)
        let partitions = ["p0", "p1", "p2"]
        let cap = Int.random(in: 1...12, using: &random)
        var s = State(.init(bufferCap: cap))
        s.assign(partitions)

        var taken: [String: [Int64]] = [:]
        var finishedSet: [String: Set<Int64>] = [:]
        var next: [String: Int64] = [:]
        var reported: [String: Int64] = [:]
        var pending: [OffsetTicket<String>] = []
        var paused: Set<String> = []

        func model(_ p: String) -> Int64? {
            var position: Int64?
            for o in taken[p, default: []] {
                guard finishedSet[p, default: []].contains(o) else { break }
                position = o + 1
            }
            return position
        }

        for _ in 0..<400 {
            if pending.isEmpty || Int.random(in: 0..<3, using: &random) > 0 {
                let p = partitions.randomElement(using: &random)!
                let offset = next[p, default: Int64.random(in: 0...5, using: &random)]
                next[p] = offset + Int64.random(in: 1...3, using: &random)
                let action = try s.take(p, offset: offset)
                taken[p, default: []].append(offset)
                let window = s.status(of: p)!.buffered
                #expect(action.pause == (!paused.contains(p) && window >= cap))
                if action.pause { paused.insert(p) }
                pending.append(action.ticket)
            } else {
                let ticket = pending.remove(at: Int.random(in: 0..<pending.count, using: &random))
                let p = ticket.partition
                finishedSet[p, default: []].insert(ticket.offset)
                let action = try s.finish(ticket)
                let expected = model(p)
                if expected != reported[p] {
                    #expect(action.commitPosition == expected)
                    reported[p] = expected
                } else {
                    #expect(action.commitPosition == nil)
                }
                let window = s.status(of: p)!.buffered
                #expect(action.resume == (paused.contains(p) && window <= s.configuration.resumeAt))
                if action.resume { paused.remove(p) }
            }
            for p in partitions {
                let status = s.status(of: p)!
                #expect(status.paused == paused.contains(p))
                #expect(status.unfinished == taken[p, default: []].count - finishedSet[p, default: []].count)
                #expect(status.commitPosition == reported[p])
            }
        }
        // Finish the rest: each partition ends committed one past its last offset, not paused.
        pending.shuffle(using: &random)
        for ticket in pending { _ = try s.finish(ticket) }
        #expect(s.isDrained())
        for p in partitions where !taken[p, default: []].isEmpty {
            #expect(s.status(of: p)!.commitPosition == taken[p]!.last! + 1)
            #expect(s.status(of: p)!.buffered == 0)
            #expect(!s.status(of: p)!.paused)
        }
    }
}

@Suite("OffsetTracker")
struct OffsetTrackerTests {
    @Test func drainCompletesWhenTheLastRecordFinishes() async throws {
        let clock = ManualClock()
        let tracker = OffsetTracker<String>(bufferCap: 10, clock: clock)
        tracker.assign(["a", "b"])
        let a0 = try tracker.take("a", offset: 0).ticket
        let a1 = try tracker.take("a", offset: 1).ticket
        let b0 = try tracker.take("b", offset: 0).ticket
        let waiting = Task { await tracker.waitUntilDrained(["a"], deadline: clock.now + .seconds(30)) }
        _ = try tracker.finish(a1)
        _ = try tracker.finish(a0)
        #expect(await waiting.value == .drained)
        #expect(!tracker.isDrained(["b"]))
        _ = try tracker.finish(b0)
        #expect(await tracker.waitUntilDrained(deadline: clock.now) == .drained)
    }

    @Test func drainGivesUpAtTheDeadlineAndNamesTheUnfinished() async throws {
        let clock = ManualClock()
        let tracker = OffsetTracker<String>(bufferCap: 10, clock: clock)
        tracker.assign(["a"])
        let a0 = try tracker.take("a", offset: 0).ticket
        _ = try tracker.take("a", offset: 1)
        _ = try tracker.finish(a0)
        let deadline = clock.now + .seconds(30)
        let waiting = Task { await tracker.waitUntilDrained(["a"], deadline: deadline) }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(29))
        #expect(tracker.unfinished() == ["a": [1]])
        clock.advance(by: .seconds(1))
        #expect(await waiting.value == .timedOut(unfinished: ["a": [1]]))
    }

    @Test func revokingAPartitionEndsItsDrain() async throws {
        let clock = ManualClock()
        let tracker = OffsetTracker<String>(bufferCap: 10, clock: clock)
        tracker.assign(["a"])
        _ = try tracker.take("a", offset: 0)
        let waiting = Task { await tracker.waitUntilDrained(["a"], deadline: clock.now + .seconds(30)) }
        await clock.waitForSleepers(1)
        let revoked = tracker.revoke(["a"])
        #expect(revoked.first?.unfinished == [0])
        #expect(await waiting.value == .drained)
    }

    @Test func aCancelledDrainReturnsWhatIsUnfinished() async throws {
        let clock = ManualClock()
        let tracker = OffsetTracker<String>(bufferCap: 10, clock: clock)
        tracker.assign(["a"])
        _ = try tracker.take("a", offset: 4)
        let waiting = Task { await tracker.waitUntilDrained(deadline: clock.now + .seconds(30)) }
        await clock.waitForSleepers(1)
        waiting.cancel()
        #expect(await waiting.value == .timedOut(unfinished: ["a": [4]]))
    }

    @Test func concurrentFinishesFromManyTasksCommitEverything() async throws {
        let tracker = OffsetTracker<Int>(bufferCap: 100_000)
        tracker.assign(0..<4)
        var tickets: [OffsetTicket<Int>] = []
        for p in 0..<4 { for o in Int64(0)..<500 { tickets.append(try tracker.take(p, offset: o).ticket) } }
        let drain = Task { await tracker.waitUntilDrained(deadline: .now + .seconds(600)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for chunk in stride(from: 0, to: tickets.count, by: 100) {
                let slice = tickets[chunk..<min(chunk + 100, tickets.count)].shuffled()
                group.addTask { for t in slice { _ = try tracker.finish(t) } }
            }
            try await group.waitForAll()
        }
        #expect(await drain.value == .drained)
        for p in 0..<4 { #expect(tracker.status(of: p)?.commitPosition == 500) }
    }
}

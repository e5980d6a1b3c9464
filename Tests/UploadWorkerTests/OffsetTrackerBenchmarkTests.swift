import Foundation
import Testing
@testable import UploadWorker

/// Figures, not assertions: run with `UPLOAD_WORKER_BENCH=1 swift test --filter BenchmarkTests`
/// (add `-c release` for the real numbers).
enum Bench {
    static let enabled = ProcessInfo.processInfo.environment["UPLOAD_WORKER_BENCH"] != nil

    /// CPU time of the calling thread (sync benchmarks) or of the process (async ones): wall
    /// time means little on a shared machine.
    static func cpuTime(_ clock: clockid_t) -> Double {
        var ts = timespec()
        clock_gettime(clock, &ts)
        return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec)
    }

    static func print(_ name: String, operations: Int, wall: Duration, cpuNanoseconds: Double, cpuKind: String) {
        let wallNs = wall / .nanoseconds(1) / Double(operations)
        let cpuNs = cpuNanoseconds / Double(operations)
        Swift.print("BENCH \(name): \(String(format: "%.0f", cpuNs)) ns CPU (\(cpuKind)) and \(String(format: "%.0f", wallNs)) ns wall per op (\(operations) ops)")
    }

    /// Runs `body` (which performs `operations` operations) and prints the cost per operation.
    static func report(_ name: String, operations: Int, _ body: () throws -> Void) rethrows {
        let cpu0 = cpuTime(CLOCK_THREAD_CPUTIME_ID), start = ContinuousClock.now
        try body()
        print(name, operations: operations, wall: ContinuousClock.now - start, cpuNanoseconds: cpuTime(CLOCK_THREAD_CPUTIME_ID) - cpu0, cpuKind: "thread")
    }

    static func report(_ name: String, operations: Int, _ body: () async throws -> Void) async rethrows {
        let cpu0 = cpuTime(CLOCK_PROCESS_CPUTIME_ID), start = ContinuousClock.now
        try await body()
        print(name, operations: operations, wall: ContinuousClock.now - start, cpuNanoseconds: cpuTime(CLOCK_PROCESS_CPUTIME_ID) - cpu0, cpuKind: "process")
    }
}

@Suite("OffsetTracker benchmark", .enabled(if: Bench.enabled))
struct OffsetTrackerBenchmarkTests {
    @Test func takeAndFinish() throws {
        let n = 1_000_000
        let inOrder = OffsetTracker<Int>(bufferCap: 1000)
        inOrder.assign([0])
        try Bench.report("tracker take+finish, in order", operations: n) {
            for o in 0..<Int64(n) { _ = try inOrder.finish(inOrder.take(0, offset: o).ticket) }
        }

        // 256 records outstanding, finished in a shuffled order, like uploads finishing at random.
        let shuffled = OffsetTracker<Int>(bufferCap: 100_000)
        shuffled.assign([0])
        var random = SeededRandomNumberGenerator(seed: 1)
        try Bench.report("tracker take+finish, 256 outstanding, random finish order", operations: n) {
            var outstanding: [OffsetTicket<Int>] = []
            outstanding.reserveCapacity(256)
            for o in 0..<Int64(n) {
                outstanding.append(try shuffled.take(0, offset: o).ticket)
                if outstanding.count == 256 {
                    let i = Int.random(in: 0..<256, using: &random)
                    outstanding.swapAt(i, 255)
                    _ = try shuffled.finish(outstanding.removeLast())
                }
            }
            for t in outstanding { _ = try shuffled.finish(t) }
        }
        #expect(shuffled.status(of: 0)?.commitPosition == Int64(n))
    }
}

import Testing
@testable import UploadWorker

@Suite("Pacer benchmark", .enabled(if: Bench.enabled))
struct PacerBenchmarkTests {
    @Test func acquireWithoutWaiting() async throws {
        let n = 1_000_000
        let off = Pacer(.unlimited)
        try await Bench.report("pacer acquire, pacing off", operations: n) {
            for _ in 0..<n { try await off.acquire() }
        }
        let generous = Pacer(.init(rate: 1e9, burst: 1_000_000))
        try await Bench.report("pacer acquire, pacing on, token available", operations: n) {
            for _ in 0..<n { try await generous.acquire() }
        }
    }

    @Test func acquireFromManyTasks() async throws {
        let n = 200_000
        let pacer = Pacer(.init(rate: 200_000, burst: 100))
        try await Bench.report("pacer acquire, 8 tasks, 200,000/s rate (includes waiting)", operations: n) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 { group.addTask { for _ in 0..<(n / 8) { try await pacer.acquire() } } }
                try await group.waitForAll()
            }
        }
    }
}

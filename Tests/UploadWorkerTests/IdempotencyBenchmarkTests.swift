import Foundation
import Testing
@testable import UploadWorker

/// Prints the duplicate path's figures; asserts nothing about time. Off unless
/// UPLOAD_WORKER_BENCH=1; meant for a release build:
///   swift build -c release -Xswiftc -enable-testing --build-tests
///   UPLOAD_WORKER_BENCH=1 swift test -c release -Xswiftc -enable-testing --skip-build --filter IdempotencyBenchmarkTests
@Suite("Idempotency benchmark", .enabled(if: ProcessInfo.processInfo.environment["UPLOAD_WORKER_BENCH"] == "1"))
struct IdempotencyBenchmarkTests {
    @Test("print figures")
    func figures() async throws {
        let directory = try StoreTestDirectory()
        defer { directory.remove() }
        for line in try await IdempotencyBenchmark.run(directory: directory.url.path) {
            print("bench: " + line)
        }
    }
}

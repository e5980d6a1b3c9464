import Foundation
import Testing
import UploadWorker

/// Shutdown drains and commits; a configuration problem at the API stops the worker uncommitted.
@Suite("Pipeline lifecycle", .timeLimit(.minutes(2)))
struct PipelineLifecycleTests {
    @Test("shutdown drains in-flight uploads and commits them: a restarted worker repeats none")
    func shutdownDrains() async throws {
        let h = try await PipelineHarness(latency: .milliseconds(200))
        var configuration = h.configuration()
        configuration.maxInFlight = 4
        let worker = h.startWorker(configuration)
        let urls = (0..<30).map { h.origin("drain/\($0)-16x16.png") }
        try await h.produceURLs(urls)
        // Shut down while uploads are in flight.
        try await h.waitUntil("the first result") { worker.service.progress.results >= 1 }
        #expect(worker.service.progress.inFlight > 0)
        #expect(try await worker.stop() == .graceful)
        let p = worker.service.progress
        #expect(p.inFlight == 0)
        #expect(p.finished == p.recordsTaken)
        #expect(h.eventsSoFar.count == p.finished)

        // A second worker of the group picks up what was not taken, and nothing twice.
        let second = h.startWorker(configuration)
        let events = try await h.events(urls.count)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await second.stop() == .graceful)
        let all = h.eventsSoFar
        let coordinates = all.map { "\($0.sourcePartition ?? -1)/\($0.sourceOffset ?? -1)" }
        #expect(Set(coordinates).count == urls.count)
        #expect(all.count == urls.count, "a committed record was processed twice: \(events.count) events")
        #expect(h.emulator.stats().totalUploads == urls.count)
        await h.stop()
    }

    @Test("a second worker joining revokes the first one's partitions: in-flight records drain and commit first")
    func revokeDrains() async throws {
        let h = try await PipelineHarness(latency: .milliseconds(200))
        var configuration = h.configuration()
        configuration.maxInFlight = 4
        let first = h.startWorker(configuration)
        let urls = (0..<32).map { h.origin("revoke/\($0)-16x16.png") }
        try await h.produceURLs(urls)
        try await h.waitUntil("the first result") { first.service.progress.results >= 1 }
        #expect(first.service.progress.inFlight > 0)
        let second = h.startWorker(configuration)
        let events = try await h.events(urls.count)
        // Give a duplicate (a record processed by both workers) the time to show up.
        try await Task.sleep(for: .seconds(1))
        #expect(try await second.stop() == .graceful)
        #expect(try await first.stop() == .graceful)
        let all = h.eventsSoFar
        #expect(Set(all.map { "\($0.sourcePartition ?? -1)/\($0.sourceOffset ?? -1)" }).count == urls.count)
        #expect(all.count == urls.count, "a record was processed by both workers: \(events.count) events")
        #expect(h.emulator.stats().totalUploads == urls.count)
        await h.stop()
    }

    @Test("unauthorized: the worker stops with exit code 3, publishes and commits nothing for it")
    func unauthorizedStops() async throws {
        let h = try await PipelineHarness(emulatorToken: "right")
        let worker = h.startWorker(h.configuration(token: "wrong"))
        try await h.produceURLs([h.origin("auth-8x8.png")])
        let termination = try await worker.task.value
        #expect(termination.exitCode == 3)
        #expect(h.eventsSoFar.isEmpty)

        // With the right token, the uncommitted record is processed.
        let fixed = h.startWorker(h.configuration(token: "right"))
        let events = try await h.events(1)
        #expect(try await fixed.stop() == .graceful)
        #expect(events.count == 1 && events[0].isResult)
        await h.stop()
    }

    @Test("shutdown before run: run returns at once, gracefully")
    func shutdownBeforeRun() async throws {
        let h = try await PipelineHarness()
        let service = UploadWorkerService(configuration: h.configuration(), logger: quietLogger("worker"))
        service.shutdown()
        #expect(try await service.run() == .graceful)
        await h.stop()
    }
}

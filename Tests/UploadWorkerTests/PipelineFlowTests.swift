import Foundation
import Testing
import UploadWorker

/// The pipeline with real parts in one process: embedded Kafka, the emulator over HTTP, SQLite.
@Suite("Pipeline flow", .timeLimit(.minutes(2)))
struct PipelineFlowTests {
    @Test("happy path: every request gets one result event, keyed and with headers")
    func happyPath() async throws {
        let h = try await PipelineHarness()
        let worker = h.startWorker()
        let urls = (0..<12).map { h.origin("happy/\($0)-64x48.png") }
        try await h.produceURLs(urls)
        let events = try await h.events(urls.count)
        #expect(try await worker.stop() == .graceful)
        #expect(events.count == urls.count)
        #expect(events.allSatisfy { $0.isResult && $0.topic == h.resultTopic })
        #expect(events.allSatisfy { $0.deduplicated == false && $0.imageID != nil })
        #expect(events.allSatisfy { $0.headers["content-type"] == "application/json" && $0.headers["request-id"] == $0.requestID })
        #expect(Set(events.compactMap(\.key)) == Set((0..<urls.count).map { "k\($0)" }))
        #expect(h.emulator.stats().totalUploads == urls.count)
        let p = worker.service.progress
        #expect(p.recordsTaken == urls.count && p.results == urls.count && p.uploads == urls.count && p.inFlight == 0)
        await h.stop()
    }

    @Test("one URL requested many times, at once and later: exactly one upload")
    func oneURLManyTimes() async throws {
        let h = try await PipelineHarness(latency: .milliseconds(50))
        let worker = h.startWorker()
        let url = h.origin("dup/cat-100x80.jpg")
        // Variants that normalize to the same key: host case, default port, fragment.
        let host = URL(string: url)!.host!, port = URL(string: url)!.port!
        let variant = "HTTP://\(host.uppercased()):\(port)/origin/dup/cat-100x80.jpg#frag"
        try await h.produceURLs(Array(repeating: url, count: 20) + [variant])
        _ = try await h.events(21)
        try await h.produceURLs(Array(repeating: url, count: 9))
        let events = try await h.events(30)
        #expect(try await worker.stop() == .graceful)
        #expect(events.count == 30)
        #expect(events.allSatisfy { $0.isResult })
        #expect(Set(events.compactMap(\.imageID)).count == 1)
        #expect(events.filter { $0.deduplicated == false }.count == 1)
        #expect(h.emulator.stats().totalUploads == 1)
        await h.stop()
    }

    @Test("invalid payloads become invalid_request error events keeping the payload; good ones still flow")
    func invalidPayloads() async throws {
        let h = try await PipelineHarness()
        let worker = h.startWorker()
        let bad: [String?] = [
            "not json at all", #"{"url": 42}"#, #"{"nourl": true}"#, #"{"url": "ftp://example.com/a.png"}"#,
            #"{"url": "https://example.com/a.png", "id": "/bad/"}"#, nil, "[1,2,3]",
        ]
        try await h.produce(bad + [#"{"url":"\#(h.origin("good-10x10.png"))"}"#])
        let events = try await h.events(bad.count + 1)
        #expect(try await worker.stop() == .graceful)
        let errors = events.filter { !$0.isResult }
        #expect(errors.count == bad.count)
        #expect(errors.allSatisfy { $0.errorKind == "invalid_request" && $0.retryable == false && $0.topic == h.errorTopic })
        #expect(errors.allSatisfy { $0.json["request"] != nil || $0.json["requestBase64"] != nil })
        #expect(errors.allSatisfy { $0.headers["source-offset"] != nil && $0.headers["source-partition"] != nil })
        #expect(events.filter(\.isResult).count == 1)
        await h.stop()
    }

    @Test("a source the API rejects: source_rejected at once, not retryable, no retry")
    func sourceRejected() async throws {
        let h = try await PipelineHarness()
        let worker = h.startWorker()
        try await h.produceURLs([h.origin("missing.png"), h.origin("not-an-image.html")])
        let events = try await h.events(2)
        #expect(try await worker.stop() == .graceful)
        #expect(events.allSatisfy { $0.errorKind == "source_rejected" && $0.retryable == false })
        #expect(events.allSatisfy { ($0.json["attempts"] as? NSNumber)?.intValue == 1 })
        await h.stop()
    }

    @Test("a small partition buffer pauses and resumes the partition; every record still gets its event")
    func pauseAndResume() async throws {
        let h = try await PipelineHarness(partitions: 1, latency: .milliseconds(5))
        var configuration = h.configuration()
        configuration.partitionBuffer = 4
        let worker = h.startWorker(configuration)
        let urls = (0..<60).map { h.origin("pause/\($0 % 7)-8x8.png") }
        // The first half pauses the partition (it is fetched in one go, far past the cap); the
        // second half is only fetched if the partition was resumed once it drained.
        try await h.produceURLs(Array(urls[..<30]))
        _ = try await h.events(30)
        try await h.produceURLs(Array(urls[30...]))
        let events = try await h.events(urls.count)
        #expect(try await worker.stop() == .graceful)
        #expect(events.count == urls.count)
        #expect(Set(events.compactMap(\.sourceOffset)) == Set((0..<Int64(urls.count)).map { $0 }))
        #expect(h.emulator.stats().totalUploads == 7)
        await h.stop()
    }

    @Test("source-hash mode: a lost store still gives no second upload (5409, then the existing image)")
    func sourceHashClosesTheWindow() async throws {
        let h = try await PipelineHarness()
        var first = h.configuration(store: "first.sqlite")
        first.imageIDMode = .sourceHash
        let url = h.origin("hash/dog-32x32.png")
        let worker = h.startWorker(first)
        try await h.produceURLs([url])
        let one = try await h.events(1)
        #expect(try await worker.stop() == .graceful)
        #expect(one.first?.imageID?.hasPrefix("src-") == true)

        // A second worker with an empty store (the first store is "lost").
        var second = h.configuration(store: "second.sqlite")
        second.imageIDMode = .sourceHash
        let again = h.startWorker(second)
        try await h.produceURLs([url])
        let events = try await h.events(2)
        #expect(try await again.stop() == .graceful)
        #expect(events.count == 2)
        #expect(events.allSatisfy { $0.isResult })
        #expect(Set(events.compactMap(\.imageID)).count == 1)
        #expect(events.last?.deduplicated == true)
        #expect(h.emulator.stats().totalUploads == 1)
        await h.stop()
    }
}

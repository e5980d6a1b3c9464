import Foundation
import Testing

@Suite("End to end: failures and bad input")
struct FailureKindTests {
    @Test("each failure gets an error event with the right kind and retryability; the good request still succeeds")
    func mixOfFailures() async throws {
        try await withHarness("failures") { h in
            try h.startWorker("w1")
            let invalid = { (reason: String) in ExpectedOutcome.error(kind: "invalid_request", retryable: false, reason: reason) }
            let rejected = ExpectedOutcome.error(kind: "source_rejected", retryable: false)
            let specs: [RequestSpec] = [
                .upload(h.originURL("good-100x100.png"), requestID: "f-good"),
                // Origin 404 -> 5454; an HTML page -> 5455; 10.9 MB -> 5413: Cloudflare cannot use the source.
                .upload(h.originURL("missing.png"), requestID: "f-404", expected: rejected),
                .upload(h.originURL("not-an-image.html"), requestID: "f-html", expected: rejected),
                .upload(h.originURL("large.png"), requestID: "f-large", expected: rejected),
                // 12,001 px wide: over the 12,000 px limit -> 5443, the source is unusable.
                .upload(h.originURL("too-wide.png"), requestID: "f-wide", expected: rejected),
                // Refused by the worker before any API call.
                .raw(#"{"url": "\#(h.originURL("x.png"))", "requestId": "#, key: "f-json", expected: invalid("not_json")),
                .raw(#"{"requestId": "f-nourl", "creator": "me"}"#, key: "f-nourl", expected: invalid("missing_field")),
                .raw(#"{"url": "ftp://example.com/a.png", "requestId": "f-ftp"}"#, key: "f-ftp", expected: invalid("unsupported_scheme")),
                .raw(#"{"url": "\#(h.originURL("m.png"))", "requestId": "f-meta", "metadata": {"blob": "\#(String(repeating: "x", count: 1100))"}}"#,
                     key: "f-meta", expected: invalid("metadata_too_large")),
                .raw(#"{"url": "\#(h.originURL("u.png"))", "requestId": "f-uuid", "id": "0b8f3c1e-9d5a-4b7e-8f2a-1c3d5e7f9a0b"}"#,
                     key: "f-uuid", expected: invalid("invalid_custom_id")),
            ]
            try await h.produce(specs)
            try await h.waitForTerminalEvents()
            let report = try await h.expectDelivery()
            #expect(report.results == 1 && report.errors == specs.count - 1, "\(report)")
            let stats = h.emulator.stats()
            #expect(stats.uploadAttempts.keys.allSatisfy { !$0.contains("/x.png") && !$0.contains("/m.png") && !$0.contains("/u.png") },
                    "requests refused by the worker make no API call: \(stats.uploadAttempts)")
        }
    }

    @Test("poison messages interleaved with good ones: error events for the poison, results for the rest")
    func poisonInterleaved() async throws {
        try await withHarness("poison") { h in
            try h.startWorker("w1")
            let invalid = ExpectedOutcome.error(kind: "invalid_request", retryable: false)
            let poison: [(Data, String?)] = [
                (Data("{{{ not json".utf8), "not_json"),
                (Data(#"["https://example.com/a.png"]"#.utf8), "not_an_object"),
                (Data([0xFF, 0xFE, 0x00, 0x01, 0x80]), nil),
                (Data(), nil),
                (Data(#"{"url": 42}"#.utf8), "wrong_type"),
                (Data(#"{"url": "not a url at all"}"#.utf8), nil),
                (Data(#"{"url": "https://example.com/a.png", "requireSignedURLs": "yes"}"#.utf8), "wrong_type"),
                (Data(#"{"url": "https://example.com/a.png", "metadata": [1, 2]}"#.utf8), "wrong_type"),
            ]
            var specs: [RequestSpec] = []
            for i in 0..<60 {
                if i % 3 == 2 {
                    let (payload, reason) = poison[(i / 3) % poison.count]
                    specs.append(.raw(payload, key: "poison-\(i)",
                                      expected: reason.map { .error(kind: "invalid_request", retryable: false, reason: $0) } ?? invalid))
                } else {
                    specs.append(.upload(h.originURL("fine-\(i)-80x60.gif"), requestID: "poison-good-\(i)"))
                }
            }
            try await h.produce(specs)
            try await h.waitForTerminalEvents()
            let report = try await h.expectDelivery()
            #expect(report.results == 40 && report.errors == 20, "\(report)")
            let running = h.workers.allSatisfy { $0.isRunning }
            #expect(running, "bad input never stops the worker")
        }
    }
}

import CloudflareImages
import Foundation
import ImagesEmulator
import Testing

/// The checker itself, on hand-made event sets: a set that keeps the invariant passes, and each
/// way of breaking it is caught. (The scenarios' subject is the real worker; this is only the
/// checker's own test.)
@Suite("DeliveryChecker")
struct DeliveryCheckerTests {
    static let topic = "requests"

    static func input(_ partition: Int32, _ offset: Int64, id: String? = nil, expected: ExpectedOutcome? = .result) -> InputRecord {
        let requestID = id ?? "req-\(partition)-\(offset)"
        return InputRecord(
            coordinate: RecordCoordinate(topic: topic, partition: partition, offset: offset),
            key: Data(requestID.utf8), payload: Data(#"{"url":"https://example.com/\#(requestID).png","requestId":"\#(requestID)"}"#.utf8),
            expectedRequestID: requestID, url: "https://example.com/\(requestID).png", expected: expected)
    }

    static func result(for input: InputRecord, imageID: String = "img-1", at offset: Int64 = 0, requestID: String? = nil,
                       variants: [String]? = nil) -> OutputEvent {
        let id = requestID ?? input.expectedRequestID!
        let variantsJSON = (variants ?? ["https://imagedelivery.net/emulatorAccountHash000/\(imageID)/public"])
            .map { "\"\($0)\"" }.joined(separator: ",")
        let json = #"{"requestId":"\#(id)","sourceUrl":"\#(input.url!)","image":{"id":"\#(imageID)","filename":"a.png","uploaded":"2026-12-04T20:31:17.250Z","requireSignedURLs":false,"variants":[\#(variantsJSON)]},"deduplicated":false,"attempts":1,"source":{"topic":"\#(input.coordinate.topic)","partition":\#(input.coordinate.partition),"offset":\#(input.coordinate.offset)},"completedAt":"2026-12-04T20:31:17.300Z"}"#
        return OutputEvent(
            kind: .result, coordinate: RecordCoordinate(topic: "results", partition: 0, offset: offset), key: input.key,
            headers: ["content-type": "application/json", "event-type": "upload-result", "schema-version": "1", "request-id": id],
            value: Data(json.utf8))
    }

    static func error(for input: InputRecord, kind: String, retryable: Bool, at offset: Int64 = 0) -> OutputEvent {
        let c = input.coordinate
        let json = #"{"requestId":"\#(input.expectedRequestID!)","sourceUrl":"\#(input.url!)","error":{"kind":"\#(kind)","message":"no","retryable":\#(retryable),"httpStatus":400,"cloudflareErrors":[{"code":5454,"message":"no"}]},"attempts":1,"firstAttemptAt":"2026-12-04T20:31:17.250Z","lastAttemptAt":"2026-12-04T20:31:17.250Z","source":{"topic":"\#(c.topic)","partition":\#(c.partition),"offset":\#(c.offset)},"request":\#(String(decoding: input.payload, as: UTF8.self)),"requestSize":\#(input.payload.count),"failedAt":"2026-12-04T20:31:17.300Z"}"#
        return OutputEvent(
            kind: .error, coordinate: RecordCoordinate(topic: "errors", partition: 0, offset: offset), key: input.key,
            headers: ["content-type": "application/json", "event-type": "upload-error", "schema-version": "1",
                      "request-id": input.expectedRequestID!, "error-kind": kind, "source-topic": c.topic,
                      "source-partition": String(c.partition), "source-offset": String(c.offset)],
            value: Data(json.utf8))
    }

    static func stats(_ uploads: [String: Int]) -> EmulatorStats {
        var stats = EmulatorStats()
        stats.uploads = uploads
        return stats
    }

    @Test("a complete, consistent run passes, schemas included")
    func passes() async throws {
        let a = Self.input(0, 0), b = Self.input(1, 0), c = Self.input(1, 1, expected: .error(kind: "source_rejected", retryable: false))
        let events = [Self.result(for: a, imageID: "img-a"), Self.result(for: b, imageID: "img-b", at: 1),
                      Self.error(for: c, kind: "source_rejected", retryable: false)]
        let report = try await DeliveryChecker().checkWithSchemas(
            inputs: [a, b, c], events: events, stats: Self.stats(["https://example.com/a.png": 1]), imageExists: { _ in true })
        #expect(report.passed, "\(report)")
        #expect(report.results == 2 && report.errors == 1)
    }

    @Test("an input without a terminal event fails")
    func missingEvent() {
        let a = Self.input(0, 0), b = Self.input(0, 1)
        let report = DeliveryChecker().check(inputs: [a, b], events: [Self.result(for: a)], stats: nil)
        #expect(!report.passed)
        #expect(report.problems.contains { $0.contains("no terminal event for requests/0/1") }, "\(report)")
    }

    @Test("events for one input that disagree on the request ID fail")
    func disagreeingRequestIDs() {
        let a = Self.input(0, 0)
        let report = DeliveryChecker().check(
            inputs: [a], events: [Self.result(for: a), Self.result(for: a, at: 1, requestID: "other")], stats: nil)
        #expect(report.problems.contains { $0.contains("disagree on the request ID") }, "\(report)")
        #expect(report.redelivered == 1)
    }

    @Test("a re-delivery passes unless exactly one event is required")
    func redelivery() {
        let a = Self.input(0, 0)
        let events = [Self.result(for: a), Self.result(for: a, at: 1)]
        #expect(DeliveryChecker().check(inputs: [a], events: events, stats: nil).passed)
        var options = DeliveryChecker.Options()
        options.requireExactlyOne = true
        let strict = DeliveryChecker(options: options).check(inputs: [a], events: events, stats: nil)
        #expect(strict.problems.contains { $0.contains("expected exactly one") }, "\(strict)")
    }

    @Test("an event pointing at a record that was not produced fails")
    func strayEvent() {
        let a = Self.input(0, 0)
        let report = DeliveryChecker().check(inputs: [a], events: [Self.result(for: a), Self.result(for: Self.input(5, 9))], stats: nil)
        #expect(report.problems.contains { $0.contains("which the test did not produce") }, "\(report)")
    }

    @Test("a malformed image fails: foreign variant, unknown to the emulator")
    func malformedImage() {
        let a = Self.input(0, 0)
        let report = DeliveryChecker().check(
            inputs: [a], events: [Self.result(for: a, imageID: "img-x", variants: ["https://example.com/x"])], stats: nil,
            imageExists: { _ in false })
        #expect(report.problems.contains { $0.contains("is not a delivery URL") }, "\(report)")
        #expect(report.problems.contains { $0.contains("does not exist in the emulator") }, "\(report)")
    }

    @Test("the wrong outcome, kind or retryability fails")
    func wrongOutcome() {
        let a = Self.input(0, 0, expected: .error(kind: "source_rejected", retryable: false))
        let b = Self.input(0, 1)
        let c = Self.input(0, 2, expected: .error(kind: "transient", retryable: true))
        let report = DeliveryChecker().check(
            inputs: [a, b, c],
            events: [Self.result(for: a), Self.error(for: b, kind: "transient", retryable: true),
                     Self.error(for: c, kind: "transient", retryable: false)],
            stats: nil)
        #expect(report.problems.contains { $0.contains("expected an error of kind source_rejected, got a result") }, "\(report)")
        #expect(report.problems.contains { $0.contains("expected a result, got error transient") }, "\(report)")
        #expect(report.problems.contains { $0.contains("retryable false") }, "\(report)")
    }

    @Test("a URL uploaded twice fails, unless the scenario measures duplicates")
    func duplicateUploads() {
        let a = Self.input(0, 0)
        let stats = Self.stats(["https://example.com/a.png": 2, "https://example.com/b.png": 1])
        let report = DeliveryChecker().check(inputs: [a], events: [Self.result(for: a)], stats: stats)
        #expect(report.problems.contains { $0.contains("uploaded 2 times") }, "\(report)")
        var options = DeliveryChecker.Options()
        options.allowDuplicateUploads = true
        let measured = DeliveryChecker(options: options).check(inputs: [a], events: [Self.result(for: a)], stats: stats)
        #expect(measured.passed)
        #expect(measured.secondUploads == 1)
    }

    @Test("missing or wrong headers and a changed key fail")
    func headersAndKey() {
        let a = Self.input(0, 0)
        var event = Self.result(for: a)
        event.headers["request-id"] = "someone-else"
        event.headers["content-type"] = nil
        event.key = Data("other".utf8)
        let report = DeliveryChecker().check(inputs: [a], events: [event], stats: nil)
        #expect(report.problems.contains { $0.contains("header request-id") }, "\(report)")
        #expect(report.problems.contains { $0.contains("header content-type is missing") }, "\(report)")
        #expect(report.problems.contains { $0.contains("is not the input's") }, "\(report)")
    }

    @Test("events that violate the schemas fail")
    func schemaViolations() async throws {
        let a = Self.input(0, 0)
        var event = Self.result(for: a)
        event.value = Data(String(decoding: event.value, as: UTF8.self).replacingOccurrences(of: #""attempts":1"#, with: #""attempts":-1,"extra":true"#).utf8)
        let problems = try await DeliveryChecker.schemaProblems([event, Self.error(for: a, kind: "nonsense", retryable: false)])
        #expect(problems.count == 2, "\(problems)")
        #expect(problems.contains { $0.contains("violates upload-result") })
        #expect(problems.contains { $0.contains("violates upload-error") })
    }

    @Test("a value that is not a JSON object fails")
    func notJSON() {
        let a = Self.input(0, 0)
        var event = Self.result(for: a)
        event = OutputEvent(kind: .result, coordinate: event.coordinate, key: event.key, headers: event.headers, value: Data("[1]".utf8))
        let report = DeliveryChecker().check(inputs: [a], events: [event], stats: nil)
        #expect(report.problems.contains { $0.contains("not a JSON object") }, "\(report)")
        #expect(report.problems.contains { $0.contains("no terminal event") }, "\(report)")
    }
}

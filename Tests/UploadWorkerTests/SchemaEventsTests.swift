import CloudflareImages
import Foundation
import Testing
@testable import UploadWorker

/// The schemas, their examples, and the worker's encoders agree, checked with Python's
/// `jsonschema` (an implementation independent of the encoders).
@Suite("Event schemas")
struct SchemaEventsTests {
    @Test("every example validates against its schema", arguments: SchemaValidator.Schema.allCases)
    func examples(_ schema: SchemaValidator.Schema) async throws {
        let report = try await SchemaValidator.validateExamples(of: schema)
        #expect(report.invalid.isEmpty, "\(report)")
        #expect(report.valid >= 3)
    }

    @Test("every schema has an $id, a description and examples")
    func schemaShape() throws {
        for schema in SchemaValidator.Schema.allCases {
            let data = try Data(contentsOf: URL(fileURLWithPath: schema.path))
            let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
            #expect((object["$id"] as? String)?.hasSuffix(":v1") == true)
            #expect((object["description"] as? String)?.isEmpty == false)
            #expect(((object["examples"] as? [Any])?.count ?? 0) >= 3)
        }
    }

    @Test("the validator reports invalid documents")
    func validatorCanFail() async throws {
        let report = try await SchemaValidator.validate([
            #"{"url": "https://example.com/a.png"}"#,
            #"{"url": "ftp://example.com/a.png"}"#,
            #"{"requestId": "no url"}"#,
            "not json",
        ], against: .request)
        #expect(report.valid == 1)
        #expect(report.invalid.map(\.line) == [2, 3, 4])
    }

    @Test("the request examples decode as valid requests")
    func requestExamplesDecode() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: SchemaValidator.Schema.request.path))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let examples = try #require(object["examples"] as? [Any])
        for example in examples {
            let bytes = try JSONSerialization.data(withJSONObject: example)
            #expect(throws: Never.self) { try UploadRequestEvent(decoding: bytes, source: EventFixtures.source()) }
        }
    }

    @Test("accepted requests validate against the request schema; refused ones that JSON Schema can see do not")
    func requestSchemaAgreesWithTheDecoder() async throws {
        let accepted = [
            #"{"url":"https://example.com/a.png"}"#,
            #"{"url":"HTTP://example.com/a.png","id":"a/b","requireSignedURLs":false,"metadata":{"k":1},"creator":"c","requestId":"r","x":1}"#,
            #"{"url":"https://example.com/a.png","id":null,"creator":null}"#,
        ]
        for json in accepted { _ = try EventFixtures.request(json) }
        let report = try await SchemaValidator.validate(accepted, against: .request)
        #expect(report.invalid.isEmpty, "\(report)")

        let refused = EventsRequestDecodingTests.badInputs
            .filter { [.missingField, .wrongType, .unsupportedScheme, .invalidRequestID, .invalidCustomID, .customIDWithSignedURLs, .creatorTooLong].contains($0.reason) }
            .filter { $0.payload.count < 4096 && !$0.payload.contains(0x0A) }
        let refusedReport = try await SchemaValidator.validate(refused.map(\.payload), against: .request)
        #expect(refusedReport.valid == 0, "the schema accepts what the worker refuses: \(refusedReport)")
    }

    @Test("result events validate")
    func resultEvents() async throws {
        let request = try EventFixtures.request(#"{"url": "https://u:p@example.com/a.png"}"#)
        var minimal = EventFixtures.image(metadata: nil)
        minimal.filename = nil
        minimal.creator = nil
        minimal.variants = []
        let events = [
            UploadResultEvent(request: request, image: EventFixtures.image(), deduplicated: false, attempts: 1),
            UploadResultEvent(request: request, image: minimal, deduplicated: true, attempts: 0),
            UploadResultEvent(requestID: "r", sourceURL: "http://[::1]:8080/x", image: minimal, deduplicated: false, attempts: 3,
                              source: EventFixtures.source(partition: 0, offset: 0, timestamp: nil)),
        ]
        let report = try await SchemaValidator.validate(events.map { $0.encoded().value }, against: .result)
        #expect(report.invalid.isEmpty, "\(report)")
        #expect(report.valid == events.count)
    }

    @Test("error events of every kind, and of every invalid payload, validate")
    func errorEvents() async throws {
        let request = try EventFixtures.request(#"{"url": "https://u:p@example.com/a.png", "requestId": "r-1", "future": {"a": 1}}"#)
        let at = Date(timeIntervalSince1970: 1_796_000_000)
        var events: [UploadErrorEvent] = UploadErrorKind.allCases.map { kind in
            UploadErrorEvent(
                request: request,
                failure: UploadFailure(kind: kind, message: "failed: \(kind)", httpStatus: kind == .transient ? 503 : 400,
                                       cloudflareErrors: [APIMessage(code: 5400, message: "Bad request")]),
                attempts: 3, firstAttemptAt: at, lastAttemptAt: at.addingTimeInterval(4))
        }
        events.append(UploadErrorEvent(request: request, failure: UploadFailure(kind: .transient, message: "connection refused"), attempts: 1, firstAttemptAt: at, lastAttemptAt: at))
        for bad in EventsRequestDecodingTests.badInputs {
            let invalid = try #require(EventFixtures.invalid(bad.payload, limits: bad.limits))
            events.append(UploadErrorEvent(invalid: invalid))
        }
        let truncating = RequestLimits(maxMessageBytes: 64, maxPreservedPayloadBytes: 16, truncatedPayloadBytes: 4)
        events.append(UploadErrorEvent(invalid: try #require(EventFixtures.invalid(Array(String(repeating: "{", count: 99).utf8), limits: truncating))))

        let report = try await SchemaValidator.validate(events.map { $0.encoded().value }, against: .error)
        #expect(report.invalid.isEmpty, "\(report)")
        #expect(report.valid == events.count)
    }
}

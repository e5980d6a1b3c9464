import CloudflareImages
import Foundation
import Testing
@testable import UploadWorker

@Suite("Event encoding and headers")
struct EventsEncodingTests {
    @Test("a result event has the documented fields, order and headers")
    func result() throws {
        let request = try EventFixtures.request(#"{"url": "https://bob:pw@Example.com/p/front.png", "requestId": "order-1"}"#)
        let completedAt = Date(timeIntervalSince1970: 1_796_000_003.25)
        let event = UploadResultEvent(request: request, image: EventFixtures.image(), deduplicated: false, attempts: 2, completedAt: completedAt)
        let encoded = event.encoded()
        let text = String(decoding: encoded.value, as: UTF8.self)

        #expect(text.hasPrefix(#"{"requestId":"order-1","sourceUrl":"https://Example.com/p/front.png","deduplicated":false,"attempts":2,"image":{"id":"products/1234/front","filename":"front.png","uploaded":"2026-11-30T"#))
        #expect(!text.contains("pw@"))
        #expect(!text.contains("\n"))
        let object = try EventFixtures.object(encoded.value)
        #expect(object["completedAt"] as? String == "2026-11-30T00:53:23.250Z")
        let image = try #require(object["image"] as? [String: Any])
        #expect(image["uploaded"] as? String == "2026-11-30T00:53:22.481Z")
        #expect(image["creator"] as? String == "catalog \"service\"\n")
        #expect((image["metadata"] as? [String: Any])?["sku"] as? String == "1234")
        let source = try #require(object["source"] as? [String: Any])
        #expect(source["partition"] as? Int == 3 && source["offset"] as? Int == 1207 && source["topic"] as? String == "image-upload-requests")

        #expect(encoded.headers == [
            EventHeader("content-type", "application/json"),
            EventHeader("event-type", "upload-result"),
            EventHeader("schema-version", "1"),
            EventHeader("request-id", "order-1"),
        ])
        // Stable: the same event gives the same bytes.
        #expect(event.encoded().value == encoded.value)
    }

    @Test("an error event carries the failure, the payload and the routing headers")
    func errorEvent() throws {
        let payload = #"{"url": "https://alice:hunter2@shop.example.com/p4.jpg", "requestId": "order-4", "extra": [1, 2.0]}"#
        let request = try EventFixtures.request(payload)
        let failure = UploadFailure(kind: .sourceRejected, message: "not an image", httpStatus: 415, cloudflareErrors: [APIMessage(code: 5455, message: "bad content type")])
        let first = Date(timeIntervalSince1970: 1_796_000_010)
        let event = UploadErrorEvent(request: request, failure: failure, attempts: 1, firstAttemptAt: first, lastAttemptAt: first, failedAt: first.addingTimeInterval(0.5))
        let encoded = event.encoded()
        let object = try EventFixtures.object(encoded.value)

        #expect(object["requestId"] as? String == "order-4")
        #expect(object["sourceUrl"] as? String == "https://shop.example.com/p4.jpg")
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["kind"] as? String == "source_rejected")
        #expect(error["retryable"] as? Bool == false)
        #expect(error["httpStatus"] as? Int == 415)
        let cf = try #require(error["cloudflareErrors"] as? [[String: Any]])
        #expect(cf.first?["code"] as? Int == 5455)
        #expect(error["reason"] == nil)
        // The request is the producer's object, verbatim apart from whitespace.
        let kept = String(decoding: encoded.value, as: UTF8.self)
        #expect(kept.contains(#""request":{"url":"https://alice:hunter2@shop.example.com/p4.jpg","requestId":"order-4","extra":[1,2.0]}"#))
        #expect(object["requestSize"] as? Int == payload.utf8.count)
        #expect(object["requestBase64"] == nil)
        #expect(object["firstAttemptAt"] as? String == "2026-11-30T00:53:30.000Z")
        #expect(object["failedAt"] as? String == "2026-11-30T00:53:30.500Z")

        #expect(encoded.header("event-type") == "upload-error")
        #expect(encoded.header("schema-version") == "1")
        #expect(encoded.header("request-id") == "order-4")
        #expect(encoded.header("error-kind") == "source_rejected")
        #expect(encoded.header("source-topic") == "image-upload-requests")
        #expect(encoded.header("source-partition") == "3")
        #expect(encoded.header("source-offset") == "1207")
        #expect(encoded.header("content-type") == "application/json")
    }

    @Test("credentials appear only in the kept request, never in the rest of the event")
    func credentialsStayInTheRequest() throws {
        let request = try EventFixtures.request(#"{"url": "https://alice:hunter2@example.com/a.png"}"#)
        let result = UploadResultEvent(request: request, image: EventFixtures.image(), deduplicated: true, attempts: 0).encoded()
        #expect(!String(decoding: result.value, as: UTF8.self).contains("hunter2"))
        #expect(!result.headers.contains { $0.value.contains("hunter2") })

        let error = UploadErrorEvent(request: request, failure: UploadFailure(kind: .transient, message: "HTTP 503"), attempts: 5, firstAttemptAt: nil, lastAttemptAt: nil).encoded()
        var object = try EventFixtures.object(error.value)
        object["request"] = nil
        let rest = try JSONSerialization.data(withJSONObject: object)
        #expect(!String(decoding: rest, as: UTF8.self).contains("hunter2"))
        #expect(!error.headers.contains { $0.value.contains("hunter2") })
    }

    @Test("a payload that is not a JSON object travels as base64")
    func base64Payload() throws {
        let raw: [UInt8] = [0x00, 0xFF, 0x7B, 0x22, 0x0A, 0x89]
        let invalid = try #require(EventFixtures.invalid(raw))
        let encoded = UploadErrorEvent(invalid: invalid).encoded()
        let object = try EventFixtures.object(encoded.value)
        #expect(object["request"] == nil)
        let base64 = try #require(object["requestBase64"] as? String)
        #expect(Data(base64Encoded: base64) == Data(raw))
        #expect(object["requestTruncated"] == nil)
        #expect(object["requestSize"] as? Int == raw.count)
        #expect(object["sourceUrl"] == nil)
        #expect((object["error"] as? [String: Any])?["reason"] as? String == "not_json")
        #expect(encoded.header("error-kind") == "invalid_request")
    }

    @Test("a truncated payload says so")
    func truncatedPayload() throws {
        let limits = RequestLimits(maxMessageBytes: 64, maxPreservedPayloadBytes: 32, truncatedPayloadBytes: 8)
        let raw = Array(String(repeating: "x", count: 100).utf8)
        let invalid = try #require(EventFixtures.invalid(raw, limits: limits))
        let object = try EventFixtures.object(UploadErrorEvent(invalid: invalid).encoded().value)
        #expect(object["requestTruncated"] as? Bool == true)
        #expect(Data(base64Encoded: object["requestBase64"] as? String ?? "") == Data(raw.prefix(8)))
        #expect(object["requestSize"] as? Int == 100)
    }

    @Test("retryable follows the kind unless given", arguments: UploadErrorKind.allCases)
    func retryableDefaults(_ kind: UploadErrorKind) {
        let failure = UploadFailure(kind: kind, message: "m")
        #expect(failure.retryable == (kind == .transient || kind == .rateLimited))
        #expect(UploadFailure(kind: kind, message: "m", retryable: true).retryable)
    }

    @Test("kind raw values are the documented snake_case names")
    func kindNames() {
        #expect(UploadErrorKind.allCases.map(\.rawValue) == ["invalid_request", "source_rejected", "already_exists", "rate_limited", "unauthorized", "not_found", "transient"])
    }

    @Test("strings are escaped; metadata keys sorted")
    func escaping() throws {
        var image = EventFixtures.image(metadata: ["z": .string("last"), "a": .object(["y": .null, "b": .array([.number(1), .number(0.25), .bool(false)])])])
        image.creator = "tab\there \u{01} \"quoted\" back\\slash é 😀"
        let request = try EventFixtures.request(#"{"url": "https://example.com/a.png"}"#)
        let value = UploadResultEvent(request: request, image: image, deduplicated: false, attempts: 1).encoded().value
        let text = String(decoding: value, as: UTF8.self)
        #expect(text.contains(#""metadata":{"a":{"b":[1,0.25,false],"y":null},"z":"last"}"#))
        #expect(text.contains(#""creator":"tab\there \u0001 \"quoted\" back\\slash é 😀""#))
        let object = try EventFixtures.object(value)
        #expect((object["image"] as? [String: Any])?["creator"] as? String == image.creator)
    }
}

@Suite("Event timestamps")
struct EventsTimestampTests {
    @Test("parses its own format fast and other ISO-8601 forms through CloudflareDate")
    func parse() {
        #expect(EventTimestamp.parse("2000-02-29T00:00:00.000Z") == Date(timeIntervalSince1970: 951_782_400))
        #expect(EventTimestamp.parse("2026-11-30T00:53:22.481Z").map(CloudflareDate.format) == "2026-11-30T00:53:22.481Z")
        #expect(EventTimestamp.parse("2026-11-30T00:53:22Z") == Date(timeIntervalSince1970: 1_796_000_002))
        #expect(EventTimestamp.parse("2026-13-30T00:53:22.481Z") == nil)
        #expect(EventTimestamp.parse("yesterday") == nil)
    }

    @Test("parse and format round-trip every millisecond value without drift")
    func roundTrip() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let ms = Int64.random(in: 0..<4_102_444_800_000, using: &generator)
            let text = CloudflareDate.format(Date(timeIntervalSince1970: Double(ms) / 1000))
            let parsed = try #require(CloudflareDate.parse(text))
            #expect(CloudflareDate.format(parsed) == text)
            #expect(EventTimestamp.parse(text) == Date(timeIntervalSince1970: Double(ms) / 1000))
            #expect(Int64((parsed.timeIntervalSince1970 * 1000).rounded()) == ms)
        }
    }
}

@Suite("Event decoding (reading output events back)")
struct EventsOutputDecodingTests {
    @Test("a result event reads back equal")
    func resultRoundTrip() throws {
        let request = try EventFixtures.request(#"{"url": "https://u:p@example.com/a.png", "requestId": "r-1"}"#)
        let at = Date(timeIntervalSince1970: 1_796_000_003.25)
        for event in [
            UploadResultEvent(request: request, image: EventFixtures.image(), deduplicated: false, attempts: 2, completedAt: at),
            UploadResultEvent(requestID: "x", sourceURL: "http://h/", image: Image(id: "i", filename: nil, uploaded: at, requireSignedURLs: true, variants: [], metadata: nil, creator: nil),
                              deduplicated: true, attempts: 0, source: EventFixtures.source(timestamp: nil), completedAt: at),
        ] {
            #expect(try UploadResultEvent(decoding: event.encoded().value) == event)
        }
    }

    @Test("an error event reads back equal")
    func errorRoundTrip() throws {
        let at = Date(timeIntervalSince1970: 1_796_000_010.125)
        let request = try EventFixtures.request(#"{"a":1,"url":"https://example.com/a.png"}"#)
        let failed = UploadErrorEvent(request: request, failure: UploadFailure(kind: .rateLimited, message: "429", httpStatus: 429,
                                      cloudflareErrors: [APIMessage(code: 971, message: "throttle")]), attempts: 6, firstAttemptAt: at, lastAttemptAt: at, failedAt: at)
        #expect(try UploadErrorEvent(decoding: failed.encoded().value) == failed)

        let invalid = try #require(EventFixtures.invalid([0xFF, 0x00]))
        let refused = UploadErrorEvent(invalid: invalid, failedAt: at)
        #expect(try UploadErrorEvent(decoding: refused.encoded().value) == refused)
    }

    @Test("malformed events are refused with the field's name", arguments: [
        "not json", "[]", #"{"requestId": "r"}"#,
        #"{"requestId":"r","sourceUrl":"u","deduplicated":"yes","attempts":1,"image":{},"source":{},"completedAt":"x"}"#,
    ])
    func malformed(_ text: String) {
        #expect(throws: EventDecodingError.self) { try UploadResultEvent(decoding: Array(text.utf8)) }
        #expect(throws: EventDecodingError.self) { try UploadErrorEvent(decoding: Array(text.utf8)) }
    }
}

@Suite("Events and the Images client")
struct EventsImagesAPITests {
    @Test("every API error kind maps to the event kind of the same name", arguments: ImagesAPIError.Kind.allCases)
    func kinds(_ kind: ImagesAPIError.Kind) {
        #expect((kind as UploadErrorKind).rawValue == kind.rawValue)
        let error = ImagesAPIError(kind: kind, operation: .upload, httpStatus: 400, errors: [APIMessage(code: 5400, message: "Bad request")], message: "m")
        let failure = UploadFailure(error)
        #expect(failure.kind.rawValue == kind.rawValue)
        #expect(failure.retryable == kind.isRetryable)
        #expect(failure.httpStatus == 400 && failure.cloudflareErrors.map(\.code) == [5400] && failure.message == "m")
    }

    @Test("the upload request carries the fields, and a derived ID only where allowed")
    func uploadRequest() throws {
        let plain = try EventFixtures.request(#"{"url": "https://u:p@example.com/a.png", "metadata": {"k": 1}, "creator": "c"}"#)
        let derived = plain.idempotencyKey.derivedImageID
        #expect(plain.uploadRequest() == UploadRequest(url: "https://u:p@example.com/a.png", metadata: ["k": .number(1)], creator: "c"))
        #expect(plain.uploadRequest(derivedID: derived).id == derived)
        #expect(plain.uploadRequest(derivedID: derived).validationProblems().isEmpty)

        let own = try EventFixtures.request(#"{"url": "https://example.com/a.png", "id": "mine"}"#)
        #expect(own.uploadRequest(derivedID: derived).id == "mine")
        let signed = try EventFixtures.request(#"{"url": "https://example.com/a.png", "requireSignedURLs": true}"#)
        #expect(signed.uploadRequest(derivedID: derived).id == nil)
        #expect(signed.uploadRequest(derivedID: derived).requireSignedURLs)
    }
}

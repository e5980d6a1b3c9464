import CloudflareImages
import Foundation
import Testing
@testable import UploadWorker

@Suite("Request decoding and validation")
struct EventsRequestDecodingTests {
    struct Bad: Sendable, CustomStringConvertible {
        var name: String
        var payload: [UInt8]
        var reason: InvalidRequest.Reason
        var field: String?
        var limits: RequestLimits = .default
        var description: String { name }

        init(_ name: String, _ payload: String, _ reason: InvalidRequest.Reason, field: String? = nil, limits: RequestLimits = .default) {
            self.init(name, Array(payload.utf8), reason, field: field, limits: limits)
        }

        init(_ name: String, _ payload: [UInt8], _ reason: InvalidRequest.Reason, field: String? = nil, limits: RequestLimits = .default) {
            self.name = name
            self.payload = payload
            self.reason = reason
            self.field = field
            self.limits = limits
        }
    }

    static let uuid = "2cdc28f0-017a-49c4-9ed7-87056c83901f"
    static let url = "https://example.com/a.png"

    static let badInputs: [Bad] = [
        Bad("empty message", "", .notJSON),
        Bad("plain text", "not json at all", .notJSON),
        Bad("truncated JSON", #"{"url": "https://example.com/a.png","#, .notJSON),
        Bad("trailing data", #"{"url": "https://example.com/a.png"} {}"#, .notJSON),
        Bad("single quotes", "{'url': 'https://example.com/a.png'}", .notJSON),
        Bad("trailing comma", #"{"url": "https://example.com/a.png",}"#, .notJSON),
        Bad("invalid UTF-8", [0x7B, 0x22, 0x75, 0x72, 0x6C, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D], .notJSON),
        Bad("raw control character in a string", "{\"url\": \"https://example.com/\u{01}.png\"}", .notJSON),
        Bad("lone surrogate escape", #"{"url": "https://example.com/\ud800.png"}"#, .notJSON),
        Bad("leading zero number", #"{"url": "https://example.com/a.png", "n": 01}"#, .notJSON),
        Bad("NaN", #"{"url": "https://example.com/a.png", "n": NaN}"#, .notJSON),
        Bad("number out of range", #"{"url": "https://example.com/a.png", "n": 1e999}"#, .notJSON),
        Bad("duplicate url", #"{"url": "https://example.com/a.png", "url": "https://evil.example/b.png"}"#, .notJSON),
        Bad("nesting too deep", String(repeating: "[", count: 100_000), .notJSON),
        Bad("binary garbage", [0x00, 0x01, 0x02, 0xFF, 0x89, 0x50, 0x4E, 0x47], .notJSON),
        Bad("array", #"["https://example.com/a.png"]"#, .notAnObject),
        Bad("string", #""https://example.com/a.png""#, .notAnObject),
        Bad("number", "42", .notAnObject),
        Bad("null", "null", .notAnObject),
        Bad("no url", #"{"requestId": "r1"}"#, .missingField, field: "url"),
        Bad("null url", #"{"url": null}"#, .missingField, field: "url"),
        Bad("url is a number", #"{"url": 5}"#, .wrongType, field: "url"),
        Bad("url is an object", #"{"url": {"href": "https://example.com/a.png"}}"#, .wrongType, field: "url"),
        Bad("ftp url", #"{"url": "ftp://example.com/a.png"}"#, .unsupportedScheme, field: "url"),
        Bad("data url", #"{"url": "data:image/png;base64,AAAA"}"#, .unsupportedScheme, field: "url"),
        Bad("relative url", #"{"url": "/images/a.png"}"#, .invalidURL, field: "url"),
        Bad("url with a space", #"{"url": "https://example.com/a b.png"}"#, .invalidURL, field: "url"),
        Bad("url without host", #"{"url": "https:///a.png"}"#, .invalidURL, field: "url"),
        Bad("url with a bad port", #"{"url": "https://example.com:70000/a.png"}"#, .invalidURL, field: "url"),
        Bad("requestId is a number", #"{"url": "https://example.com/a.png", "requestId": 7}"#, .wrongType, field: "requestId"),
        Bad("requestId empty", #"{"url": "https://example.com/a.png", "requestId": ""}"#, .invalidRequestID, field: "requestId"),
        Bad("requestId too long", #"{"url": "https://example.com/a.png", "requestId": "\#(String(repeating: "r", count: 257))"}"#, .invalidRequestID, field: "requestId"),
        Bad("requestId with a newline", #"{"url": "https://example.com/a.png", "requestId": "a\nb"}"#, .invalidRequestID, field: "requestId"),
        Bad("id is a number", #"{"url": "https://example.com/a.png", "id": 12}"#, .wrongType, field: "id"),
        Bad("id empty", #"{"url": "https://example.com/a.png", "id": ""}"#, .invalidCustomID, field: "id"),
        Bad("id starts with /", #"{"url": "https://example.com/a.png", "id": "/a/b"}"#, .invalidCustomID, field: "id"),
        Bad("id ends with /", #"{"url": "https://example.com/a.png", "id": "a/b/"}"#, .invalidCustomID, field: "id"),
        Bad("id is a UUID", #"{"url": "https://example.com/a.png", "id": "\#(uuid)"}"#, .invalidCustomID, field: "id"),
        Bad("id is an upper-case UUID", #"{"url": "https://example.com/a.png", "id": "\#(uuid.uppercased())"}"#, .invalidCustomID, field: "id"),
        Bad("id too long", #"{"url": "https://example.com/a.png", "id": "\#(String(repeating: "i", count: 1025))"}"#, .invalidCustomID, field: "id"),
        Bad("id with signed URLs", #"{"url": "https://example.com/a.png", "id": "a/b", "requireSignedURLs": true}"#, .customIDWithSignedURLs, field: "id"),
        Bad("metadata is a string", #"{"url": "https://example.com/a.png", "metadata": "{}"}"#, .wrongType, field: "metadata"),
        Bad("metadata is an array", #"{"url": "https://example.com/a.png", "metadata": [1]}"#, .wrongType, field: "metadata"),
        Bad("metadata over 1024 bytes", #"{"url": "https://example.com/a.png", "metadata": {"k": "\#(String(repeating: "m", count: 1017))"}}"#, .metadataTooLarge, field: "metadata"),
        Bad("requireSignedURLs is a string", #"{"url": "https://example.com/a.png", "requireSignedURLs": "true"}"#, .wrongType, field: "requireSignedURLs"),
        Bad("creator is a number", #"{"url": "https://example.com/a.png", "creator": 1}"#, .wrongType, field: "creator"),
        Bad("creator too long", #"{"url": "https://example.com/a.png", "creator": "\#(String(repeating: "c", count: 1025))"}"#, .creatorTooLong, field: "creator"),
        Bad("over the message cap", #"{"url": "https://example.com/a.png", "pad": "\#(String(repeating: "p", count: 200))"}"#, .messageTooLarge, limits: RequestLimits(maxMessageBytes: 128)),
        Bad("over the default 1 MiB cap", Array(#"{"url": "https://example.com/a.png", "pad": ""#.utf8) + [UInt8](repeating: 0x61, count: 1 << 20) + Array(#""}"#.utf8), .messageTooLarge),
    ]

    @Test("bad input becomes invalid_request with a reason and a message", arguments: badInputs)
    func badInput(_ bad: Bad) throws {
        let source = EventFixtures.source(partition: 2, offset: 5531)
        let invalid = try #require(EventFixtures.invalid(bad.payload, source: source, limits: bad.limits))
        #expect(invalid.reason == bad.reason)
        #expect(invalid.field == bad.field)
        #expect(!invalid.message.isEmpty)
        #expect(invalid.source == source)
        #expect(invalid.original.size == bad.payload.count)
        // The error event is complete and names the reason.
        let event = UploadErrorEvent(invalid: invalid)
        #expect(event.error.kind == .invalidRequest)
        #expect(event.error.reason == bad.reason.rawValue)
        #expect(event.error.retryable == false)
        #expect(event.attempts == 0)
    }

    @Test("a minimal request gets defaults")
    func minimal() throws {
        let source = EventFixtures.source(partition: 0, offset: 88)
        let request = try EventFixtures.request(#"{"url": "https://Example.com/a.png"}"#, source: source)
        #expect(request.requestID == "image-upload-requests/0/88")
        #expect(request.url.original == "https://Example.com/a.png")
        #expect(request.url.normalized == "https://example.com/a.png")
        #expect(request.customID == nil && request.metadata == nil && request.requireSignedURLs == nil && request.creator == nil)
        #expect(request.source == source)
    }

    @Test("every field is read")
    func full() throws {
        let request = try EventFixtures.request("""
            {"url": "https://bob:pw@example.com/p/1.png?v=2", "requestId": "order-1", "id": "products/1",
             "metadata": {"sku": "1", "tags": ["a", "b"], "n": 1.5}, "requireSignedURLs": false, "creator": "svc"}
            """)
        #expect(request.requestID == "order-1")
        #expect(request.url.original == "https://bob:pw@example.com/p/1.png?v=2")
        #expect(request.url.redacted == "https://example.com/p/1.png?v=2")
        #expect(request.customID == "products/1")
        #expect(request.metadata == ["sku": .string("1"), "tags": .array([.string("a"), .string("b")]), "n": .number(1.5)])
        #expect(request.requireSignedURLs == false)
        #expect(request.creator == "svc")
    }

    @Test("null optional fields count as absent; unknown fields are ignored and kept")
    func nullsAndUnknownFields() throws {
        let payload = """
            {
              "url": "https://example.com/a.png", "id": null, "metadata": null, "requireSignedURLs": null,
              "creator": null, "requestId": null, "campaign": "spring", "priority": 2.50, "nested": {"x": [1, 2]}
            }
            """
        let request = try EventFixtures.request(payload)
        #expect(request.customID == nil && request.metadata == nil && request.requireSignedURLs == nil && request.creator == nil)
        #expect(request.requestID == EventFixtures.source().defaultRequestID)
        // Kept as written (number spelling, key order), whitespace removed.
        let expected = #"{"url":"https://example.com/a.png","id":null,"metadata":null,"requireSignedURLs":null,"creator":null,"requestId":null,"campaign":"spring","priority":2.50,"nested":{"x":[1,2]}}"#
        #expect(request.original.content == .jsonObject(Array(expected.utf8)))
        #expect(request.original.size == payload.utf8.count)
    }

    @Test("limits at their edges are accepted")
    func edges() throws {
        let id1024 = String(repeating: "i", count: 1024)
        let creator1024 = String(repeating: "é", count: 1024)
        // {"k":"..."} is 8 bytes plus the value.
        let metadata1024 = #"{"k": "\#(String(repeating: "m", count: 1016))"}"#
        let request = try EventFixtures.request("""
            {"url": "https://example.com/a.png", "id": "\(id1024)", "creator": "\(creator1024)", "metadata": \(metadata1024),
             "requestId": "\(String(repeating: "r", count: 256))", "requireSignedURLs": false}
            """)
        #expect(request.customID?.count == 1024)
        #expect(request.creator?.unicodeScalars.count == 1024)
        #expect(JSONValue.object(request.metadata ?? [:]).jsonString.utf8.count == 1024)
        _ = try EventFixtures.request(#"{"url": "https://example.com/a.png", "id": "a/b/c.d", "requireSignedURLs": false}"#)
        _ = try EventFixtures.request(#"{"url": "https://example.com/a.png", "requireSignedURLs": true}"#)
    }

    @Test("escapes in strings are decoded")
    func escapes() throws {
        let request = try EventFixtures.request(#"{"url": "https:\/\/example.com\/a.png", "creator": "caf\u00e9 \ud83d\ude00 \"q\" \\ \t"}"#)
        #expect(request.url.original == "https://example.com/a.png")
        #expect(request.creator == "café 😀 \"q\" \\ \t")
    }

    @Test("what an invalid request keeps: request ID, redacted URL, payload")
    func invalidKeepsContext() throws {
        let json = #"{"url": "https://alice:hunter2@example.com/a.png", "requestId": "r-9", "id": "/bad"}"#
        let invalid = try #require(EventFixtures.invalid(Array(json.utf8)))
        #expect(invalid.requestID == "r-9")
        #expect(invalid.sourceURL == "https://example.com/a.png")
        #expect(!invalid.message.contains("hunter2"))
        #expect(invalid.original.content == .jsonObject(Array(#"{"url":"https://alice:hunter2@example.com/a.png","requestId":"r-9","id":"/bad"}"#.utf8)))

        let text = Array("no json here".utf8)
        let notJSON = try #require(EventFixtures.invalid(text))
        #expect(notJSON.requestID == EventFixtures.source().defaultRequestID)
        #expect(notJSON.sourceURL == nil)
        #expect(notJSON.original.content == .raw(text, truncated: false))
        #expect(notJSON.message.contains("byte 0"))
    }

    @Test("payloads too large to keep whole are truncated")
    func truncation() throws {
        let limits = RequestLimits(maxMessageBytes: 1000, maxPreservedPayloadBytes: 100, truncatedPayloadBytes: 10)
        let big = Array(#"{"url": "https://example.com/a.png", "pad": "\#(String(repeating: "p", count: 2000))"}"#.utf8)
        let tooLarge = try #require(EventFixtures.invalid(big, limits: limits))
        #expect(tooLarge.reason == .messageTooLarge)
        #expect(tooLarge.original.content == .raw(Array(big.prefix(10)), truncated: true))
        #expect(tooLarge.original.size == big.count)
        #expect(!tooLarge.original.isComplete)

        // Parsed, valid, but over the preservation limit: error events would carry a prefix.
        let medium = Array(#"{"url": "https://example.com/a.png", "pad": "\#(String(repeating: "p", count: 200))"}"#.utf8)
        let request = try UploadRequestEvent(decoding: medium, source: EventFixtures.source(), limits: limits)
        #expect(request.original.content == .raw(Array(medium.prefix(10)), truncated: true))
    }

    @Test("Data and byte-array inputs decode alike")
    func dataInput() throws {
        let json = #"{"url": "https://example.com/a.png"}"#
        let a = try UploadRequestEvent(decoding: Data(json.utf8), source: EventFixtures.source())
        let b = try EventFixtures.request(json)
        #expect(a == b)
    }
}

import CloudflareImages
import Foundation

/// One record read from the result or the error topic, parsed only as far as the checker needs.
/// Everything else is left to the schema validation of `value`.
struct OutputEvent: Sendable {
    enum Kind: String, Sendable {
        case result
        case error
    }

    var kind: Kind
    /// Where the event itself was written.
    var coordinate: RecordCoordinate
    var key: Data?
    var headers: [String: String]
    var value: Data

    // Parsed fields; nil when absent or of the wrong type.
    var requestID: String?
    var source: RecordCoordinate?
    var sourceURL: String?
    var attempts: Int?
    var deduplicated: Bool?
    var image: [String: JSONValue]?
    var errorKind: String?
    var errorReason: String?
    var retryable: Bool?
    /// Why the value could not be parsed as a JSON object, if it could not.
    var parseProblem: String?

    init(kind: Kind, coordinate: RecordCoordinate, key: Data?, headers: [String: String], value: Data) {
        self.kind = kind
        self.coordinate = coordinate
        self.key = key
        self.headers = headers
        self.value = value
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: value) else {
            parseProblem = "the value is not a JSON object: \(String(decoding: value.prefix(200), as: UTF8.self))"
            return
        }
        requestID = object["requestId"]?.string
        sourceURL = object["sourceUrl"]?.string
        attempts = object["attempts"]?.integer
        deduplicated = object["deduplicated"]?.bool
        if let source = object["source"]?.object, let topic = source["topic"]?.string,
           let partition = source["partition"]?.integer, let offset = source["offset"]?.integer {
            self.source = RecordCoordinate(topic: topic, partition: Int32(clamping: partition), offset: Int64(offset))
        }
        image = object["image"]?.object
        if let error = object["error"]?.object {
            errorKind = error["kind"]?.string
            errorReason = error["reason"]?.string
            retryable = error["retryable"]?.bool
        }
    }

    var text: String { String(decoding: value, as: UTF8.self) }
}

extension JSONValue {
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    var integer: Int? { if case .number(let n) = self, n.rounded() == n, abs(n) < 1e15 { Int(n) } else { nil } }
    var array: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    var object: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
}

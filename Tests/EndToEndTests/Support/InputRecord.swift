import Foundation

/// Where a record lives: what every output event's `source` must point back at.
struct RecordCoordinate: Hashable, Sendable, Comparable, CustomStringConvertible {
    var topic: String
    var partition: Int32
    var offset: Int64

    var description: String { "\(topic)/\(partition)/\(offset)" }

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.topic, lhs.partition, lhs.offset) < (rhs.topic, rhs.partition, rhs.offset)
    }
}

/// What the test expects as a record's terminal outcome.
enum ExpectedOutcome: Sendable, Equatable, CustomStringConvertible {
    /// A result event.
    case result
    /// An error event of this kind and retryability (and, for refusals before any API call,
    /// this `reason`).
    case error(kind: String, retryable: Bool, reason: String? = nil)

    var description: String {
        switch self {
        case .result: "result"
        case .error(let kind, let retryable, let reason):
            "error(kind: \(kind), retryable: \(retryable)\(reason.map { ", reason: \($0)" } ?? ""))"
        }
    }
}

/// A request record the test produced, as the broker stored it.
struct InputRecord: Sendable {
    var coordinate: RecordCoordinate
    var key: Data?
    var payload: Data
    /// The request ID every event for this record must carry; nil when the test does not know it
    /// (the checker then only requires that the record's events agree).
    var expectedRequestID: String?
    /// The URL as requested, when the payload has one (for the report of uploads per URL).
    var url: String?
    /// nil: any terminal event will do.
    var expected: ExpectedOutcome?
}

/// A request the test wants to produce.
struct RequestSpec: Sendable {
    var payload: Data
    var key: Data?
    /// The partition; nil lets the harness spread records over the partitions.
    var partition: Int32?
    var expectedRequestID: String?
    var url: String?
    var expected: ExpectedOutcome?

    /// A well-formed request with a `requestId` (the usual case).
    static func upload(
        _ url: String, requestID: String, fields: [String: Any] = [:], expected: ExpectedOutcome? = .result
    ) -> RequestSpec {
        var object = fields
        object["url"] = url
        object["requestId"] = requestID
        let payload = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return RequestSpec(payload: payload, key: Data(requestID.utf8), expectedRequestID: requestID, url: url, expected: expected)
    }

    /// Raw bytes (poison or hand-written JSON); its request ID is the record's coordinate unless
    /// the test says otherwise.
    static func raw(_ payload: Data, key: String, expected: ExpectedOutcome?, url: String? = nil) -> RequestSpec {
        RequestSpec(payload: payload, key: Data(key.utf8), expectedRequestID: nil, url: url, expected: expected)
    }

    static func raw(_ text: String, key: String, expected: ExpectedOutcome?, url: String? = nil) -> RequestSpec {
        raw(Data(text.utf8), key: key, expected: expected, url: url)
    }
}

import CloudflareImages

/// The `error` object of an error event: what went wrong, in terms a dead-letter consumer can act
/// on. Also what the idempotency store keeps for a cached permanent failure.
public struct UploadFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var kind: UploadErrorKind
    /// One sentence for people; never contains secrets or URL credentials.
    public var message: String
    /// Whether re-publishing the same request later may succeed.
    public var retryable: Bool
    /// The API's HTTP status, when there was an answer.
    public var httpStatus: Int?
    /// The API's `errors` entries, when there were any.
    public var cloudflareErrors: [APIMessage]
    /// For `invalid_request` found by the worker: `InvalidRequest.Reason`'s raw value.
    public var reason: String?
    /// The request field at fault, when one is.
    public var field: String?

    public init(kind: UploadErrorKind, message: String, retryable: Bool? = nil, httpStatus: Int? = nil, cloudflareErrors: [APIMessage] = [], reason: String? = nil, field: String? = nil) {
        self.kind = kind
        self.message = message
        self.retryable = retryable ?? kind.isRetryableByDefault
        self.httpStatus = httpStatus
        self.cloudflareErrors = cloudflareErrors
        self.reason = reason
        self.field = field
    }

    /// The failure an invalid payload becomes.
    public init(_ invalid: InvalidRequest) {
        self.init(kind: .invalidRequest, message: invalid.message, retryable: false, reason: invalid.reason.rawValue, field: invalid.field)
    }

    public var description: String {
        var text = "\(kind.rawValue): \(message)"
        if let httpStatus { text += " (HTTP \(httpStatus))" }
        if !cloudflareErrors.isEmpty { text += " [" + cloudflareErrors.map { "\($0.code) \($0.message)" }.joined(separator: "; ") + "]" }
        return text
    }

    var json: [UInt8] {
        var w = JSONObjectWriter(capacity: 160)
        w.field("kind", kind.rawValue)
        w.field("reason", reason)
        w.field("field", field)
        w.field("message", message)
        w.field("retryable", retryable)
        w.field("httpStatus", httpStatus)
        var errors: [UInt8] = [UInt8(ascii: "[")]
        for (i, entry) in cloudflareErrors.enumerated() {
            if i > 0 { errors.append(UInt8(ascii: ",")) }
            var e = JSONObjectWriter(capacity: 64)
            e.field("code", entry.code)
            e.field("message", entry.message)
            errors.append(contentsOf: e.finish())
        }
        errors.append(UInt8(ascii: "]"))
        w.field("cloudflareErrors", json: errors)
        return w.finish()
    }
}

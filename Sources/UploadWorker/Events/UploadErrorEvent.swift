import Foundation

/// A request's failed outcome, published to the error topic (the dead-letter topic;
/// schemas/upload-error.v1.schema.json). Keeps the original payload so that the request can be
/// re-published once the cause is fixed.
public struct UploadErrorEvent: Sendable, Hashable {
    /// `event-type` header value.
    public static let eventType = "upload-error"
    /// `schema-version` header value.
    public static let schemaVersion = 1

    /// The request's ID (its own or `<topic>/<partition>/<offset>`).
    public var requestID: String
    /// The source URL without user-info, when the payload had a recognisable one.
    public var sourceURL: String?
    public var error: UploadFailure
    /// API calls made for this request (0 for an invalid request).
    public var attempts: Int
    public var firstAttemptAt: Date?
    public var lastAttemptAt: Date?
    public var source: EventSource
    /// The payload as received.
    public var request: OriginalPayload
    public var failedAt: Date

    public init(requestID: String, sourceURL: String?, error: UploadFailure, attempts: Int, firstAttemptAt: Date?, lastAttemptAt: Date?, source: EventSource, request: OriginalPayload, failedAt: Date = Date()) {
        self.requestID = requestID
        self.sourceURL = sourceURL
        self.error = error
        self.attempts = attempts
        self.firstAttemptAt = firstAttemptAt
        self.lastAttemptAt = lastAttemptAt
        self.source = source
        self.request = request
        self.failedAt = failedAt
    }

    /// The error event of a payload that did not decode or validate.
    public init(invalid: InvalidRequest, failedAt: Date = Date()) {
        self.init(requestID: invalid.requestID, sourceURL: invalid.sourceURL, error: UploadFailure(invalid), attempts: 0,
                  firstAttemptAt: nil, lastAttemptAt: nil, source: invalid.source, request: invalid.original, failedAt: failedAt)
    }

    /// The error event of a valid request whose upload failed.
    public init(request: UploadRequestEvent, failure: UploadFailure, attempts: Int, firstAttemptAt: Date?, lastAttemptAt: Date?, failedAt: Date = Date()) {
        self.init(requestID: request.requestID, sourceURL: request.url.redacted, error: failure, attempts: attempts,
                  firstAttemptAt: firstAttemptAt, lastAttemptAt: lastAttemptAt, source: request.source, request: request.original, failedAt: failedAt)
    }

    /// The JSON value and the headers to publish. Besides the common headers, an error event
    /// carries its kind and its input record's coordinates, so that dead letters can be routed
    /// and traced without parsing.
    public func encoded() -> EncodedEvent {
        var w = JSONObjectWriter(capacity: 512 + request.size * 4 / 3)
        w.field("requestId", requestID)
        w.field("sourceUrl", sourceURL)
        w.field("error", json: error.json)
        w.field("attempts", attempts)
        w.field("firstAttemptAt", firstAttemptAt)
        w.field("lastAttemptAt", lastAttemptAt)
        w.field("source", json: source.json)
        switch request.content {
        case .jsonObject(let json):
            w.field("request", json: json)
        case .raw(let bytes, let truncated):
            w.field("requestBase64", Data(bytes).base64EncodedString())
            if truncated { w.field("requestTruncated", true) }
        }
        w.field("requestSize", request.size)
        w.field("failedAt", failedAt)
        var headers = EventHeader.common(eventType: Self.eventType, schemaVersion: Self.schemaVersion, requestID: requestID)
        headers.append(EventHeader(EventHeader.Name.errorKind, error.kind.rawValue))
        headers.append(EventHeader(EventHeader.Name.sourceTopic, source.topic))
        headers.append(EventHeader(EventHeader.Name.sourcePartition, String(source.partition)))
        headers.append(EventHeader(EventHeader.Name.sourceOffset, String(source.offset)))
        return EncodedEvent(value: w.finish(), headers: headers)
    }
}

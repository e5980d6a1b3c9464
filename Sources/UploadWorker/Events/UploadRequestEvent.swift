import CloudflareImages
import Foundation

/// A valid upload request, decoded from a Kafka record (`init(decoding:source:limits:)`) with
/// every field checked against the API's rules, so that the upload is not refused for anything a
/// worker could have seen. Its field names follow schemas/upload-request.v1.schema.json.
public struct UploadRequestEvent: Sendable, Hashable {
    /// The producer's `requestId`, else `<topic>/<partition>/<offset>`.
    public var requestID: String
    /// The URL to upload, parsed; `url.original` (which may carry credentials) is what the API
    /// fetches, `url.redacted` what events and logs show, `url.idempotencyKey` the store key.
    public var url: SourceURL
    /// The custom image ID (`id`), when the request names one.
    public var customID: String?
    /// `metadata`, an object of at most 1024 bytes in its compact serialized form.
    public var metadata: [String: JSONValue]?
    /// `requireSignedURLs`, when the request says.
    public var requireSignedURLs: Bool?
    /// `creator`, at most 1024 characters.
    public var creator: String?
    /// The record the request came from.
    public var source: EventSource
    /// The payload as received, for error events about this request.
    public var original: OriginalPayload

    public init(requestID: String, url: SourceURL, customID: String? = nil, metadata: [String: JSONValue]? = nil, requireSignedURLs: Bool? = nil, creator: String? = nil, source: EventSource, original: OriginalPayload) {
        self.requestID = requestID
        self.url = url
        self.customID = customID
        self.metadata = metadata
        self.requireSignedURLs = requireSignedURLs
        self.creator = creator
        self.source = source
        self.original = original
    }

    /// The idempotency key of the request's URL.
    public var idempotencyKey: IdempotencyKey { url.idempotencyKey }

    /// Decodes and validates a record's value. Unknown fields are ignored (they stay in
    /// `original`); a `null` optional field counts as absent.
    public init(decoding value: [UInt8], source: EventSource, limits: RequestLimits = .default) throws(InvalidRequest) {
        // withUnsafeBytes rethrows untyped errors: carry the typed one out in a Result.
        let decoded = value.withUnsafeBytes { bytes in
            Result { () throws(InvalidRequest) in try UploadRequestEvent.decode(bytes, source: source, limits: limits) }
        }
        self = try decoded.get()
    }

    /// Decodes and validates a record's value; see `init(decoding:source:limits:)`.
    public init(decoding value: Data, source: EventSource, limits: RequestLimits = .default) throws(InvalidRequest) {
        // withUnsafeBytes rethrows untyped errors: carry the typed one out in a Result.
        let decoded = value.withUnsafeBytes { bytes in
            Result { () throws(InvalidRequest) in try UploadRequestEvent.decode(bytes, source: source, limits: limits) }
        }
        self = try decoded.get()
    }
}

import CloudflareImages
import Foundation

/// A request's successful outcome, published to the result topic
/// (schemas/upload-result.v1.schema.json).
public struct UploadResultEvent: Sendable, Hashable {
    /// `event-type` header value.
    public static let eventType = "upload-result"
    /// `schema-version` header value.
    public static let schemaVersion = 1

    public var requestID: String
    /// The source URL without user-info.
    public var sourceURL: String
    public var image: Image
    /// True when the image came from the idempotency store (or an existing custom ID) and this
    /// request made no upload.
    public var deduplicated: Bool
    /// API calls made for this request: 0 when deduplicated from the store.
    public var attempts: Int
    public var source: EventSource
    public var completedAt: Date

    public init(requestID: String, sourceURL: String, image: Image, deduplicated: Bool, attempts: Int, source: EventSource, completedAt: Date = Date()) {
        self.requestID = requestID
        self.sourceURL = sourceURL
        self.image = image
        self.deduplicated = deduplicated
        self.attempts = attempts
        self.source = source
        self.completedAt = completedAt
    }

    /// The result of `request`.
    public init(request: UploadRequestEvent, image: Image, deduplicated: Bool, attempts: Int, completedAt: Date = Date()) {
        self.init(requestID: request.requestID, sourceURL: request.url.redacted, image: image, deduplicated: deduplicated, attempts: attempts, source: request.source, completedAt: completedAt)
    }

    /// The JSON value and the headers to publish.
    public func encoded() -> EncodedEvent {
        var w = JSONObjectWriter(capacity: 512)
        w.field("requestId", requestID)
        w.field("sourceUrl", sourceURL)
        w.field("deduplicated", deduplicated)
        w.field("attempts", attempts)
        w.field("image", json: UploadResultEvent.json(image))
        w.field("source", json: source.json)
        w.field("completedAt", completedAt)
        return EncodedEvent(
            value: w.finish(),
            headers: EventHeader.common(eventType: Self.eventType, schemaVersion: Self.schemaVersion, requestID: requestID))
    }

    /// The image as result events show it: the API's fields, with the metadata named `metadata`.
    static func json(_ image: Image) -> [UInt8] {
        var w = JSONObjectWriter(capacity: 320)
        w.field("id", image.id)
        w.field("filename", image.filename)
        w.field("uploaded", image.uploaded)
        w.field("requireSignedURLs", image.requireSignedURLs)
        w.field("variants", image.variants)
        if let metadata = image.metadata { w.field("metadata", JSONValue.object(metadata)) }
        w.field("creator", image.creator)
        return w.finish()
    }
}

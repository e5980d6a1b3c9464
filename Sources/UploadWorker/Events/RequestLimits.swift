import CloudflareImages

/// Limits applied when decoding requests and keeping their payloads in error events.
public struct RequestLimits: Sendable, Hashable {
    /// A larger payload is refused without being parsed (`invalid_request`, reason
    /// `message_too_large`). Default: 1 MiB (1,048,576 bytes).
    public var maxMessageBytes: Int
    /// An error event keeps the original payload whole when it is at most this large (base64
    /// makes raw bytes a third larger). Default: 576 KiB, so that an error event stays under
    /// Kafka's default 1 MB message size even for a non-JSON payload.
    public var maxPreservedPayloadBytes: Int
    /// A payload larger than `maxPreservedPayloadBytes` is kept as its first this many bytes,
    /// base64-encoded, with `requestTruncated: true`. Default: 64 KiB.
    public var truncatedPayloadBytes: Int

    /// Cloudflare's limits on the upload's fields (`UploadRequest.Limits`); not configurable
    /// because the API enforces them.
    public static let maxCustomIDCharacters = UploadRequest.Limits.customIDLength
    public static let maxMetadataBytes = UploadRequest.Limits.metadataBytes
    public static let maxCreatorCharacters = UploadRequest.Limits.creatorLength
    /// A request ID travels in headers, logs and metrics labels; longer ones are refused.
    public static let maxRequestIDCharacters = 256

    public init(maxMessageBytes: Int = 1 << 20, maxPreservedPayloadBytes: Int = 576 << 10, truncatedPayloadBytes: Int = 64 << 10) {
        self.maxMessageBytes = maxMessageBytes
        self.maxPreservedPayloadBytes = maxPreservedPayloadBytes
        self.truncatedPayloadBytes = truncatedPayloadBytes
    }

    public static let `default` = RequestLimits()
}

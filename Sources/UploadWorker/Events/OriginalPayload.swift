import Foundation

/// The request payload as an error event keeps it, for re-processing (schemas/README.md):
/// the JSON object as the producer wrote it when the payload was one, otherwise the raw bytes,
/// which the event carries base64-encoded.
public struct OriginalPayload: Sendable, Hashable {
    public enum Content: Sendable, Hashable {
        /// The payload was a JSON object: its text with insignificant whitespace removed, every
        /// other byte (key order, number spelling, unknown fields) as the producer wrote it.
        case jsonObject([UInt8])
        /// The payload was not a JSON object (not JSON, another JSON type, or too large to
        /// parse): its bytes, cut to `RequestLimits.truncatedPayloadBytes` when `truncated`.
        case raw([UInt8], truncated: Bool)
    }

    public var content: Content
    /// The size of the payload as received, in bytes.
    public var size: Int

    public init(content: Content, size: Int) {
        self.content = content
        self.size = size
    }

    /// Raw bytes kept whole when they fit in `limit`, else their first `truncatedTo` bytes.
    static func raw(_ bytes: UnsafeRawBufferPointer, limit: Int, truncatedTo: Int) -> OriginalPayload {
        if bytes.count <= limit {
            return OriginalPayload(content: .raw(Array(bytes), truncated: false), size: bytes.count)
        }
        return OriginalPayload(content: .raw(Array(bytes.prefix(truncatedTo)), truncated: true), size: bytes.count)
    }

    /// Whether the payload is kept whole.
    public var isComplete: Bool {
        if case .raw(_, truncated: true) = content { return false }
        return true
    }
}

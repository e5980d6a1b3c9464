import CloudflareImages
import Foundation

extension UploadResultEvent {
    /// Reads a result event's JSON value back, for consumers and test checkers.
    public init(decoding value: [UInt8]) throws(EventDecodingError) {
        let fields = try EventFields(value, context: "upload-result")
        let image = try fields.nested("image")
        var variants: [String] = []
        for item in try image.array("variants") {
            guard case .string(let variant) = item else { throw image.missing("variants", "an array of strings") }
            variants.append(variant)
        }
        var metadata: [String: JSONValue]?
        if case .object(let m)? = image.object["metadata"] { metadata = m }
        self.init(
            requestID: try fields.string("requestId"),
            sourceURL: try fields.string("sourceUrl"),
            image: Image(
                id: try image.string("id"), filename: try image.optionalString("filename"), uploaded: try image.date("uploaded"),
                requireSignedURLs: try image.bool("requireSignedURLs"), variants: variants, metadata: metadata,
                creator: try image.optionalString("creator")),
            deduplicated: try fields.bool("deduplicated"),
            attempts: try fields.int("attempts"),
            source: try EventSource(fields: try fields.nested("source")),
            completedAt: try fields.date("completedAt"))
    }
}

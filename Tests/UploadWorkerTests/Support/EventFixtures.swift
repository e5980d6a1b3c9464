import CloudflareImages
import Foundation
@testable import UploadWorker

/// Sample inputs shared by the event and store tests.
enum EventFixtures {
    static func source(partition: Int32 = 3, offset: Int64 = 1207, timestamp: Date? = Date(timeIntervalSince1970: 1_796_000_000.5)) -> EventSource {
        EventSource(topic: "image-upload-requests", partition: partition, offset: offset, timestamp: timestamp)
    }

    static func image(id: String = "products/1234/front", metadata: [String: JSONValue]? = ["sku": .string("1234"), "n": .number(2), "ok": .bool(true)]) -> Image {
        Image(
            id: id, filename: "front.png", uploaded: Date(timeIntervalSince1970: 1_796_000_002.481),
            requireSignedURLs: false,
            variants: ["https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/\(id)/public"],
            metadata: metadata, creator: "catalog \"service\"\n")
    }

    static func request(_ json: String, source: EventSource = source(), limits: RequestLimits = .default) throws -> UploadRequestEvent {
        try UploadRequestEvent(decoding: Array(json.utf8), source: source, limits: limits)
    }

    /// The error a payload produces; nil when it decodes.
    static func invalid(_ payload: [UInt8], source: EventSource = source(), limits: RequestLimits = .default) -> InvalidRequest? {
        do {
            _ = try UploadRequestEvent(decoding: payload, source: source, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    /// A JSON object parsed with Foundation, for checking encoder output independently.
    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        let parsed = try JSONSerialization.jsonObject(with: Data(bytes))
        guard let object = parsed as? [String: Any] else { throw CocoaError(.coderReadCorrupt) }
        return object
    }
}

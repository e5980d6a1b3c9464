import CloudflareImages
import Foundation

/// How stored outcomes are written in the `payload` column: the image in the same JSON form as
/// result events show it, the failure as error events show their `error` object. Read back with
/// the worker's own JSON parser, which keeps the duplicate path cheap.
enum StoreCoding {
    static func encode(_ image: Image) -> String {
        String(decoding: UploadResultEvent.json(image), as: UTF8.self)
    }

    static func encode(_ failure: UploadFailure) -> String {
        String(decoding: failure.json, as: UTF8.self)
    }

    static func decodeImage(_ bytes: [UInt8]) throws(IdempotencyStoreError) -> Image {
        let object = try parseObject(bytes)
        guard case .string(let id)? = object["id"],
              case .string(let uploadedText)? = object["uploaded"], let uploaded = EventTimestamp.parse(uploadedText)
        else { throw corrupt("a stored image has no id or upload date") }
        var filename: String?
        if case .string(let f)? = object["filename"] { filename = f }
        var requireSignedURLs = false
        if case .bool(let b)? = object["requireSignedURLs"] { requireSignedURLs = b }
        var variants: [String] = []
        if case .array(let items)? = object["variants"] {
            variants = items.compactMap { if case .string(let s) = $0 { return s } else { return nil } }
        }
        var metadata: [String: JSONValue]?
        if case .object(let m)? = object["metadata"] { metadata = m }
        var creator: String?
        if case .string(let c)? = object["creator"] { creator = c }
        return Image(id: id, filename: filename, uploaded: uploaded, requireSignedURLs: requireSignedURLs, variants: variants, metadata: metadata, creator: creator)
    }

    static func decodeFailure(_ bytes: [UInt8]) throws(IdempotencyStoreError) -> UploadFailure {
        let object = try parseObject(bytes)
        guard case .string(let kindText)? = object["kind"], let kind = UploadErrorKind(rawValue: kindText),
              case .string(let message)? = object["message"]
        else { throw corrupt("a stored failure has no kind or message") }
        var retryable: Bool?
        if case .bool(let b)? = object["retryable"] { retryable = b }
        var httpStatus: Int?
        if case .number(let n)? = object["httpStatus"] { httpStatus = Int(exactly: n) }
        var errors: [APIMessage] = []
        if case .array(let items)? = object["cloudflareErrors"] {
            for case .object(let entry) in items {
                if case .number(let code)? = entry["code"], let code = Int(exactly: code), case .string(let text)? = entry["message"] {
                    errors.append(APIMessage(code: code, message: text))
                }
            }
        }
        var reason: String?
        if case .string(let r)? = object["reason"] { reason = r }
        var field: String?
        if case .string(let f)? = object["field"] { field = f }
        return UploadFailure(kind: kind, message: message, retryable: retryable, httpStatus: httpStatus, cloudflareErrors: errors, reason: reason, field: field)
    }

    private static func parseObject(_ bytes: [UInt8]) throws(IdempotencyStoreError) -> [String: JSONValue] {
        let parsed = bytes.withUnsafeBytes { raw in Result { () throws(JSONParser.Failure) in try JSONParser.parse(raw) } }
        guard case .success(.object(let object)) = parsed else { throw corrupt("a stored payload is not a JSON object") }
        return object
    }

    private static func corrupt(_ message: String) -> IdempotencyStoreError {
        IdempotencyStoreError(.corrupt, "idempotency store: \(message)")
    }
}

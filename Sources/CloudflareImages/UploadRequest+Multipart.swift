import Foundation

extension UploadRequest {
    /// The request as the API's form: `url`, then `id`, `metadata` (compact JSON), 
    /// `requireSignedURLs` (`true`/`false`, always sent) and `creator`, each only when set.
    /// Does not validate; call `validate()` first.
    ///
    /// - Parameter boundary: fixed in tests; by default random, and redrawn should a value contain it.
    public func formData(boundary: String? = nil) -> MultipartFormData {
        var fields: [(String, String)] = [("url", url)]
        if let id { fields.append(("id", id)) }
        if let metadata {
            let json = Self.serializedMetadata(metadata).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            fields.append(("metadata", json))
        }
        fields.append(("requireSignedURLs", requireSignedURLs ? "true" : "false"))
        if let creator { fields.append(("creator", creator)) }

        var form = MultipartFormData(boundary: boundary ?? MultipartFormData.randomBoundary())
        while boundary == nil, fields.contains(where: { form.collides(with: $0.1) }) {
            form = MultipartFormData()
        }
        for (name, value) in fields { form.append(name: name, value: value) }
        return form
    }

    /// Metadata as sent: compact JSON with sorted keys and unescaped `/` (`JSONValue.compactJSONBytes`).
    /// Nil when it holds a non-finite number, which JSON cannot carry.
    public static func serializedMetadata(_ metadata: [String: JSONValue]) -> [UInt8]? {
        JSONValue.object(metadata).compactJSONBytes
    }
}

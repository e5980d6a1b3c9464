import CloudflareImages

/// The API's rules for the fields of an upload (reference: cloudflare-images-api.md), checked
/// before the upload so that a request the API would refuse never costs an API call.
///
/// Kept in one place on purpose: `CloudflareImages.UploadRequest.validate()` will own these rules,
/// and then these functions delegate to it.
enum UploadFieldRules {
    /// Nil when `id` is a valid custom image ID, else why not.
    static func customIDProblem(_ id: String) -> String? {
        if id.isEmpty { return "the custom image ID (id) must not be empty" }
        if id.unicodeScalars.count > RequestLimits.maxCustomIDCharacters {
            return "the custom image ID (id) has \(id.unicodeScalars.count) characters; at most \(RequestLimits.maxCustomIDCharacters) are allowed"
        }
        if id.hasPrefix("/") || id.hasSuffix("/") { return "the custom image ID (id) must not start or end with '/'" }
        if isUUID(id) { return "the custom image ID (id) must not be a UUID" }
        if id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "the custom image ID (id) must not contain control characters"
        }
        return nil
    }

    /// Nil when a custom ID and `requireSignedURLs` can go together, else why not.
    static func signedURLsProblem(customID: String?, requireSignedURLs: Bool?) -> String? {
        customID != nil && requireSignedURLs == true
            ? "a custom image ID (id) cannot be combined with requireSignedURLs: true" : nil
    }

    /// Nil when the metadata fits, else why not. Measured on the form the client sends
    /// (`JSONValue.jsonString`: compact, sorted keys). That goes through JSONEncoder, which is
    /// slow, so small metadata is first measured with the events' writer, whose output is never
    /// shorter by more than a few bytes (it writes \b and \f as \u0008 and \u000c, and numbers
    /// the same way).
    static func metadataProblem(_ metadata: [String: JSONValue]) -> String? {
        var quick: [UInt8] = []
        JSONObjectWriter.append(.object(metadata), to: &quick)
        if quick.count <= RequestLimits.maxMetadataBytes - 64 { return nil }
        let size = JSONValue.object(metadata).jsonString.utf8.count
        return size > RequestLimits.maxMetadataBytes
            ? "metadata is \(size) bytes serialized; at most \(RequestLimits.maxMetadataBytes) are allowed" : nil
    }

    /// Nil when the creator fits, else why not.
    static func creatorProblem(_ creator: String) -> String? {
        creator.unicodeScalars.count > RequestLimits.maxCreatorCharacters
            ? "creator has \(creator.unicodeScalars.count) characters; at most \(RequestLimits.maxCreatorCharacters) are allowed" : nil
    }

    /// 8-4-4-4-12 hexadecimal digits, any case: the shape the API refuses as a custom ID.
    static func isUUID(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard utf8.count == 36 else { return false }
        for (i, byte) in utf8.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if byte != UInt8(ascii: "-") { return false }
            } else if !((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)) {
                return false
            }
        }
        return true
    }
}

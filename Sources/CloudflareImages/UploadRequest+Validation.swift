import Foundation

// What the API would certainly reject, checked before sending so that an invalid request spends
// no rate-limit budget. Only documented rules are checked: a rule we are unsure of would turn a
// request the API accepts into a permanent failure, while a rule we miss costs one API call that
// comes back as `invalid_request` anyway. Hence no check of "non-image file name extensions" in
// custom IDs: which extensions count, and how an extension is recognised, is not documented.
extension UploadRequest {
    /// Throws `invalidRequest` naming every problem found, or returns when the API would accept
    /// the request as far as the documented rules go.
    public func validate() throws(ImagesAPIError) {
        let problems = validationProblems()
        guard problems.isEmpty else {
            throw .invalidRequest(.upload, problems.joined(separator: "; "))
        }
    }

    /// Every rule the request breaks, one sentence each; empty when valid.
    public func validationProblems() -> [String] {
        var problems: [String] = []
        if let problem = Self.urlProblem(url) { problems.append(problem) }
        if let id {
            problems.append(contentsOf: Self.customIDProblems(id))
            if requireSignedURLs {
                problems.append("a custom ID cannot be combined with requireSignedURLs=true")
            }
        }
        if let metadata, let problem = Self.metadataProblem(metadata) { problems.append(problem) }
        if let creator, let problem = Self.creatorProblem(creator) { problems.append(problem) }
        return problems
    }

    // The rules one field at a time, for callers that report per field (the worker's events).

    /// Nil when the metadata fits in 1024 bytes as sent; otherwise why not.
    public static func metadataProblem(_ metadata: [String: JSONValue]) -> String? {
        guard let bytes = serializedMetadata(metadata) else {
            return "metadata contains a number JSON cannot carry (NaN or infinity)"
        }
        guard bytes.count > Limits.metadataBytes else { return nil }
        return "metadata is \(bytes.count) bytes serialized, more than the \(Limits.metadataBytes) allowed"
    }

    /// Nil when the creator fits in 1024 characters; otherwise why not.
    public static func creatorProblem(_ creator: String) -> String? {
        let count = creator.unicodeScalars.count
        return count > Limits.creatorLength ? "creator is \(count) characters, more than the \(Limits.creatorLength) allowed" : nil
    }

    /// Nil when the URL is an absolute http/https URL with a host; otherwise why not. The message
    /// never repeats the URL (it may carry credentials).
    public static func urlProblem(_ url: String) -> String? {
        if url.isEmpty { return "url is empty" }
        if url.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "url contains control characters"
        }
        guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased() else {
            return "url is not a valid absolute URL"
        }
        guard scheme == "http" || scheme == "https" else {
            return "url scheme must be http or https, not \(scheme.prefix(20))"
        }
        guard let host = parsed.host, !host.isEmpty else { return "url has no host" }
        if let port = parsed.port, !(1...65535).contains(port) { return "url port \(port) is out of range" }
        return nil
    }

    /// The documented custom ID rules: at most 1024 characters, not starting or ending with `/`,
    /// not a UUID.
    public static func customIDProblems(_ id: String) -> [String] {
        var problems: [String] = []
        if id.isEmpty { problems.append("custom ID is empty") }
        if id.unicodeScalars.count > Limits.customIDLength {
            problems.append("custom ID is \(id.unicodeScalars.count) characters, more than the \(Limits.customIDLength) allowed")
        }
        if id.hasPrefix("/") || id.hasSuffix("/") { problems.append("custom ID must not start or end with /") }
        if isUUID(id) { problems.append("custom ID must not be a UUID") }
        return problems
    }

    /// The canonical 8-4-4-4-12 hexadecimal form, any version or variant, any case (Cloudflare's
    /// own generated IDs are not always valid RFC 4122 UUIDs, so neither are the ones it refuses).
    public static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                if b != UInt8(ascii: "-") { return false }
            } else if !((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)) {
                return false
            }
        }
        return true
    }
}

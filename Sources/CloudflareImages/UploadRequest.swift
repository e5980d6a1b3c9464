/// One "upload via URL" call: the form fields the API takes (`file` uploads are not supported).
public struct UploadRequest: Sendable, Hashable {
    /// The image URL Cloudflare fetches; http or https, may carry `user:password@` credentials.
    public var url: String
    /// Optional custom image ID (see `validate()` for the rules). Nil: Cloudflare generates one.
    public var id: String?
    /// Optional metadata, sent as a compact JSON string of at most 1024 bytes.
    public var metadata: [String: JSONValue]?
    /// Whether the image is served only through signed URLs. Default: false.
    public var requireSignedURLs: Bool
    /// Optional creator, at most 1024 characters.
    public var creator: String?

    public init(url: String, id: String? = nil, metadata: [String: JSONValue]? = nil, requireSignedURLs: Bool = false, creator: String? = nil) {
        self.url = url
        self.id = id
        self.metadata = metadata
        self.requireSignedURLs = requireSignedURLs
        self.creator = creator
    }
}

extension UploadRequest {
    /// The API's documented limits.
    public enum Limits {
        /// Custom ID length, in Unicode scalars.
        public static let customIDLength = 1024
        /// Serialized metadata, in UTF-8 bytes.
        public static let metadataBytes = 1024
        /// Creator length, in Unicode scalars.
        public static let creatorLength = 1024
    }
}

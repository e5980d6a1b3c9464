import Foundation

/// An image stored by Cloudflare Images, as the API's `result` object describes it.
public struct Image: Sendable, Hashable, Codable {
    public var id: String
    public var filename: String?
    public var uploaded: Date
    public var requireSignedURLs: Bool
    public var variants: [String]
    /// The API names this `meta`; older documentation examples say `metadata` (both are decoded).
    public var metadata: [String: JSONValue]?
    public var creator: String?

    public init(id: String, filename: String?, uploaded: Date, requireSignedURLs: Bool, variants: [String], metadata: [String: JSONValue]?, creator: String?) {
        self.id = id
        self.filename = filename
        self.uploaded = uploaded
        self.requireSignedURLs = requireSignedURLs
        self.variants = variants
        self.metadata = metadata
        self.creator = creator
    }

    enum CodingKeys: String, CodingKey {
        case id, filename, uploaded, requireSignedURLs, variants, meta, metadata, creator
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        filename = try c.decodeIfPresent(String.self, forKey: .filename)
        let uploadedText = try c.decode(String.self, forKey: .uploaded)
        guard let date = CloudflareDate.parse(uploadedText) else {
            throw DecodingError.dataCorruptedError(forKey: .uploaded, in: c, debugDescription: "not an ISO-8601 date: \(uploadedText)")
        }
        uploaded = date
        requireSignedURLs = try c.decodeIfPresent(Bool.self, forKey: .requireSignedURLs) ?? false
        variants = try c.decodeIfPresent([String].self, forKey: .variants) ?? []
        metadata = try c.decodeIfPresent([String: JSONValue].self, forKey: .meta)
            ?? c.decodeIfPresent([String: JSONValue].self, forKey: .metadata)
        creator = try c.decodeIfPresent(String.self, forKey: .creator)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(filename, forKey: .filename)
        try c.encode(CloudflareDate.format(uploaded), forKey: .uploaded)
        try c.encode(requireSignedURLs, forKey: .requireSignedURLs)
        try c.encode(variants, forKey: .variants)
        try c.encodeIfPresent(metadata, forKey: .meta)
        try c.encodeIfPresent(creator, forKey: .creator)
    }
}

/// What reached the emulator since start or the last reset (`GET /__emulator/stats`).
public struct EmulatorStats: Sendable, Equatable, Codable {
    /// Images created, per source URL (normalized: scheme and host lower-cased, default port,
    /// fragment and credentials removed).
    public var uploads: [String: Int] = [:]
    /// Upload requests that named a URL and got past authentication and rate limiting, per
    /// source URL, whatever their outcome.
    public var uploadAttempts: [String: Int] = [:]
    /// Images created from a `file` field.
    public var fileUploads: Int = 0
    /// API answers per HTTP status (`"200"`, `"429"`...); `"dropped"` counts connections closed
    /// without an answer.
    public var responses: [String: Int] = [:]
    /// Images held now.
    public var images: Int = 0
    /// Requests served by the built-in origin, over HTTP or in process.
    public var originRequests: Int = 0

    public init() {}

    /// Images created in all (URL and file uploads).
    public var totalUploads: Int { uploads.values.reduce(0, +) + fileUploads }

    /// URLs that were uploaded more than once (what the demo checks never happens).
    public var duplicateUploads: [String: Int] { uploads.filter { $0.value > 1 } }

    enum CodingKeys: String, CodingKey {
        case uploads, uploadAttempts = "upload_attempts", fileUploads = "file_uploads", responses, images
        case originRequests = "origin_requests"
    }

    /// Reads `GET /__emulator/stats`, with or without the per-URL maps.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        uploads = try c.decodeIfPresent([String: Int].self, forKey: .uploads) ?? [:]
        uploadAttempts = try c.decodeIfPresent([String: Int].self, forKey: .uploadAttempts) ?? [:]
        fileUploads = try c.decodeIfPresent(Int.self, forKey: .fileUploads) ?? 0
        responses = try c.decodeIfPresent([String: Int].self, forKey: .responses) ?? [:]
        images = try c.decodeIfPresent(Int.self, forKey: .images) ?? 0
        originRequests = try c.decodeIfPresent(Int.self, forKey: .originRequests) ?? 0
    }
}

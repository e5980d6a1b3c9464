import CloudflareImages

/// The rules for the fields of an upload, checked while decoding a request so that a request
/// the API would refuse never costs an API call. The API's own rules have one home,
/// `CloudflareImages.UploadRequest` (its `validate()` applies the same functions before
/// sending); this type only adds the worker's input hygiene (no control characters in a custom
/// ID, which would end up in logs, headers and URL paths).
enum UploadFieldRules {
    /// Nil when `id` is a valid custom image ID, else why not.
    static func customIDProblem(_ id: String) -> String? {
        if let problem = UploadRequest.customIDProblems(id).first { return problem }
        if id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "custom ID must not contain control characters"
        }
        return nil
    }

    /// Nil when a custom ID and `requireSignedURLs` can go together, else why not.
    static func signedURLsProblem(customID: String?, requireSignedURLs: Bool?) -> String? {
        UploadRequest.signedURLsProblem(customID: customID, requireSignedURLs: requireSignedURLs ?? false)
    }

    /// Nil when the metadata fits, else why not (measured on the bytes the client sends).
    static func metadataProblem(_ metadata: [String: JSONValue]) -> String? {
        UploadRequest.metadataProblem(metadata)
    }

    /// Nil when the creator fits, else why not.
    static func creatorProblem(_ creator: String) -> String? {
        UploadRequest.creatorProblem(creator)
    }

    /// 8-4-4-4-12 hexadecimal digits, any case: the shape the API refuses as a custom ID.
    static func isUUID(_ text: String) -> Bool {
        UploadRequest.isUUID(text)
    }
}

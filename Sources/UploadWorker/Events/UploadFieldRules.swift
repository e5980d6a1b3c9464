import CloudflareImages

/// The API's rules for the fields of an upload, checked while decoding a request so that a request
/// the API would refuse never costs an API call, and so that the error names the field at fault.
///
/// The rules themselves live in one place, `CloudflareImages.UploadRequest.validationProblems()`;
/// these functions ask it about one field at a time (the other fields left valid), which tells
/// which field a problem belongs to.
enum UploadFieldRules {
    /// A URL every rule accepts, for checking one other field at a time.
    private static let validURL = "https://example.com/image.png"

    /// Nil when the URL passes the client's own check, else why not. Runs after `SourceURL`,
    /// which is stricter, so that nothing the client would refuse is ever sent to it.
    static func urlProblem(_ url: String) -> String? {
        joined(UploadRequest(url: url).validationProblems())
    }

    /// Nil when `id` is a valid custom image ID, else why not.
    static func customIDProblem(_ id: String) -> String? {
        joined(UploadRequest(url: validURL, id: id).validationProblems())
    }

    /// Nil when a custom ID and `requireSignedURLs` can go together, else why not.
    static func signedURLsProblem(customID: String?, requireSignedURLs: Bool?) -> String? {
        guard let customID, requireSignedURLs == true, customIDProblem(customID) == nil else { return nil }
        return joined(UploadRequest(url: validURL, id: customID, requireSignedURLs: true).validationProblems())
    }

    /// Nil when the metadata fits (measured as the client sends it), else why not.
    static func metadataProblem(_ metadata: [String: JSONValue]) -> String? {
        joined(UploadRequest(url: validURL, metadata: metadata).validationProblems())
    }

    /// Nil when the creator fits, else why not.
    static func creatorProblem(_ creator: String) -> String? {
        joined(UploadRequest(url: validURL, creator: creator).validationProblems())
    }

    private static func joined(_ problems: [String]) -> String? {
        problems.isEmpty ? nil : problems.joined(separator: "; ")
    }
}

import CloudflareImages

extension UploadRequestEvent {
    /// The API call for this request: the URL as given (credentials included: Cloudflare needs
    /// them), and the request's fields. `derivedID` (for `IMAGE_ID_MODE=source-hash`, usually
    /// `idempotencyKey.derivedImageID`) is used only when the request names no ID of its own and
    /// does not ask for signed URLs, which a custom ID cannot have.
    public func uploadRequest(derivedID: String? = nil) -> UploadRequest {
        var id = customID
        if id == nil, requireSignedURLs != true { id = derivedID }
        return UploadRequest(url: url.original, id: id, metadata: metadata, requireSignedURLs: requireSignedURLs ?? false, creator: creator)
    }
}

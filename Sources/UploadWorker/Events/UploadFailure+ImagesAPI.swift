import CloudflareImages

extension UploadFailure {
    /// The `error` object for a failed API call: its kind, message, status and Cloudflare's
    /// errors; retryable as the kind says.
    public init(_ error: ImagesAPIError) {
        self.init(kind: error.kind, message: error.message, retryable: error.isRetryable,
                  httpStatus: error.httpStatus, cloudflareErrors: error.errors)
    }
}

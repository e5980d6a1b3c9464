import CloudflareImages

extension UploadErrorKind {
    /// The event kind of an API error kind (the raw values are the same).
    public init(_ kind: ImagesAPIError.Kind) {
        switch kind {
        case .invalidRequest: self = .invalidRequest
        case .sourceRejected: self = .sourceRejected
        case .alreadyExists: self = .alreadyExists
        case .rateLimited: self = .rateLimited
        case .unauthorized: self = .unauthorized
        case .notFound: self = .notFound
        case .transient: self = .transient
        }
    }
}

extension UploadFailure {
    /// The `error` object for a failed API call: its kind, message, status and Cloudflare's
    /// errors; retryable as the kind says.
    public init(_ error: ImagesAPIError) {
        self.init(kind: UploadErrorKind(error.kind), message: error.message, retryable: error.isRetryable,
                  httpStatus: error.httpStatus, cloudflareErrors: error.errors)
    }
}

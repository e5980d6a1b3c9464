import HTTPClient

// The one table that turns what came back (a Cloudflare code, an HTTP status, or no answer at all)
// into a kind. Classification is by meaning (reference: cloudflare-images-api.md): origin and
// content errors are the request's fault and permanent; 429, 5xx and transport failures are
// transient; 5409 means the custom ID's image is already there. Tests check every row.
extension ImagesAPIError.Kind {
    /// Cloudflare error codes with a known meaning. A code decides over the HTTP status because the
    /// statuses of most codes are unconfirmed (origin failures come back as "some 4xx").
    public static let byCloudflareCode: [Int: ImagesAPIError.Kind] = {
        var table: [Int: ImagesAPIError.Kind] = [
            10000: .unauthorized,  // Authentication error: bad token (401) or missing permission (403)
            6003: .unauthorized,  // Invalid request headers (comes with 6111)
            6111: .unauthorized,  // Invalid format of the Authorization header: a token problem
            971: .rateLimited,  // "Please wait and consider throttling your request speed"
            5400: .invalidRequest,  // Bad request
            5403: .unauthorized,  // Account not authorized for Images (not enabled)
            5404: .notFound,  // Image not found
            5408: .transient,  // Upload too slow / timed out: may pass on another try
            5409: .alreadyExists,  // Resource already exists (custom ID taken)
            5410: .invalidRequest,  // Custom ID image cannot be made private
            5411: .invalidRequest,  // Custom ID invalid (UUID, non-image extension...)
            5413: .sourceRejected,  // Image larger than 10 MB
            5415: .invalidRequest,  // Not multipart/form-data
            5443: .sourceRejected,  // Animated image over the pixel limit
            5454: .sourceRejected,  // Fetching the URL failed (origin error, unreachable, refused)
            5455: .sourceRejected,  // Content is not a supported image format
            9422: .sourceRejected,  // Image could not be decoded
            5500: .transient,  // Internal error
            5503: .transient,  // Service unavailable
            7000: .notFound,  // No route for the URI (on upload: wrong base URL or account ID)
            7003: .notFound,  // Object identifier invalid (on upload: the account ID)
        ]
        for storageError in 5540...5550 { table[storageError] = .transient }  // storage errors
        return table
    }()

    /// What an HTTP status means when no known code decides.
    public static func forHTTPStatus(_ status: Int) -> ImagesAPIError.Kind {
        switch status {
        case 401, 403: return .unauthorized
        case 404: return .notFound
        case 408: return .transient
        case 409: return .alreadyExists  // Conflict: the custom ID is taken
        case 413: return .sourceRejected  // the fetched image is too large
        case 429: return .rateLimited
        case 400..<500: return .invalidRequest  // unknown 4xx: the request's fault, permanent
        case 500..<600: return .transient
        default: return .transient  // 1xx/3xx, or a 2xx without a usable result: a garbled answer
        }
    }

    /// What a failure without an HTTP response means.
    public static func forTransportFailure(_ failure: HTTPClientError.Kind) -> ImagesAPIError.Kind {
        switch failure {
        case .timedOut, .connectionFailed, .responseTooLarge, .shutdown, .other: return .transient
        // The client builds every URL itself from its configuration, so an unusable URL is a
        // configuration problem that no record can get past.
        case .invalidURL: return .unauthorized
        }
    }

    /// The kind of a failed call. Precedence: no response -> transport table; HTTP 429 -> rate
    /// limited (whatever the body says, the account must wait); the first known Cloudflare code;
    /// then the HTTP status.
    public static func classify(httpStatus: Int?, errors: [APIMessage], transportFailure: HTTPClientError.Kind? = nil) -> ImagesAPIError.Kind {
        if let transportFailure { return forTransportFailure(transportFailure) }
        if httpStatus == 429 { return .rateLimited }
        for error in errors {
            guard let kind = byCloudflareCode[error.code] else { continue }
            // 5400 "Bad request" is also the answer for an image over the dimension limits; that
            // is the source's fault (the same fate, but the right label).
            if error.code == 5400, mentionsImageLimits(error.message) { return .sourceRejected }
            return kind
        }
        guard let httpStatus else { return .transient }
        return forHTTPStatus(httpStatus)
    }

    /// The same, by codes alone.
    public static func classify(httpStatus: Int?, codes: [Int], transportFailure: HTTPClientError.Kind? = nil) -> ImagesAPIError.Kind {
        classify(httpStatus: httpStatus, errors: codes.map { APIMessage(code: $0, message: "") }, transportFailure: transportFailure)
    }

    static func mentionsImageLimits(_ message: String) -> Bool {
        let lower = message.lowercased()
        return lower.contains("dimension") || lower.contains("pixel")
    }
}

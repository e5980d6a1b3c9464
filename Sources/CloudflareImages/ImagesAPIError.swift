import HTTPClient

/// Why a call to Cloudflare Images failed, with what the caller needs to decide the record's fate.
///
/// The kind comes from the one table in `ImagesAPIError+Classification.swift`; see
/// docs/cloudflare-images.md for what the worker does with each kind.
public struct ImagesAPIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, by meaning. Raw values are snake_case: they are metric labels and the
    /// `kind` of error events.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
        /// The request itself is invalid (bad URL, custom ID, metadata...): retrying will not help.
        case invalidRequest = "invalid_request"
        /// The source was rejected: the origin failed or was unreachable, the bytes are not an
        /// image, too large, or undecodable. Retrying will not help.
        case sourceRejected = "source_rejected"
        /// The custom ID is taken (5409): the image is already there; fetch it with `image(id:)`.
        case alreadyExists = "already_exists"
        /// The account's rate limit is spent (429 / 971): wait `retryAfter`, for every upload.
        case rateLimited = "rate_limited"
        /// Authentication or account configuration is wrong (401/403/10000, Images not enabled,
        /// malformed Authorization header, unusable client configuration): an operator must act.
        case unauthorized
        /// The image (or, on upload, the account or route) does not exist.
        case notFound = "not_found"
        /// 5xx, timeouts, connection failures, garbled answers: retrying may succeed.
        case transient

        /// Whether the same request may succeed if sent again later.
        public var isRetryable: Bool {
            switch self {
            case .rateLimited, .transient: return true
            case .invalidRequest, .sourceRejected, .alreadyExists, .unauthorized, .notFound: return false
            }
        }

        public var description: String { rawValue }
    }

    /// The call that failed.
    public enum Operation: String, Sendable, Hashable, Codable {
        case upload
        case imageDetails = "image_details"
    }

    public var kind: Kind
    public var operation: Operation
    /// The HTTP status, or nil when no response arrived (transport failure) or nothing was sent
    /// (validation failure).
    public var httpStatus: Int?
    /// Cloudflare's `errors` (for a plain-text body, the code found in it, if any).
    public var errors: [APIMessage]
    /// A short human-readable explanation; never contains the API token.
    public var message: String
    /// How long to wait before the next call: `Retry-After`, or for a 429 without it the
    /// `Ratelimit` reset time. Nil when the answer gave no hint.
    public var retryAfter: Duration?
    /// The rate-limit headers of the failed response, if any.
    public var rateLimit: RateLimitStatus?
    /// Set when no HTTP response arrived.
    public var transportFailure: HTTPClientError.Kind?

    public init(
        kind: Kind, operation: Operation, httpStatus: Int? = nil, errors: [APIMessage] = [], message: String,
        retryAfter: Duration? = nil, rateLimit: RateLimitStatus? = nil, transportFailure: HTTPClientError.Kind? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.httpStatus = httpStatus
        self.errors = errors
        self.message = message
        self.retryAfter = retryAfter
        self.rateLimit = rateLimit
        self.transportFailure = transportFailure
    }

    /// Whether sending the same request again later may succeed.
    public var isRetryable: Bool { kind.isRetryable }

    /// Cloudflare's error codes, in the order given.
    public var codes: [Int] { errors.map(\.code) }

    /// True when no record can succeed until an operator fixes something: bad credentials, or an
    /// upload answered "not found" (a wrong account ID or base URL). The worker stops taking
    /// records instead of dead-lettering every one of them.
    public var isConfigurationProblem: Bool {
        kind == .unauthorized || (kind == .notFound && operation == .upload)
    }

    public var description: String {
        var parts = [kind.rawValue]
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if !errors.isEmpty { parts.append("codes " + codes.map(String.init).joined(separator: ",")) }
        if let transportFailure { parts.append(transportFailure.rawValue) }
        return "\(operation.rawValue) failed (\(parts.joined(separator: ", "))): \(message)"
    }
}

extension ImagesAPIError {
    /// A request rejected before sending (it spent no rate-limit budget).
    static func invalidRequest(_ operation: Operation, _ message: String) -> ImagesAPIError {
        ImagesAPIError(kind: .invalidRequest, operation: operation, message: message)
    }
}

/// The kind of an error event, the first thing a dead-letter consumer routes on. Raw values are
/// the snake_case names used in events and metric labels; they match `ImagesAPIError.Kind`
/// (invalidRequest, sourceRejected, alreadyExists, rateLimited, unauthorized, notFound, transient).
public enum UploadErrorKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The request itself is wrong (bad payload, or the API refused its fields). Not retryable.
    case invalidRequest = "invalid_request"
    /// The API could not use the source: the origin failed or answered something that is not a
    /// supported image, or the image is too large. Retrying the same URL will not help.
    case sourceRejected = "source_rejected"
    /// The custom image ID is taken by another image and the worker could not resolve it.
    case alreadyExists = "already_exists"
    /// The account's rate limit held until the request ran out of attempts or time. Retryable.
    case rateLimited = "rate_limited"
    /// The API token is missing the permission or wrong. A configuration problem: the worker
    /// stops taking records rather than dead-lettering them all.
    case unauthorized
    /// The image or the account route was not found.
    case notFound = "not_found"
    /// Server errors, timeouts and transport failures that outlasted the retries. Retryable.
    case transient

    /// Whether re-publishing the request later may succeed without changing it.
    public var isRetryableByDefault: Bool {
        switch self {
        case .rateLimited, .transient: return true
        case .invalidRequest, .sourceRejected, .alreadyExists, .unauthorized, .notFound: return false
        }
    }

    public var description: String { rawValue }
}

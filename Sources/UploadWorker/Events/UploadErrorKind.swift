import CloudflareImages

/// The kind of an error event, the first thing a dead-letter consumer routes on. The same seven
/// kinds as the Images client's errors (invalid_request, source_rejected, already_exists,
/// rate_limited, unauthorized, not_found, transient): an API failure keeps its kind in the event,
/// and a payload that is not a valid request is an `invalid_request`. Raw values are the
/// snake_case names used in events and metric labels.
public typealias UploadErrorKind = ImagesAPIError.Kind

extension UploadErrorKind {
    /// Whether re-publishing the request later may succeed without changing it: the event's
    /// `retryable` unless the failure says otherwise.
    public var isRetryableByDefault: Bool { isRetryable }
}

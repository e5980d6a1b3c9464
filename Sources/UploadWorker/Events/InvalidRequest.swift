/// Why a request payload cannot be uploaded. Becomes an error event of kind `invalid_request`
/// that keeps the payload (`UploadErrorEvent(invalid:)`); it never stops the worker.
public struct InvalidRequest: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong, fit for a metric label (the raw value is snake_case, as in events).
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        case messageTooLarge = "message_too_large"
        case notJSON = "not_json"
        case notAnObject = "not_an_object"
        case missingField = "missing_field"
        case wrongType = "wrong_type"
        case invalidURL = "invalid_url"
        case unsupportedScheme = "unsupported_scheme"
        case invalidRequestID = "invalid_request_id"
        case metadataTooLarge = "metadata_too_large"
        case invalidCustomID = "invalid_custom_id"
        case customIDWithSignedURLs = "custom_id_with_signed_urls"
        case creatorTooLong = "creator_too_long"
    }

    public var reason: Reason
    /// The request field at fault (`url`, `metadata`...), nil when the payload as a whole is.
    public var field: String?
    /// One sentence for people; never contains URL credentials.
    public var message: String
    /// The request's own ID when it had a valid one, else `<topic>/<partition>/<offset>`.
    public var requestID: String
    /// The URL without user-info, when the payload had a recognisable one.
    public var sourceURL: String?
    public var source: EventSource
    /// The payload, kept for re-processing.
    public var original: OriginalPayload

    public init(reason: Reason, field: String?, message: String, requestID: String, sourceURL: String?, source: EventSource, original: OriginalPayload) {
        self.reason = reason
        self.field = field
        self.message = message
        self.requestID = requestID
        self.sourceURL = sourceURL
        self.source = source
        self.original = original
    }

    public var description: String { "invalid request \(requestID) (\(reason.rawValue)): \(message)" }
}

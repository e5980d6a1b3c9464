import CloudflareImages
import Foundation

extension UploadErrorEvent {
    /// Reads an error event's JSON value back, for consumers and test checkers. A kept `request`
    /// object comes back re-serialized (compact, sorted keys), not byte for byte.
    public init(decoding value: [UInt8]) throws(EventDecodingError) {
        let fields = try EventFields(value, context: "upload-error")
        let error = try fields.nested("error")
        guard let kind = UploadErrorKind(rawValue: try error.string("kind")) else { throw error.missing("kind", "a known kind") }
        var cloudflareErrors: [APIMessage] = []
        for item in try error.array("cloudflareErrors") {
            guard case .object(let entry) = item else { throw error.missing("cloudflareErrors", "an array of objects") }
            let e = EventFields(entry, context: error.context + ".cloudflareErrors[]")
            cloudflareErrors.append(APIMessage(code: try e.int("code"), message: try e.string("message")))
        }
        let failure = UploadFailure(
            kind: kind, message: try error.string("message"), retryable: try error.bool("retryable"),
            httpStatus: try error.optionalInt("httpStatus"), cloudflareErrors: cloudflareErrors,
            reason: try error.optionalString("reason"), field: try error.optionalString("field"))

        let size = try fields.int("requestSize")
        let request: OriginalPayload
        if case .object(let object)? = fields.object["request"] {
            var bytes: [UInt8] = []
            JSONObjectWriter.append(.object(object), to: &bytes)
            request = OriginalPayload(content: .jsonObject(bytes), size: size)
        } else if let base64 = try fields.optionalString("requestBase64") {
            guard let data = Data(base64Encoded: base64) else { throw fields.missing("requestBase64", "base64") }
            let truncated = fields.object["requestTruncated"] == .bool(true)
            request = OriginalPayload(content: .raw(Array(data), truncated: truncated), size: size)
        } else {
            throw EventDecodingError("upload-error has neither request nor requestBase64")
        }

        self.init(
            requestID: try fields.string("requestId"),
            sourceURL: try fields.optionalString("sourceUrl"),
            error: failure,
            attempts: try fields.int("attempts"),
            firstAttemptAt: try fields.optionalDate("firstAttemptAt"),
            lastAttemptAt: try fields.optionalDate("lastAttemptAt"),
            source: try EventSource(fields: try fields.nested("source")),
            request: request,
            failedAt: try fields.date("failedAt"))
    }
}

import CloudflareImages

extension UploadRequestEvent {
    /// The request's fields, named as in the schema.
    enum Field {
        static let url = "url"
        static let requestID = "requestId"
        static let customID = "id"
        static let metadata = "metadata"
        static let requireSignedURLs = "requireSignedURLs"
        static let creator = "creator"
    }

    static func decode(_ bytes: UnsafeRawBufferPointer, source: EventSource, limits: RequestLimits) throws(InvalidRequest) -> UploadRequestEvent {
        func invalid(_ reason: InvalidRequest.Reason, _ field: String?, _ message: String, original: OriginalPayload, requestID: String? = nil, sourceURL: String? = nil) -> InvalidRequest {
            InvalidRequest(reason: reason, field: field, message: message, requestID: requestID ?? source.defaultRequestID, sourceURL: sourceURL, source: source, original: original)
        }
        func rawPayload() -> OriginalPayload {
            .raw(bytes, limit: limits.maxPreservedPayloadBytes, truncatedTo: limits.truncatedPayloadBytes)
        }

        if bytes.count > limits.maxMessageBytes {
            throw invalid(.messageTooLarge, nil, "the message is \(bytes.count) bytes; at most \(limits.maxMessageBytes) are accepted", original: rawPayload())
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            let what = bytes.isEmpty ? "the message is empty" : "the message is not JSON: \(error.message) at byte \(error.offset)"
            throw invalid(.notJSON, nil, what, original: rawPayload())
        }
        guard case .object(let object) = value else {
            throw invalid(.notAnObject, nil, "the message is JSON but not an object (it is \(value.typeName))", original: rawPayload())
        }
        let original = bytes.count <= limits.maxPreservedPayloadBytes
            ? OriginalPayload(content: .jsonObject(JSONMinifier.minify(bytes)), size: bytes.count)
            : rawPayload()

        // The request ID and the URL first: every later error can then name them.
        var requestID: String?
        switch object[Field.requestID] {
        case nil, .null?: break
        case .string(let id)?:
            if id.isEmpty || id.unicodeScalars.count > RequestLimits.maxRequestIDCharacters || id.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw invalid(.invalidRequestID, Field.requestID, "requestId must be 1 to \(RequestLimits.maxRequestIDCharacters) characters without control characters", original: original)
            }
            requestID = id
        case let other?:
            throw invalid(.wrongType, Field.requestID, "requestId must be a string, not \(other.typeName)", original: original)
        }

        let urlText: String
        switch object[Field.url] {
        case nil, .null?:
            throw invalid(.missingField, Field.url, "the request has no url", original: original, requestID: requestID)
        case .string(let text)?: urlText = text
        case let other?:
            throw invalid(.wrongType, Field.url, "url must be a string, not \(other.typeName)", original: original, requestID: requestID)
        }
        let url: SourceURL
        do {
            url = try SourceURL(parsing: urlText)
        } catch {
            let reason: InvalidRequest.Reason = error.reason == .unsupportedScheme ? .unsupportedScheme : .invalidURL
            throw invalid(reason, Field.url, error.message, original: original, requestID: requestID, sourceURL: error.redacted)
        }
        func fail(_ reason: InvalidRequest.Reason, _ field: String, _ message: String) -> InvalidRequest {
            invalid(reason, field, message, original: original, requestID: requestID, sourceURL: url.redacted)
        }
        if let problem = UploadFieldRules.urlProblem(url.original) { throw fail(.invalidURL, Field.url, problem) }

        var customID: String?
        switch object[Field.customID] {
        case nil, .null?: break
        case .string(let id)?:
            if let problem = UploadFieldRules.customIDProblem(id) { throw fail(.invalidCustomID, Field.customID, problem) }
            customID = id
        case let other?:
            throw fail(.wrongType, Field.customID, "id must be a string, not \(other.typeName)")
        }

        var metadata: [String: JSONValue]?
        switch object[Field.metadata] {
        case nil, .null?: break
        case .object(let m)?:
            if let problem = UploadFieldRules.metadataProblem(m) { throw fail(.metadataTooLarge, Field.metadata, problem) }
            metadata = m
        case let other?:
            throw fail(.wrongType, Field.metadata, "metadata must be an object, not \(other.typeName)")
        }

        var requireSignedURLs: Bool?
        switch object[Field.requireSignedURLs] {
        case nil, .null?: break
        case .bool(let b)?: requireSignedURLs = b
        case let other?:
            throw fail(.wrongType, Field.requireSignedURLs, "requireSignedURLs must be a boolean, not \(other.typeName)")
        }
        if let problem = UploadFieldRules.signedURLsProblem(customID: customID, requireSignedURLs: requireSignedURLs) {
            throw fail(.customIDWithSignedURLs, Field.customID, problem)
        }

        var creator: String?
        switch object[Field.creator] {
        case nil, .null?: break
        case .string(let c)?:
            if let problem = UploadFieldRules.creatorProblem(c) { throw fail(.creatorTooLong, Field.creator, problem) }
            creator = c
        case let other?:
            throw fail(.wrongType, Field.creator, "creator must be a string, not \(other.typeName)")
        }

        return UploadRequestEvent(
            requestID: requestID ?? source.defaultRequestID, url: url, customID: customID, metadata: metadata,
            requireSignedURLs: requireSignedURLs, creator: creator, source: source, original: original)
    }
}

extension JSONValue {
    /// The JSON type's name with an article, for messages: "a number", "an array"...
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

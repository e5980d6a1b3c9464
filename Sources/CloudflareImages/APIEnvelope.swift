/// Cloudflare's response envelope: `{"result": ..., "success": ..., "errors": [...], "messages": [...]}`.
public struct APIEnvelope<Result: Codable & Sendable>: Codable, Sendable {
    public var result: Result?
    public var success: Bool
    public var errors: [APIMessage]
    public var messages: [APIMessage]

    public init(result: Result?, success: Bool, errors: [APIMessage] = [], messages: [APIMessage] = []) {
        self.result = result
        self.success = success
        self.errors = errors
        self.messages = messages
    }

    enum CodingKeys: String, CodingKey { case result, result_info, success, errors, messages }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        result = try c.decodeIfPresent(Result.self, forKey: .result)
        success = try c.decode(Bool.self, forKey: .success)
        errors = try c.decodeIfPresent([APIMessage].self, forKey: .errors) ?? []
        messages = try c.decodeIfPresent([APIMessage].self, forKey: .messages) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let result { try c.encode(result, forKey: .result) } else { try c.encodeNil(forKey: .result) }
        try c.encodeNil(forKey: .result_info)
        try c.encode(success, forKey: .success)
        try c.encode(errors, forKey: .errors)
        try c.encode(messages, forKey: .messages)
    }
}

/// One entry of `errors` or `messages`.
public struct APIMessage: Codable, Sendable, Hashable {
    public var code: Int
    public var message: String

    public init(code: Int, message: String) {
        self.code = code
        self.message = message
    }
}

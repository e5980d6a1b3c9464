/// A successful answer with what came along with it: the rate-limit headers, for the pacer.
public struct ImagesResponse<Result: Sendable>: Sendable {
    /// The envelope's `result`.
    public var result: Result
    public var httpStatus: Int
    /// The rate-limit headers of the response; nil when it had none.
    public var rateLimit: RateLimitStatus?
    /// The envelope's `messages` (informational).
    public var messages: [APIMessage]

    public init(result: Result, httpStatus: Int, rateLimit: RateLimitStatus?, messages: [APIMessage] = []) {
        self.result = result
        self.httpStatus = httpStatus
        self.rateLimit = rateLimit
        self.messages = messages
    }
}

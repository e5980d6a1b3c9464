/// What a handler answers.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// When true the server closes the connection without sending anything (fault injection).
    public var dropsConnection: Bool

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.dropsConnection = false
    }

    /// Closes the connection without an answer, as a crashed or overloaded server would.
    public static var dropConnection: HTTPResponse {
        var r = HTTPResponse(status: 0)
        r.dropsConnection = true
        return r
    }

    public static func text(_ status: Int, _ text: String, contentType: String = "text/plain; charset=utf-8") -> HTTPResponse {
        HTTPResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
    }
}

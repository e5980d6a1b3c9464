import Foundation

/// An HTTP request as the clients in this package send it.
public struct HTTPClientRequest: Sendable {
    public var method: String
    public var url: String
    /// Header names as given; sent in order.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// The whole exchange: connect, send, wait, receive.
    public var timeout: Duration

    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [], timeout: Duration = .seconds(30)) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }
}

/// A response; header names are lower-cased.
public struct HTTPClientResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A request that got no HTTP response.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case timedOut = "timed_out"
        case connectionFailed = "connection_failed"
        case invalidURL = "invalid_url"
        case responseTooLarge = "response_too_large"
        case shutdown
        case other
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

/// What the Images client and the emulator need from an HTTP client.
public protocol HTTPClient: Sendable {
    func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse
    /// Ends open connections; calls after it fail with `.shutdown`.
    func shutdown()
}

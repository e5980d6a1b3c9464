/// A request as a handler sees it: the whole body already read (up to the server's cap).
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without the query string, percent-encoding left as sent (`/a%2Fb` stays so).
    public var path: String
    /// The raw query string without `?`, or nil.
    public var query: String?
    /// Header names lower-cased, in the order received.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Values captured by the route's `:name` and `*name` segments, percent-decoded.
    /// Empty unless the request went through an `HTTPRouter`.
    public var pathParameters: [String: String] = [:]

    public init(method: String, path: String, query: String? = nil, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers.map { ($0.name.lowercased(), $0.value) }
        self.body = body
    }

    /// The first value of a header, by case-insensitive name.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name == lower }?.value
    }

    /// A path parameter captured by the router (`:account` -> `parameter("account")`).
    public func parameter(_ name: String) -> String? { pathParameters[name] }
}

/// Routes requests by method and path pattern to handlers.
///
/// Routes are tried in the order they were added; the first whose method and pattern match wins,
/// with the captured values in `request.pathParameters`. A path that matches some route but not its
/// method is answered 405 with `Allow`; a path that matches none, 404. `HEAD` falls back to the
/// `GET` route (libmicrohttpd leaves the body out).
///
/// ```swift
/// var router = HTTPRouter()
/// router.post("/accounts/:account/images/v1") { request in ... }
/// router.get("/accounts/:account/images/v1/*id") { request in
///     .text(200, request.parameter("id")!)
/// }
/// let server = HTTPServer(router: router)
/// ```
public struct HTTPRouter: Sendable {
    public typealias Handler = HTTPServer.Handler

    private struct Route: Sendable {
        let method: String
        let pattern: RoutePattern
        let handler: Handler
    }

    private var routes: [Route] = []

    /// Answers requests that match no route. Default: a plain-text 404.
    public var notFound: Handler = { request in .text(404, "no route for \(request.path)\n") }

    public init() {}

    /// Adds a route; `method` is matched exactly (upper-case, as sent).
    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        routes.append(Route(method: method, pattern: RoutePattern(pattern), handler: handler))
    }

    public mutating func get(_ pattern: String, _ handler: @escaping Handler) { add("GET", pattern, handler) }
    public mutating func post(_ pattern: String, _ handler: @escaping Handler) { add("POST", pattern, handler) }
    public mutating func put(_ pattern: String, _ handler: @escaping Handler) { add("PUT", pattern, handler) }
    public mutating func patch(_ pattern: String, _ handler: @escaping Handler) { add("PATCH", pattern, handler) }
    public mutating func delete(_ pattern: String, _ handler: @escaping Handler) { add("DELETE", pattern, handler) }

    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        var allowed: [String] = []
        var headFallback: (Route, [String: String])?
        for route in routes {
            guard let parameters = route.pattern.match(request.path) else { continue }
            if route.method == request.method {
                return await route.handler(with(request, parameters))
            }
            if request.method == "HEAD", route.method == "GET", headFallback == nil {
                headFallback = (route, parameters)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        if let (route, parameters) = headFallback {
            return await route.handler(with(request, parameters))
        }
        if allowed.isEmpty { return await notFound(request) }
        return HTTPResponse(
            status: 405,
            headers: [("Allow", allowed.joined(separator: ", ")), ("Content-Type", "text/plain; charset=utf-8")],
            body: Array("method \(request.method) not allowed on \(request.path)\n".utf8)
        )
    }

    private func with(_ request: HTTPRequest, _ parameters: [String: String]) -> HTTPRequest {
        var routed = request
        routed.pathParameters = parameters
        return routed
    }
}

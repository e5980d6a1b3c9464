import HTTPServer
import HTTPClient

/// Starts a server on an ephemeral loopback port, runs `body` with its base URL, and stops it
/// whatever happens.
func withServer<T>(
    configuration: HTTPServerConfiguration = .init(),
    router: HTTPRouter,
    _ body: (_ baseURL: String, _ server: HTTPServer) async throws -> T
) async throws -> T {
    let server = HTTPServer(configuration: configuration, router: router)
    try server.start()
    do {
        let result = try await body("http://127.0.0.1:\(server.port)", server)
        await server.shutdown(gracePeriod: .zero)
        return result
    } catch {
        await server.shutdown(gracePeriod: .zero)
        throw error
    }
}

/// An echo router used by several suites: reports what the server saw.
func echoRouter() -> HTTPRouter {
    var router = HTTPRouter()
    router.add("GET", "/hello") { _ in .text(200, "hello") }
    router.add("POST", "/echo") { request in
        var headers: [(name: String, value: String)] = [("Content-Type", request.header("content-type") ?? "application/octet-stream")]
        headers.append(("X-Method", request.method))
        headers.append(("X-Query", request.query ?? ""))
        headers.append(("X-Path", request.path))
        for (name, value) in request.headers where name.hasPrefix("x-test-") {
            headers.append(("X-Echo-" + name.dropFirst(7), value))
        }
        return HTTPResponse(status: 201, headers: headers, body: request.body)
    }
    for method in ["PUT", "PATCH", "DELETE", "GET"] {
        router.add(method, "/method") { request in
            HTTPResponse(status: 200, headers: [("X-Method", request.method)], body: Array(request.method.utf8) + request.body)
        }
    }
    router.get("/status/:code") { request in
        .text(Int(request.parameter("code") ?? "") ?? 500, "status")
    }
    router.get("/sleep/:ms") { request in
        let ms = Int(request.parameter("ms") ?? "") ?? 0
        try? await Task.sleep(for: .milliseconds(ms))
        return .text(200, "slept \(ms)")
    }
    router.get("/drop") { _ in .dropConnection }
    return router
}

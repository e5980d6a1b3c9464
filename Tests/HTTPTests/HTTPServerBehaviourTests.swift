import Foundation
import HTTPClient
import HTTPServer
import Testing

@Suite("HTTPServer behaviour under load and at the edges")
struct HTTPServerBehaviourTests {
    let client = CurlHTTPClient()

    @Test("sequential requests reuse one keep-alive connection")
    func keepAlive() async throws {
        try await withServer(router: echoRouter()) { base, server in
            for _ in 0..<20 {
                let r = try await client.execute(HTTPClientRequest(url: base + "/hello"))
                #expect(r.status == 200)
            }
            #expect(server.openConnections == 1)
        }
    }

    @Test("2,000 connections at once, each held by a handler sleeping 200 ms")
    func thousandsOfConnections() async throws {
        let client = CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 2000, maxIdleConnections: 2000))
        defer { client.shutdown() }
        try await withServer(router: echoRouter()) { base, server in
            let ok = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<2000 {
                    group.addTask {
                        try await client.execute(HTTPClientRequest(url: base + "/sleep/200", timeout: .seconds(60))).status == 200
                    }
                }
                var ok = 0
                for try await success in group where success { ok += 1 }
                return ok
            }
            #expect(ok == 2000)
            #expect(server.openConnections > 1000)
        }
    }

    @Test("a thread pool of I/O threads serves async handlers too")
    func threadPool() async throws {
        let config = HTTPServerConfiguration(ioThreads: 2)
        try await withServer(configuration: config, router: echoRouter()) { base, _ in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        try await client.execute(HTTPClientRequest(url: base + (i % 2 == 0 ? "/sleep/20" : "/hello"))).status
                    }
                }
                var all: [Int] = []
                for try await s in group { all.append(s) }
                return all
            }
            #expect(statuses.count == 200)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test("a handler may take longer than the idle timeout")
    func slowHandlerOutlivesIdleTimeout() async throws {
        let config = HTTPServerConfiguration(idleTimeout: .seconds(1))
        try await withServer(configuration: config, router: echoRouter()) { base, _ in
            let r = try await client.execute(HTTPClientRequest(url: base + "/sleep/2500", timeout: .seconds(30)))
            #expect(r.status == 200)
        }
    }

    @Test("shutdown lets running handlers finish within the grace period")
    func gracefulShutdown() async throws {
        let server = HTTPServer(router: echoRouter())
        try server.start()
        let base = "http://127.0.0.1:\(server.port)"
        let running = Task { try await client.execute(HTTPClientRequest(url: base + "/sleep/300")) }
        while server.handlersRunning == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await server.shutdown(gracePeriod: .seconds(10))
        let r = try await running.value
        #expect(r.status == 200)
        #expect(server.port == 0)
    }

    @Test("repeated headers keep their order; unknown methods reach the router")
    func headerOrderAndMethods() async throws {
        var router = HTTPRouter()
        router.add("PURGE", "/h") { request in
            .text(200, request.headers.filter { $0.name == "x-multi" }.map(\.value).joined(separator: ","))
        }
        try await withServer(router: router) { base, _ in
            let r = try await client.execute(HTTPClientRequest(
                method: "PURGE", url: base + "/h", headers: [("X-Multi", "1"), ("X-Multi", "2"), ("X-Multi", "3")]
            ))
            #expect(r.status == 200)
            #expect(String(decoding: r.body, as: UTF8.self) == "1,2,3")
        }
    }

    @Test("a router's first matching route wins; 405 lists every allowed method")
    func routerOrder() async throws {
        var router = HTTPRouter()
        router.get("/items/special") { _ in .text(200, "special") }
        router.get("/items/:id") { request in .text(200, "item \(request.parameter("id")!)") }
        router.delete("/items/:id") { _ in HTTPResponse(status: 204) }
        try await withServer(router: router) { base, _ in
            let special = try await client.execute(HTTPClientRequest(url: base + "/items/special"))
            #expect(String(decoding: special.body, as: UTF8.self) == "special")
            let item = try await client.execute(HTTPClientRequest(url: base + "/items/a%20b"))
            #expect(String(decoding: item.body, as: UTF8.self) == "item a b")
            let deleted = try await client.execute(HTTPClientRequest(method: "DELETE", url: base + "/items/7"))
            #expect(deleted.status == 204)
            let put = try await client.execute(HTTPClientRequest(method: "PUT", url: base + "/items/7"))
            #expect(put.status == 405)
            #expect(put.header("allow") == "GET, DELETE")
        }
    }
}

@Suite("RoutePattern")
struct RoutePatternTests {
    @Test("matches and captures", arguments: [
        ("/a/:x/c", "/a/b/c", ["x": "b"]),
        ("/a/:x/c", "/a/b%2Fd/c", ["x": "b/d"]),
        ("/a/*rest", "/a/b/c/d", ["rest": "b/c/d"]),
        ("/a/*rest", "/a/%E2%9C%93", ["rest": "✓"]),
        ("/a/:x/*rest", "/a/1/2/", ["x": "1", "rest": "2/"]),
        ("/", "/", [:]),
        ("/a/b", "/a/b", [:]),
    ] as [(String, String, [String: String])])
    func matches(pattern: String, path: String, expected: [String: String]) {
        #expect(RoutePattern(pattern).match(path) == expected)
    }

    @Test("does not match", arguments: [
        ("/a/:x/c", "/a/b/d"),
        ("/a/:x/c", "/a//c"),
        ("/a/:x", "/a/b/c"),
        ("/a/*rest", "/a/"),
        ("/a/*rest", "/a"),
        ("/a/b", "/a/b/"),
        ("/a/b", "/a"),
    ])
    func noMatch(pattern: String, path: String) {
        #expect(RoutePattern(pattern).match(path) == nil)
    }
}

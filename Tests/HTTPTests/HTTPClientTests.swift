import Foundation
import HTTPClient
import HTTPServer
import Testing

@Suite("HTTP clients against HTTPServer")
struct HTTPClientTests {
    @Test("methods, with and without a body", arguments: ClientKind.allCases)
    func methods(kind: ClientKind) async throws {
        let client = kind.make()
        defer { client.shutdown() }
        try await withServer(router: echoRouter()) { base, _ in
            for method in ["GET", "PUT", "PATCH", "DELETE"] {
                let plain = try await client.execute(HTTPClientRequest(method: method, url: base + "/method"))
                #expect(plain.status == 200)
                #expect(plain.header("x-method") == method)
                #expect(String(decoding: plain.body, as: UTF8.self) == method)
            }
            // URLSession on Linux refuses a GET with a body ("resource exceeds maximum size").
            for method in (kind == .curl ? ["GET"] : []) + ["PUT", "PATCH", "DELETE"] {
                let withBody = try await client.execute(HTTPClientRequest(method: method, url: base + "/method", body: Array(" data".utf8)))
                #expect(String(decoding: withBody.body, as: UTF8.self) == method + " data")
            }
            let post = try await client.execute(HTTPClientRequest(method: "POST", url: base + "/echo", body: Array("posted".utf8)))
            #expect(post.status == 201)
            #expect(post.header("x-method") == "POST")
            #expect(post.body == Array("posted".utf8))

            let emptyPost = try await client.execute(HTTPClientRequest(method: "POST", url: base + "/echo"))
            #expect(emptyPost.status == 201)
            #expect(emptyPost.body.isEmpty)

            let head = try await client.execute(HTTPClientRequest(method: "HEAD", url: base + "/hello"))
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
        }
    }

    @Test("headers both ways; status codes; a 1 MB body round trip", arguments: ClientKind.allCases)
    func headersStatusBody(kind: ClientKind) async throws {
        let client = kind.make()
        defer { client.shutdown() }
        let config = HTTPServerConfiguration(maxBodySize: 2 << 20)
        try await withServer(configuration: config, router: echoRouter()) { base, _ in
            let response = try await client.execute(HTTPClientRequest(
                method: "POST", url: base + "/echo?x=1",
                headers: [("Content-Type", "text/plain"), ("X-Test-One", "1"), ("X-Test-Two", "two words")],
                body: Array("hi".utf8)
            ))
            #expect(response.header("X-Echo-One") == "1")
            #expect(response.header("x-echo-two") == "two words")
            #expect(response.header("content-type") == "text/plain")
            #expect(response.header("x-query") == "x=1")

            for code in [200, 204, 400, 404, 429, 500, 503] {
                let r = try await client.execute(HTTPClientRequest(url: base + "/status/\(code)"))
                #expect(r.status == code)
            }

            let big = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            let echoed = try await client.execute(HTTPClientRequest(method: "POST", url: base + "/echo", body: big))
            #expect(echoed.status == 201)
            #expect(echoed.body == big)
        }
    }

    @Test("a slow answer fails with .timedOut", arguments: ClientKind.allCases)
    func timeout(kind: ClientKind) async throws {
        let client = kind.make()
        defer { client.shutdown() }
        try await withServer(router: echoRouter()) { base, _ in
            let error = await #expect(throws: HTTPClientError.self) {
                _ = try await client.execute(HTTPClientRequest(url: base + "/sleep/3000", timeout: .milliseconds(300)))
            }
            #expect(error?.kind == .timedOut)
        }
    }

    @Test("a refused port fails with .connectionFailed", arguments: ClientKind.allCases)
    func refused(kind: ClientKind) async throws {
        let client = kind.make()
        defer { client.shutdown() }
        let server = HTTPServer(router: echoRouter())
        try server.start()
        let port = server.port
        await server.shutdown()
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/hello", timeout: .seconds(5)))
        }
        #expect(error?.kind == .connectionFailed)
    }

    @Test("a dropped connection is an error, and the client goes on working", arguments: ClientKind.allCases)
    func dropped(kind: ClientKind) async throws {
        let client = kind.make()
        defer { client.shutdown() }
        try await withServer(router: echoRouter()) { base, _ in
            let error = await #expect(throws: HTTPClientError.self) {
                _ = try await client.execute(HTTPClientRequest(url: base + "/drop", timeout: .seconds(30)))
            }
            if kind == .curl { #expect(error?.kind == .connectionFailed) }
            let hello = try await client.execute(HTTPClientRequest(url: base + "/hello"))
            #expect(hello.status == 200)
        }
    }

    // URLSession gets a lighter load: it blocks cooperative-pool threads while it starts each task
    // (see HTTPServerTests), which would slow every other test in this process.
    @Test("many concurrent requests whose handlers each sleep 50 ms all succeed", arguments: [(ClientKind.curl, 1000), (.urlSession, 200)])
    func concurrency(kind: ClientKind, count: Int) async throws {
        let client = kind.make(maxConnectionsPerHost: count)
        defer { client.shutdown() }
        try await withServer(router: echoRouter()) { base, _ in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<count {
                    group.addTask {
                        try await client.execute(HTTPClientRequest(url: base + "/sleep/50", timeout: .seconds(60))).status
                    }
                }
                var statuses: [Int] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.count == count)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test("an invalid URL fails with .invalidURL")
    func invalidURL() async {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await client.execute(HTTPClientRequest(url: "ftp://127.0.0.1/x"))
        }
        #expect(error?.kind == .invalidURL)
    }

    @Test("curl: after shutdown, requests in flight and new ones fail with .shutdown")
    func curlShutdown() async throws {
        let client = CurlHTTPClient()
        try await withServer(router: echoRouter()) { base, server in
            let slow = Task { try await client.execute(HTTPClientRequest(url: base + "/sleep/5000")) }
            while server.handlersRunning == 0 { try await Task.sleep(for: .milliseconds(5)) }
            client.shutdown()
            let inFlight = await #expect(throws: HTTPClientError.self) { _ = try await slow.value }
            #expect(inFlight?.kind == .shutdown)
            let later = await #expect(throws: HTTPClientError.self) {
                _ = try await client.execute(HTTPClientRequest(url: base + "/hello"))
            }
            #expect(later?.kind == .shutdown)
        }
    }

    @Test("curl: cancelling the task aborts the request")
    func curlCancel() async throws {
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        try await withServer(router: echoRouter()) { base, server in
            let slow = Task { try await client.execute(HTTPClientRequest(url: base + "/sleep/5000")) }
            while server.handlersRunning == 0 { try await Task.sleep(for: .milliseconds(5)) }
            slow.cancel()
            await #expect(throws: HTTPClientError.self) { _ = try await slow.value }
        }
    }

    @Test("curl: a response over maxResponseSize fails with .responseTooLarge")
    func curlResponseTooLarge() async throws {
        let client = CurlHTTPClient(configuration: .init(maxResponseSize: 1000))
        defer { client.shutdown() }
        try await withServer(router: echoRouter()) { base, _ in
            let small = try await client.execute(HTTPClientRequest(method: "POST", url: base + "/echo", body: Array(repeating: 1, count: 1000)))
            #expect(small.body.count == 1000)
            let error = await #expect(throws: HTTPClientError.self) {
                _ = try await client.execute(HTTPClientRequest(method: "POST", url: base + "/echo", body: Array(repeating: 1, count: 1001)))
            }
            #expect(error?.kind == .responseTooLarge)
        }
    }

    @Test("a keep-alive connection closed by the server while idle is replaced transparently", arguments: ClientKind.allCases)
    func serverClosesIdleConnection(kind: ClientKind) async throws {
        let client = kind.make()
        defer { client.shutdown() }
        try await withServer(configuration: .init(idleTimeout: .seconds(1)), router: echoRouter()) { base, server in
            #expect(try await client.execute(HTTPClientRequest(url: base + "/hello")).status == 200)
            try await Task.sleep(for: .milliseconds(2500))
            #expect(server.openConnections == 0)
            #expect(try await client.execute(HTTPClientRequest(url: base + "/hello")).status == 200)
        }
    }
}

import Foundation
import HTTPClient
import HTTPServer
import Testing

@Suite("HTTPServer")
struct HTTPServerTests {
    // curl, not URLSession: URLSession on Linux blocks cooperative-pool threads in
    // `URLSessionTask.resume()` (a `DispatchQueue.sync`), which starves the handlers' tasks when
    // many requests run at once in one process.
    let client = CurlHTTPClient()

    @Test("binds an ephemeral port and reports it")
    func ephemeralPort() async throws {
        let a = HTTPServer(router: echoRouter())
        let b = HTTPServer(router: echoRouter())
        try a.start()
        try b.start()
        #expect(a.port > 0)
        #expect(b.port > 0)
        #expect(a.port != b.port)
        await a.shutdown()
        await b.shutdown()
        #expect(a.port == 0)
    }

    @Test("a taken port is an error")
    func takenPort() async throws {
        let a = HTTPServer(router: echoRouter())
        try a.start()
        let b = HTTPServer(configuration: .init(port: a.port), router: echoRouter())
        #expect(throws: HTTPServerError.self) { try b.start() }
        await a.shutdown()
    }

    @Test("an invalid host is an error")
    func invalidHost() {
        let server = HTTPServer(configuration: .init(host: "not-an-ip"), router: echoRouter())
        #expect(throws: HTTPServerError.self) { try server.start() }
    }

    @Test("routes by method and path; 404 and 405 otherwise")
    func routing() async throws {
        try await withServer(router: echoRouter()) { base, _ in
            let hello = try await client.execute(HTTPClientRequest(url: base + "/hello"))
            #expect(hello.status == 200)
            #expect(hello.body == Array("hello".utf8))

            let missing = try await client.execute(HTTPClientRequest(url: base + "/nowhere"))
            #expect(missing.status == 404)

            let wrongMethod = try await client.execute(HTTPClientRequest(method: "POST", url: base + "/hello"))
            #expect(wrongMethod.status == 405)
            #expect(wrongMethod.header("allow") == "GET")

            let teapot = try await client.execute(HTTPClientRequest(url: base + "/status/418"))
            #expect(teapot.status == 418)
        }
    }

    @Test("path parameters and a trailing wildcard reach the handler, decoded")
    func pathParameters() async throws {
        var router = HTTPRouter()
        router.get("/accounts/:account/images/v1/*rest") { request in
            .text(200, "\(request.parameter("account") ?? "-")|\(request.parameter("rest") ?? "-")|\(request.path)")
        }
        router.post("/accounts/:account/images/v1") { request in
            .text(200, "upload \(request.parameter("account") ?? "-")")
        }
        try await withServer(router: router) { base, _ in
            let details = try await client.execute(HTTPClientRequest(url: base + "/accounts/acc1/images/v1/a/b%2Fc.png"))
            #expect(String(decoding: details.body, as: UTF8.self) == "acc1|a/b/c.png|/accounts/acc1/images/v1/a/b%2Fc.png")

            let upload = try await client.execute(HTTPClientRequest(method: "POST", url: base + "/accounts/acc2/images/v1"))
            #expect(String(decoding: upload.body, as: UTF8.self) == "upload acc2")

            // The wildcard needs at least one character.
            let empty = try await client.execute(HTTPClientRequest(url: base + "/accounts/acc1/images/v1/"))
            #expect(empty.status == 404)
        }
    }

    @Test("request headers, query and body reach the handler; response headers reach the client")
    func headersAndBody() async throws {
        try await withServer(router: echoRouter()) { base, _ in
            let body = Array("{\"k\":\"v\"}".utf8)
            let response = try await client.execute(HTTPClientRequest(
                method: "POST", url: base + "/echo?a=1&b=x%20y&flag",
                headers: [("Content-Type", "application/json"), ("X-Test-Token", "abc def")],
                body: body
            ))
            #expect(response.status == 201)
            #expect(response.body == body)
            #expect(response.header("content-type") == "application/json")
            #expect(response.header("x-echo-token") == "abc def")
            #expect(response.header("x-query") == "a=1&b=x%20y&flag")
            #expect(response.header("x-path") == "/echo")
        }
    }

    @Test("a body over the cap is answered 413 without calling the handler")
    func bodyCap() async throws {
        let config = HTTPServerConfiguration(maxBodySize: 1000)
        try await withServer(configuration: config, router: echoRouter()) { base, server in
            let small = try await client.execute(HTTPClientRequest(method: "POST", url: base + "/echo", body: Array(repeating: 65, count: 1000)))
            #expect(small.status == 201)
            #expect(small.body.count == 1000)

            let large = try await client.execute(HTTPClientRequest(method: "POST", url: base + "/echo", body: Array(repeating: 65, count: 1001)))
            #expect(large.status == 413)

            // Far over the cap: answered before the client has sent it all.
            let huge = try await client.execute(HTTPClientRequest(method: "POST", url: base + "/echo", body: Array(repeating: 66, count: 8 << 20)))
            #expect(huge.status == 413)

            // Chunked: no Content-Length, the cap is found while reading.
            let chunk = String(repeating: "B", count: 600)
            let raw = await rawExchange(port: server.port,
                "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n" +
                "258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n")
            #expect(raw.hasPrefix("HTTP/1.1 413"))

            // Declared far over what is worth reading: answered at once, before any body is sent.
            let early = await rawExchange(port: server.port,
                "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999999\r\n\r\n")
            #expect(early.hasPrefix("HTTP/1.1 413"))
        }
    }

    @Test("dropConnection closes the connection without an answer")
    func dropConnection() async throws {
        try await withServer(router: echoRouter()) { base, server in
            await #expect(throws: HTTPClientError.self) {
                _ = try await client.execute(HTTPClientRequest(url: base + "/drop", timeout: .seconds(5)))
            }
            let raw = await rawExchange(port: server.port, "GET /drop HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(raw.isEmpty)
            // The server still serves.
            let hello = try await client.execute(HTTPClientRequest(url: base + "/hello"))
            #expect(hello.status == 200)
        }
    }

    @Test("1,000 concurrent requests whose handlers each sleep 50 ms all succeed")
    func asyncConcurrency() async throws {
        let client = CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 1000))
        try await withServer(router: echoRouter()) { base, _ in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<1000 {
                    group.addTask {
                        try await client.execute(HTTPClientRequest(url: base + "/sleep/50", timeout: .seconds(60))).status
                    }
                }
                var statuses: [Int] = []
                for try await status in group { statuses.append(status) }
                return statuses
            }
            #expect(statuses.count == 1000)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
        client.shutdown()
    }

    @Test("after stop the port refuses connections; handlers still running are answered 503")
    func stop() async throws {
        let server = HTTPServer(router: echoRouter())
        try server.start()
        let base = "http://127.0.0.1:\(server.port)"
        let slow = Task { try await client.execute(HTTPClientRequest(url: base + "/sleep/10000", timeout: .seconds(30))) }
        while server.handlersRunning == 0 { try await Task.sleep(for: .milliseconds(5)) }
        await server.shutdown(gracePeriod: .milliseconds(50))
        let answer = try await slow.value
        #expect(answer.status == 503)
        await #expect(throws: HTTPClientError.self) {
            _ = try await client.execute(HTTPClientRequest(url: base + "/hello", timeout: .seconds(5)))
        }
        #expect(server.openConnections == 0)
    }
}

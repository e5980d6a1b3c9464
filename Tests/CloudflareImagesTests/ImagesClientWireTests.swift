import Foundation
import HTTPClient
import HTTPServer
import Testing
@testable import CloudflareImages

/// The client against a canned-answer server: what really goes over the wire, with each transport.
@Suite struct ImagesClientWireTests {
    static let token = "cf-token_ABC.123"

    func client(_ server: CannedServer, _ http: any HTTPClient, timeout: Duration = .seconds(10)) throws -> ImagesClient {
        try ImagesClient(configuration: .init(accountID: "acc-1", apiToken: Self.token, baseURL: server.baseURL, requestTimeout: timeout),
                         httpClient: http)
    }

    func uploadError(_ client: ImagesClient) async -> ImagesAPIError? {
        do {
            _ = try await client.upload(url: "https://origin.example/a.png")
            return nil
        } catch {
            return error
        }
    }

    func boundary(of request: HTTPRequest) throws -> String {
        let contentType = try #require(request.header("Content-Type"))
        let prefix = "multipart/form-data; boundary="
        #expect(contentType.hasPrefix(prefix))
        return String(contentType.dropFirst(prefix.count))
    }

    @Test(arguments: Transport.allCases)
    func uploadForm(transport: Transport) async throws {
        let request = UploadRequest(
            url: "https://alice:s3cr%40t@origin.example/p/a b.png?x=1&y=2", id: "shop/42/main.png",
            metadata: ["sku": "A/1", "note": "say \"hi\"\r\nnext line", "n": 3], requireSignedURLs: false,
            creator: "Zoë \"z\" \r\n--not-a-boundary")
        try await CannedServer.with(transport, status: 200, body: Fixtures.success()) { server, http in
            let image = try await client(server, http).upload(request)
            #expect(image.id == "2cdc28f0-017a-49c4-9ed7-87056c83901")

            #expect(server.requests.count == 1)
            let received = try #require(server.requests.first)
            #expect(received.method == "POST")
            #expect(received.path == "/client/v4/accounts/acc-1/images/v1")
            #expect(received.query == nil)
            #expect(received.header("Authorization") == "Bearer \(Self.token)")
            let boundary = try boundary(of: received)
            #expect(received.body == request.formData(boundary: boundary).encoded())
            let parts = try MultipartParser.parse(received.body, boundary: boundary)
            #expect(parts.map(\.name) == ["url", "id", "metadata", "requireSignedURLs", "creator"])
            #expect(parts.map(\.text) == [
                request.url, "shop/42/main.png", #"{"n":3,"note":"say \"hi\"\r\nnext line","sku":"A/1"}"#, "false",
                "Zoë \"z\" \r\n--not-a-boundary",
            ])
            #expect(parts.allSatisfy { $0.headers.count == 1 })
        }
    }

    @Test(arguments: Transport.allCases)
    func signedURLsFlag(transport: Transport) async throws {
        try await CannedServer.with(transport, status: 200, body: Fixtures.success()) { server, http in
            _ = try await client(server, http).upload(url: "https://origin.example/a.png", requireSignedURLs: true)
            let received = try #require(server.requests.first)
            let parts = try MultipartParser.parse(received.body, boundary: try boundary(of: received))
            #expect(parts.map(\.name) == ["url", "requireSignedURLs"])
            #expect(parts.last?.text == "true")
        }
    }

    @Test(arguments: Transport.allCases)
    func imageIDsArePercentEncodedInThePath(transport: Transport) async throws {
        let cases = [
            ("plain", "plain"), ("a/b/c.png", "a%2Fb%2Fc.png"), ("sp ace?#&=+", "sp%20ace%3F%23%26%3D%2B"),
            ("zoë/🐈", "zo%C3%AB%2F%F0%9F%90%88"), ("100%", "100%25"), ("..", "%2E%2E"),
        ]
        try await CannedServer.with(transport, status: 200, body: Fixtures.success()) { server, http in
            let c = try client(server, http)
            for (id, _) in cases { _ = try await c.image(id: id) }
            #expect(server.requests.map(\.path) == cases.map { "/client/v4/accounts/acc-1/images/v1/\($0.1)" })
            #expect(server.requests.allSatisfy { $0.query == nil && $0.method == "GET" && $0.body.isEmpty })
            #expect(server.requests.allSatisfy { $0.header("Authorization") == "Bearer \(Self.token)" })
        }
    }

    @Test(arguments: Transport.allCases)
    func rateLimitHeadersOfASuccess(transport: Transport) async throws {
        let headers = [("Content-Type", "application/json"), ("Ratelimit", "\"default\";r=1187;t=291"), ("Ratelimit-Policy", "\"burst\";q=1200;w=300")]
        try await CannedServer.with(transport, status: 200, body: Fixtures.success(), headers: headers) { server, http in
            let response = try await client(server, http).uploadResponse(UploadRequest(url: "https://origin.example/a.png"))
            #expect(response.rateLimit == RateLimitStatus(remaining: 1187, resetIn: .seconds(291), quota: 1200, window: .seconds(300)))
        }
    }

    @Test(arguments: Transport.allCases)
    func rateLimited(transport: Transport) async throws {
        let headers = [("Content-Type", "application/json"), ("Retry-After", "120"), ("Ratelimit", "\"default\";r=0;t=120"), ("Ratelimit-Policy", "\"burst\";q=1200;w=300")]
        let body = Fixtures.failure(971, "Please wait and consider throttling your request speed")
        try await CannedServer.with(transport, status: 429, body: body, headers: headers) { server, http in
            let error = await uploadError(try client(server, http))
            #expect(error?.kind == .rateLimited)
            #expect(error?.retryAfter == .seconds(120))
            #expect(error?.rateLimit?.remaining == 0)
            #expect(error?.httpStatus == 429)
            #expect(error?.codes == [971])
        }
    }

    @Test(arguments: Transport.allCases)
    func plainTextError(transport: Transport) async throws {
        let body = "ERROR 5455: Uploaded image must have image/jpeg or image/png content-type"
        try await CannedServer.with(transport, status: 415, body: body, headers: [("Content-Type", "text/plain")]) { server, http in
            let error = await uploadError(try client(server, http))
            #expect(error?.kind == .sourceRejected)
            #expect(error?.codes == [5455])
            #expect(error?.httpStatus == 415)
        }
    }

    @Test(arguments: Transport.allCases)
    func droppedConnectionIsTransient(transport: Transport) async throws {
        try await CannedServer.with(transport, answer: { _ in .dropConnection }) { server, http in
            let error = await uploadError(try client(server, http))
            #expect(error?.kind == .transient)
            #expect(error?.transportFailure != nil)
            #expect(error?.isRetryable == true)
        }
    }

    @Test(arguments: Transport.allCases)
    func timeoutIsTransient(transport: Transport) async throws {
        let slow: CannedServer.Answer = { _ in
            try? await Task.sleep(for: .seconds(3))
            return HTTPResponse(status: 200, body: Array(Fixtures.success().utf8))
        }
        try await CannedServer.with(transport, answer: slow) { server, http in
            let error = await uploadError(try client(server, http, timeout: .milliseconds(300)))
            #expect(error?.kind == .transient)
            #expect(error?.transportFailure == .timedOut)
        }
    }

    @Test(arguments: Transport.allCases)
    func refusedConnectionIsTransient(transport: Transport) async throws {
        // A port that was just bound and released: nothing listens there.
        let port = try await CannedServer.with(transport, status: 200, body: "") { server, _ in server.server.port }
        let http = transport.make()
        defer { http.shutdown() }
        let c = try ImagesClient(configuration: .init(accountID: "a", apiToken: "t", baseURL: "http://127.0.0.1:\(port)/client/v4"), httpClient: http)
        let error = await uploadError(c)
        #expect(error?.kind == .transient)
        #expect(error?.transportFailure == .connectionFailed)
    }
}

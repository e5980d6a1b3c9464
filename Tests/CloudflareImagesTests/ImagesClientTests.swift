import Foundation
import HTTPClient
import Logging
import Testing
@testable import CloudflareImages

/// The client's requests as handed to the transport (the wire itself: `ImagesClientWireTests`).
@Suite struct ImagesClientTests {
    static let token = "tok_SECRET_123"

    func client(_ http: RecordingHTTPClient, baseURL: String = "https://api.example.test/client/v4/") throws -> ImagesClient {
        try ImagesClient(configuration: .init(accountID: "acc123", apiToken: Self.token, baseURL: baseURL, requestTimeout: .seconds(7)), httpClient: http)
    }

    @Test func uploadSendsTheForm() async throws {
        let http = RecordingHTTPClient(answer: Fixtures.response(200, Fixtures.success()))
        let image = try await client(http).upload(url: "https://u:p@example.com/cat.png", id: "a/b", metadata: ["k": .string("v")], creator: "me")
        #expect(image.filename == "cat.png")
        let request = try #require(http.requests.first)
        #expect(http.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.url == "https://api.example.test/client/v4/accounts/acc123/images/v1")
        #expect(request.header("Authorization") == "Bearer \(Self.token)")
        #expect(request.header("Accept") == "application/json")
        #expect(request.timeout == .seconds(7))
        let contentType = try #require(request.header("Content-Type"))
        #expect(contentType.hasPrefix("multipart/form-data; boundary=upload-worker-"))
        let boundary = String(contentType.dropFirst("multipart/form-data; boundary=".count))
        let expected = UploadRequest(url: "https://u:p@example.com/cat.png", id: "a/b", metadata: ["k": .string("v")], creator: "me")
            .formData(boundary: boundary).encoded()
        #expect(request.body == expected)
    }

    @Test func uploadResponseCarriesTheRateLimit() async throws {
        let http = RecordingHTTPClient(answer: Fixtures.response(200, Fixtures.success(), headers: ["ratelimit": "\"default\";r=1199;t=300", "ratelimit-policy": "\"burst\";q=1200;w=300"]))
        let response = try await client(http).uploadResponse(UploadRequest(url: "https://example.com/a.png"))
        #expect(response.rateLimit == RateLimitStatus(remaining: 1199, resetIn: .seconds(300), quota: 1200, window: .seconds(300)))
        #expect(response.httpStatus == 200)
    }

    @Test func invalidRequestIsNotSent() async throws {
        let http = RecordingHTTPClient(answer: Fixtures.response(200, Fixtures.success()))
        let c = try client(http)
        for request in [
            UploadRequest(url: "ftp://example.com/a.png"),
            UploadRequest(url: "https://example.com/a.png", id: "6f9619ff-8b86-d011-b42d-00c04fc964ff"),
            UploadRequest(url: "https://example.com/a.png", id: "x", requireSignedURLs: true),
            UploadRequest(url: "https://example.com/a.png", metadata: ["k": .string(String(repeating: "x", count: 2000))]),
        ] {
            await #expect(throws: ImagesAPIError.self) { try await c.upload(request) }
        }
        await #expect(throws: ImagesAPIError.self) { try await c.image(id: "") }
        #expect(http.requests.isEmpty)
    }

    @Test(arguments: [
        ("abc", "abc"), ("a/b/c.png", "a%2Fb%2Fc.png"), ("sp ace", "sp%20ace"), ("q?x=1#f", "q%3Fx%3D1%23f"),
        ("100%", "100%25"), ("é", "%C3%A9"), ("a+b&c", "a%2Bb%26c"), (".", "%2E"), ("..", "%2E%2E"), ("a..b", "a..b"),
        ("-._~", "-._~"),
    ])
    func imageIDIsOnePathSegment(id: String, encoded: String) async throws {
        let http = RecordingHTTPClient(answer: Fixtures.response(200, Fixtures.success()))
        _ = try await client(http).image(id: id)
        let request = try #require(http.requests.first)
        #expect(request.method == "GET")
        #expect(request.url == "https://api.example.test/client/v4/accounts/acc123/images/v1/\(encoded)")
        #expect(request.body.isEmpty)
        #expect(request.header("Authorization") == "Bearer \(Self.token)")
    }

    @Test(arguments: [HTTPClientError.Kind.timedOut, .connectionFailed, .shutdown, .other, .responseTooLarge])
    func transportFailuresAreTransient(failure: HTTPClientError.Kind) async throws {
        let http = RecordingHTTPClient { _ in .failure(HTTPClientError(failure, "boom")) }
        let c = try client(http)
        do {
            _ = try await c.upload(url: "https://example.com/a.png")
            Issue.record("no error")
        } catch {
            #expect(error.kind == .transient)
            #expect(error.transportFailure == failure)
            #expect(error.httpStatus == nil)
            #expect(error.isRetryable)
        }
    }

    @Test func notFoundOnImageDetails() async throws {
        let http = RecordingHTTPClient(answer: Fixtures.response(404, Fixtures.failure(5404, "Image not found")))
        let c = try client(http)
        do {
            _ = try await c.image(id: "missing")
            Issue.record("no error")
        } catch {
            #expect(error.kind == .notFound)
            #expect(error.operation == .imageDetails)
            #expect(!error.isConfigurationProblem)
        }
    }

    @Test(arguments: [
        ("accountID", ImagesClient.Configuration(accountID: "", apiToken: "t")),
        ("accountID", .init(accountID: "a/b", apiToken: "t")),
        ("apiToken", .init(accountID: "a", apiToken: "")),
        ("apiToken", .init(accountID: "a", apiToken: "SECRETTOKEN\n")),
        ("apiToken", .init(accountID: "a", apiToken: "SECRETTOKEN\r\nX-Evil: 1")),
        ("baseURL", .init(accountID: "a", apiToken: "t", baseURL: "api.cloudflare.com/client/v4")),
        ("baseURL", .init(accountID: "a", apiToken: "t", baseURL: "ftp://api.cloudflare.com")),
        ("baseURL", .init(accountID: "a", apiToken: "t", baseURL: "https://api.cloudflare.com/client/v4?x=1")),
        ("requestTimeout", .init(accountID: "a", apiToken: "t", requestTimeout: .zero)),
        ("userAgent", .init(accountID: "a", apiToken: "t", userAgent: "x\r\ny")),
    ])
    func badConfigurationIsRefused(setting: String, configuration: ImagesClient.Configuration) {
        do {
            _ = try ImagesClient(configuration: configuration, httpClient: RecordingHTTPClient(answer: Fixtures.response(200, "")))
            Issue.record("accepted \(configuration)")
        } catch {
            #expect(error.setting == setting)
            #expect(!error.description.contains("SECRETTOKEN"))
        }
    }

    @Test func defaults() {
        let configuration = ImagesClient.Configuration(accountID: "a", apiToken: "t")
        #expect(configuration.baseURL == "https://api.cloudflare.com/client/v4")
        #expect(configuration.requestTimeout == .seconds(60))
    }

    @Test func configurationNeverPrintsTheToken() {
        let configuration = ImagesClient.Configuration(accountID: "a", apiToken: Self.token, baseURL: "https://user:pw@api.example.test")
        for text in ["\(configuration)", String(describing: configuration), String(reflecting: configuration), dumped(configuration)] {
            #expect(!text.contains(Self.token), "\(text)")
            #expect(!text.contains("pw@"), "\(text)")
        }
    }

    func dumped(_ value: some Any) -> String {
        var out = ""
        dump(value, to: &out)
        return out
    }
}

import CloudflareImages
import Foundation
import HTTPClient
import HTTPServer
import Logging
import Synchronization

/// `bench images-client`: what one upload costs the client, alone and over each transport, against
/// an in-process server that answers a canned success (with rate-limit headers).
enum ImagesClientBench {
    static let suite = BenchSuite(
        name: "images-client", abstract: "Cloudflare Images client: CPU per upload, alone and over curl / URLSession", run: run)

    static func run(_ options: ParsedOptions) async throws {
        let requests = try options.value("requests", default: 20_000) { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        let concurrency = try options.value("concurrency", default: 64) { Int($0).flatMap { $0 > 0 ? $0 : nil } }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning

        let answer = HTTPResponse(status: 200, headers: [
            ("Content-Type", "application/json"), ("Ratelimit", "\"default\";r=1187;t=291"), ("Ratelimit-Policy", "\"burst\";q=1200;w=300"),
        ], body: Array(successBody.utf8))
        let server = HTTPServer(configuration: .init(host: "127.0.0.1", port: 0)) { _ in answer }
        try server.start()
        let baseURL = "http://127.0.0.1:\(server.port)/client/v4"
        let request = UploadRequest(url: "https://user:pw@origin.example/images/a.png", id: "shop/42/a.png", metadata: ["sku": "A1", "n": 3], creator: "me")
        print("images-client bench: \(requests) uploads per line, \(concurrency) at once; CPU is the whole process (client and in-process server)")
        flushStdout()

        let canned = CannedHTTPClient(HTTPClientResponse(status: 200, headers: ["ratelimit": "\"default\";r=1187;t=291", "ratelimit-policy": "\"burst\";q=1200;w=300"], body: Array(successBody.utf8)))
        let alone = try ImagesClient(configuration: .init(accountID: "acc", apiToken: "tok"), httpClient: canned, logger: logger)
        report("client alone (in-memory transport)", try await measure(requests: requests, concurrency: concurrency) { _ = try await alone.uploadResponse(request) })

        for (name, make) in [("curl", { CurlHTTPClient() as any HTTPClient }), ("urlsession", { URLSessionHTTPClient() as any HTTPClient })] {
            let http = make()
            let raw = HTTPClientRequest(method: "POST", url: "\(baseURL)/accounts/acc/images/v1",
                                        headers: [("Authorization", "Bearer tok"), ("Content-Type", "multipart/form-data; boundary=b")],
                                        body: request.formData(boundary: "b").encoded())
            report("\(name): transport alone (same POST, no client)", try await measure(requests: requests, concurrency: concurrency) { _ = try await http.execute(raw) })
            let client = try ImagesClient(configuration: .init(accountID: "acc", apiToken: "tok", baseURL: baseURL), httpClient: http, logger: logger)
            report("\(name): client over the transport", try await measure(requests: requests, concurrency: concurrency) { _ = try await client.uploadResponse(request) })
            http.shutdown()
        }
        await server.shutdown(gracePeriod: .zero)
    }

    struct Figures {
        var count: Int
        var seconds: Double
        var cpuSeconds: Double
    }

    /// Runs `body` `requests` times, `concurrency` at once, after a warm-up of a tenth.
    static func measure(requests: Int, concurrency: Int, _ body: @escaping @Sendable () async throws -> Void) async throws -> Figures {
        func batch(_ count: Int) async throws {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let next = ManagedCounter()
                for _ in 0..<min(concurrency, count) {
                    group.addTask {
                        while next.take() < count { try await body() }
                    }
                }
                try await group.waitForAll()
            }
        }
        try await batch(max(1, requests / 10))
        let cpu0 = processCPUSeconds()
        let start = ContinuousClock.now
        try await batch(requests)
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Figures(count: requests, seconds: seconds, cpuSeconds: processCPUSeconds() - cpu0)
    }

    static func report(_ label: String, _ f: Figures) {
        let padded = label.padding(toLength: max(label.count, 48), withPad: " ", startingAt: 0)
        print("\(padded) \(String(format: "%8.0f", Double(f.count) / f.seconds)) uploads/s  \(String(format: "%7.1f", f.cpuSeconds / Double(f.count) * 1e6)) µs CPU/upload")
        flushStdout()
    }

    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    static let successBody = #"{"result":{"id":"2cdc28f0-017a-49c4-9ed7-87056c83901","filename":"a.png","uploaded":"2022-01-31T16:39:28.458Z","requireSignedURLs":false,"variants":["https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/2cdc28f0-017a-49c4-9ed7-87056c83901/public"],"meta":{"n":3,"sku":"A1"},"creator":"me"},"result_info":null,"success":true,"errors":[],"messages":[]}"#
}

/// Hands out 0, 1, 2... to the bench's tasks.
final class ManagedCounter: Sendable {
    private let value = Mutex(0)
    func take() -> Int { value.withLock { v in defer { v += 1 }; return v } }
}

/// An `HTTPClient` that answers from memory: the client's own cost, without a transport.
final class CannedHTTPClient: HTTPClient {
    let answer: HTTPClientResponse
    init(_ answer: HTTPClientResponse) { self.answer = answer }
    func execute(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse { answer }
    func shutdown() {}
}

import Foundation
import Testing
import HTTPClient
import HTTPServer
@testable import ImagesEmulator

/// The emulator behind its real HTTP server on an ephemeral loopback port.
@Suite struct ServerTests {
    static func multipart(_ fields: [(String, String)]) -> (contentType: String, body: [UInt8]) {
        let boundary = "b-\(UInt64.random(in: 0...UInt64.max))"
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)--\r\n"
        return ("multipart/form-data; boundary=\(boundary)", Array(body.utf8))
    }

    static func uploadRequest(_ emulator: ImagesEmulator, url: String, token: String = "t") -> HTTPClientRequest {
        let form = multipart([("url", url)])
        return HTTPClientRequest(method: "POST", url: emulator.baseURL + "/accounts/acc/images/v1",
                                 headers: [("Authorization", "Bearer \(token)"), ("Content-Type", form.contentType)],
                                 body: form.body, timeout: .seconds(60))
    }

    @Test func fiveHundredConcurrentUploadsAllSucceed() async throws {
        var config = ImagesEmulator.Configuration()
        config.token = "t"
        config.knobs.latency = .milliseconds(20)
        let emulator = ImagesEmulator(configuration: config)
        try emulator.start()
        let client = CurlHTTPClient(configuration: .init(maxConnectionsPerHost: 500))
        let statuses = await withTaskGroup(of: Int.self) { group in
            for i in 0..<500 {
                let request = Self.uploadRequest(emulator, url: emulator.originURL + "/batch/\(i)-64x48.png")
                group.addTask { (try? await client.execute(request))?.status ?? -1 }
            }
            return await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
        }
        client.shutdown()
        await emulator.stop()
        #expect(statuses == [200: 500])
        let stats = emulator.stats()
        #expect(stats.uploads.count == 500)
        #expect(stats.duplicateUploads.isEmpty)
        #expect(stats.responses == ["200": 500])
    }

    @Test func fetchesTheOriginOverLoopbackWhenAsked() async throws {
        var config = ImagesEmulator.Configuration()
        config.fetchesOwnOriginInProcess = false
        config.fetchTimeout = .seconds(30)  // generous: machines running tests are busy
        let emulator = ImagesEmulator(configuration: config)
        try emulator.start()
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let port = try #require(emulator.port)
        let cases: [(String, Int, Int?)] = [
            (emulator.originURL + "/a-300x200.webp", 200, nil),
            ("http://demo:secret@127.0.0.1:\(port)/origin/private.png", 200, nil),
            (emulator.originURL + "/private.png", 400, 5454),
            (emulator.originURL + "/large.png", 413, 5413),
            (emulator.originURL + "/html-as.png", 415, 5455),
        ]
        for (url, status, code) in cases {
            let r = try await client.execute(Self.uploadRequest(emulator, url: url))
            #expect(r.status == status, "\(url): \(String(decoding: r.body, as: UTF8.self))")
            let json = try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any]
            let codes = (json?["errors"] as? [[String: Any]])?.compactMap { $0["code"] as? Int }
            #expect(codes == (code.map { [$0] } ?? []), "\(url)")
        }
        // Every fetch went over HTTP: the origin counted each one.
        #expect(emulator.stats().originRequests == cases.count)
        await emulator.stop()
    }

    @Test func aSlowOriginTimesOutOverLoopback() async throws {
        var config = ImagesEmulator.Configuration()
        config.fetchesOwnOriginInProcess = false
        config.fetchTimeout = .milliseconds(300)
        let emulator = ImagesEmulator(configuration: config)
        try emulator.start()
        let client = CurlHTTPClient()
        defer { client.shutdown() }
        let r = try await client.execute(Self.uploadRequest(emulator, url: emulator.originURL + "/slow.png?ms=5000"))
        #expect(r.status == 400)
        #expect(String(decoding: r.body, as: UTF8.self).contains("\"code\":5454"))
        await emulator.stop()
    }

    @Test func droppedConnectionsReachTheClientAsTransportErrors() async throws {
        var config = ImagesEmulator.Configuration()
        config.knobs.dropRate = 1
        let emulator = ImagesEmulator(configuration: config)
        try emulator.start()
        let client = CurlHTTPClient()
        await #expect(throws: HTTPClientError.self) {
            _ = try await client.execute(Self.uploadRequest(emulator, url: emulator.originURL + "/a.png"))
        }
        client.shutdown()
        await emulator.stop()
        #expect(emulator.stats().responses == ["dropped": 1])
    }
}

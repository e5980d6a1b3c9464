import Foundation
import Testing
import HTTPServer
@testable import ImagesEmulator

@Suite struct StatsTests {
    @Test func countsUploadsPerNormalizedURLWithoutCredentials() async throws {
        let h = EmulatorHarness()
        let port = EmulatorHarness.inProcessPort
        _ = await h.upload([("url", "http://demo:secret@127.0.0.1:\(port)/origin/private.png")])
        _ = await h.upload([("url", "HTTP://demo:secret@127.0.0.1:\(port)/origin/private.png#x")])
        _ = await h.upload([("url", "http://127.0.0.1:\(port)/origin/missing.png")])
        _ = await h.upload([("url", "http://127.0.0.1:\(port)/origin/a.png")], headers: [("Authorization", "Bearer wrong")])

        let response = await h.emulator.handle(HTTPRequest(method: "GET", path: "/__emulator/stats"))
        #expect(response.status == 200)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        let key = "http://127.0.0.1:\(port)/origin/private.png"
        #expect(json["uploads"] as? [String: Int] == [key: 2])
        #expect(json["upload_attempts"] as? [String: Int] == [key: 2, "http://127.0.0.1:\(port)/origin/missing.png": 1])
        #expect(json["responses"] as? [String: Int] == ["200": 2, "400": 1, "401": 1])
        #expect(json["images"] as? Int == 2)
        #expect(json["origin_requests"] as? Int == 3)
        #expect(!String(decoding: response.body, as: UTF8.self).contains("secret"))

        let stats = h.emulator.stats()
        #expect(stats.totalUploads == 2)
        #expect(stats.duplicateUploads == [key: 2])
    }

    @Test func totalsAndDuplicatesWithoutPerURLMaps() async throws {
        let h = EmulatorHarness()
        for name in ["a.png", "a.png", "b.png"] { _ = await h.upload([("url", "\(h.origin)/\(name)")]) }
        let response = await h.emulator.handle(HTTPRequest(method: "GET", path: "/__emulator/stats", query: "per_url=false"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        #expect(json["uploads"] == nil)
        #expect(json["upload_attempts"] == nil)
        #expect(json["total_uploads"] as? Int == 3)
        #expect(json["distinct_urls"] as? Int == 2)
        #expect(json["duplicates"] as? [String: Int] == ["\(h.origin)/a.png": 2])
        #expect(json["responses"] as? [String: Int] == ["200": 3])
    }

    @Test func resetForgetsEverything() async throws {
        let h = EmulatorHarness()
        let id = try #require(Answer(await h.upload([("url", "\(h.origin)/a.png")])).result?["id"] as? String)
        let reset = await h.emulator.handle(HTTPRequest(method: "POST", path: "/__emulator/reset"))
        #expect(reset.status == 200)
        #expect(h.emulator.stats() == EmulatorStats())
        #expect(h.emulator.image(id: id) == nil)
    }

    @Test func decodesAsEmulatorStats() async throws {
        let h = EmulatorHarness()
        _ = await h.upload([("url", "\(h.origin)/a.png")])
        let body = await h.emulator.handle(HTTPRequest(method: "GET", path: "/__emulator/stats")).body
        let decoded = try JSONDecoder().decode(EmulatorStats.self, from: Data(body))
        #expect(decoded == h.emulator.stats())
    }
}

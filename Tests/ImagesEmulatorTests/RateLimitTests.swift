import Foundation
import Testing
import HTTPServer
@testable import ImagesEmulator

@Suite struct RateLimitTests {
    @Test func headersCountDownThen429WithRetryAfter() async throws {
        let h = EmulatorHarness { $0.knobs.rateLimit = ImagesEmulator.RateLimit(quota: 3, window: .seconds(60)) }
        for remaining in [2, 1, 0] {
            let r = await h.upload([("url", "\(h.origin)/a\(remaining).png")])
            #expect(r.status == 200)
            let header = try #require(r.header("Ratelimit"))
            #expect(header.hasPrefix("\"default\";r=\(remaining);t="))
            #expect(r.header("Ratelimit-Policy") == "\"burst\";q=3;w=60")
            #expect(r.header("Retry-After") == nil)
        }
        let limited = await h.upload([("url", "\(h.origin)/b.png")])
        #expect(limited.status == 429)
        #expect(Answer(limited).errorCodes == [971])
        // Going over blocks for a whole window, as Cloudflare does.
        #expect(limited.header("Retry-After") == "60")
        #expect(limited.header("Ratelimit")?.hasPrefix("\"default\";r=0;t=") == true)
        // Reads count against the budget too.
        #expect(await h.get("anything").status == 429)
        #expect(h.emulator.stats().responses["429"] == 2)
    }

    @Test func noLimitNoHeaders() async {
        let h = EmulatorHarness()
        let r = await h.upload([("url", "\(h.origin)/a.png")])
        #expect(r.header("Ratelimit") == nil)
        #expect(r.header("Ratelimit-Policy") == nil)
    }

    @Test func throttleIsAStormOf429sThatEnds() async throws {
        let h = EmulatorHarness()
        h.emulator.throttle(for: .milliseconds(300))
        let during = await h.upload([("url", "\(h.origin)/a.png")])
        #expect(during.status == 429)
        #expect(Answer(during).errorCodes == [971])
        #expect(during.header("Retry-After") == "1")
        try await Task.sleep(for: .milliseconds(400))
        #expect(await h.upload([("url", "\(h.origin)/a.png")]).status == 200)
    }

    @Test func controlEndpointChangesKnobsAtRunTime() async throws {
        let h = EmulatorHarness()
        let post = HTTPRequest(method: "POST", path: "/__emulator/config",
                               body: Array(#"{"rate_limit":"1/30s","latency":"1ms","fail_rate":0}"#.utf8))
        let answer = Answer(await h.emulator.handle(post))
        #expect(answer.status == 200)
        #expect(answer.json["rate_limit"] as? String == "1/30s")
        #expect(answer.json["latency"] as? String == "1ms")
        #expect(await h.upload([("url", "\(h.origin)/a.png")]).status == 200)
        #expect(await h.upload([("url", "\(h.origin)/b.png")]).status == 429)

        let lift = HTTPRequest(method: "POST", path: "/__emulator/config", body: Array(#"{"rate_limit":null}"#.utf8))
        #expect(await h.emulator.handle(lift).status == 200)
        #expect(await h.upload([("url", "\(h.origin)/b.png")]).status == 200)

        let storm = HTTPRequest(method: "POST", path: "/__emulator/config", body: Array(#"{"throttle":"30s"}"#.utf8))
        #expect(await h.emulator.handle(storm).status == 200)
        #expect(await h.upload([("url", "\(h.origin)/c.png")]).header("Retry-After") == "30")
    }

    @Test(arguments: [#"{"fail_rate":2}"#, #"{"rate_limit":"lots"}"#, #"{"latency":"soon"}"#, #"{"nope":1}"#, "[]"])
    func controlEndpointRejectsBadValues(_ body: String) async {
        let h = EmulatorHarness()
        let r = await h.emulator.handle(HTTPRequest(method: "POST", path: "/__emulator/config", body: Array(body.utf8)))
        #expect(r.status == 400)
        #expect(h.emulator.knobs == ImagesEmulator.Knobs())
    }

    @Test(arguments: [("1200/300s", 1200, 300.0), ("10/1s", 10, 1), ("5/500ms", 5, 0.5), ("0/1m", 0, 60)])
    func parsesRateLimits(_ text: String, quota: Int, seconds: Double) throws {
        let limit = try #require(ImagesEmulator.RateLimit(parsing: text))
        #expect(limit.quota == quota)
        #expect(limit.window == .milliseconds(Int64(seconds * 1000)))
    }

    @Test(arguments: ["", "1200", "x/300s", "10/0s", "-1/1s", "10/5parsecs"])
    func rejectsBadRateLimits(_ text: String) {
        #expect(ImagesEmulator.RateLimit(parsing: text) == nil)
    }
}

import Foundation
import Testing
import HTTPServer
@testable import ImagesEmulator

/// The emulator's bodies against the shapes of Cloudflare's OpenAPI schema (the fixture).
@Suite struct ResponseShapeTests {
    let checker: ShapeChecker
    init() throws { checker = try ShapeChecker.load() }

    @Test func uploadDetailsListDelete() async throws {
        let h = EmulatorHarness()
        let upload = await h.upload([("url", "\(h.origin)/a.png"), ("metadata", "{\"a\":[1,true,null]}"), ("creator", "me")])
        #expect(checker.problems(body: upload.body, shape: "success_image") == [])
        let plain = await h.upload([("url", "\(h.origin)/b.webp")])
        #expect(checker.problems(body: plain.body, shape: "success_image") == [])
        let id = try #require(Answer(upload).result?["id"] as? String)
        #expect(checker.problems(body: await h.get(id).body, shape: "success_image") == [])
        let auth = [("Authorization", "Bearer \(EmulatorHarness.token)")]
        let list = await h.emulator.handle(HTTPRequest(method: "GET", path: EmulatorHarness.imagesPath, headers: auth))
        #expect(checker.problems(body: list.body, shape: "success_list") == [])
        let delete = await h.emulator.handle(HTTPRequest(method: "DELETE", path: EmulatorHarness.imagesPath + "/" + id, headers: auth))
        #expect(checker.problems(body: delete.body, shape: "success_delete") == [])
    }

    @Test(arguments: UploadCase.all.filter { $0.code != nil })
    func everyFailure(_ row: UploadCase) async {
        let h = BehaviourTableTests.harness
        let r = await h.upload(row.fields, headers: row.headers)
        #expect(checker.problems(body: r.body, shape: "failure") == [])
        #expect(r.header("Content-Type") == "application/json")
    }

    @Test func rateLimitedAndInjectedFailures() async {
        let limited = EmulatorHarness { $0.knobs.rateLimit = .init(quota: 0, window: .seconds(10)) }
        #expect(checker.problems(body: await limited.get("x").body, shape: "failure") == [])
        let failing = EmulatorHarness { $0.knobs.failRate = 1 }
        #expect(checker.problems(body: await failing.get("x").body, shape: "failure") == [])
    }

    /// The checker itself must catch what it is there for.
    @Test func checkerCatchesMistakes() {
        let wrong: [String: Any] = ["success": true, "errors": [], "messages": [],
                                    "result": ["id": "x", "uploaded": "2024-01-01T00:00:00Z", "requireSignedURLs": "no", "variants": [], "metadata": [:]]]
        let problems = checker.problems(wrong, shape: "success_image")
        #expect(problems.contains { $0.contains("unexpected field metadata") })
        #expect(problems.contains { $0.contains("requireSignedURLs") })
        #expect(problems.contains { $0.contains("milliseconds") })
        #expect(checker.problems(["success": false, "errors": [], "messages": [], "result": NSNull()], shape: "failure") != [])
    }
}

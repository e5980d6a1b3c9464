import Foundation
import Testing
import HTTPServer
@testable import ImagesEmulator

/// Each row: what an upload sends, and the status and Cloudflare code the API answers.
struct UploadCase: CustomTestStringConvertible, Sendable {
    let name: String
    let fields: [(String, String)]
    var headers: [(String, String)]? = nil
    let status: Int
    /// nil for success.
    let code: Int?

    var testDescription: String { name }

    static let origin = "http://127.0.0.1:\(EmulatorHarness.inProcessPort)/origin"
    static let uuid = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"

    static let all: [UploadCase] = [
        // Success, one per format.
        UploadCase(name: "png", fields: [("url", "\(origin)/a-800x600.png")], status: 200, code: nil),
        UploadCase(name: "jpeg", fields: [("url", "\(origin)/a-1024x768.jpg")], status: 200, code: nil),
        UploadCase(name: "gif", fields: [("url", "\(origin)/a-320x200.gif")], status: 200, code: nil),
        UploadCase(name: "webp", fields: [("url", "\(origin)/a-640x480.webp")], status: 200, code: nil),
        UploadCase(name: "svg", fields: [("url", "\(origin)/logo.svg")], status: 200, code: nil),
        UploadCase(name: "exactly the side limit", fields: [("url", "\(origin)/12000x10.png")], status: 200, code: nil),
        UploadCase(name: "basic auth from the URL", fields: [("url", "http://demo:secret@127.0.0.1:\(EmulatorHarness.inProcessPort)/origin/private.png")], status: 200, code: nil),
        UploadCase(name: "signed URLs without a custom id", fields: [("url", "\(origin)/s.png"), ("requireSignedURLs", "true")], status: 200, code: nil),
        UploadCase(name: "custom id with slashes", fields: [("url", "\(origin)/b.png"), ("id", "products/42/front")], status: 200, code: nil),
        UploadCase(name: "metadata of 1024 bytes", fields: [("url", "\(origin)/c.png"), ("metadata", "{\"k\":\"" + String(repeating: "x", count: 1016) + "\"}")], status: 200, code: nil),
        // Authentication.
        UploadCase(name: "no Authorization", fields: [("url", "\(origin)/a.png")], headers: [], status: 400, code: 6003),
        UploadCase(name: "malformed Authorization", fields: [("url", "\(origin)/a.png")], headers: [("Authorization", "Token abc")], status: 400, code: 6111),
        UploadCase(name: "wrong token", fields: [("url", "\(origin)/a.png")], headers: [("Authorization", "Bearer wrong")], status: 401, code: 10000),
        UploadCase(name: "legacy key, wrong", fields: [("url", "\(origin)/a.png")], headers: [("X-Auth-Email", "a@b.c"), ("X-Auth-Key", "nope")], status: 401, code: 10000),
        UploadCase(name: "legacy key, right", fields: [("url", "\(origin)/d.png")], headers: [("X-Auth-Email", "a@b.c"), ("X-Auth-Key", EmulatorHarness.token)], status: 200, code: nil),
        // The form.
        UploadCase(name: "neither url nor file", fields: [("id", "x")], status: 400, code: 5400),
        UploadCase(name: "url not http", fields: [("url", "ftp://example.com/a.png")], status: 400, code: 5400),
        UploadCase(name: "requireSignedURLs not a boolean", fields: [("url", "\(origin)/a.png"), ("requireSignedURLs", "maybe")], status: 400, code: 5400),
        UploadCase(name: "metadata over 1024 bytes", fields: [("url", "\(origin)/a.png"), ("metadata", "{\"k\":\"" + String(repeating: "x", count: 1017) + "\"}")], status: 400, code: 5400),
        UploadCase(name: "metadata not an object", fields: [("url", "\(origin)/a.png"), ("metadata", "[1,2]")], status: 400, code: 5400),
        UploadCase(name: "creator over 1024 characters", fields: [("url", "\(origin)/a.png"), ("creator", String(repeating: "c", count: 1025))], status: 400, code: 5400),
        // Custom IDs.
        UploadCase(name: "id is a UUID", fields: [("url", "\(origin)/a.png"), ("id", uuid)], status: 400, code: 5411),
        UploadCase(name: "id starts with /", fields: [("url", "\(origin)/a.png"), ("id", "/a")], status: 400, code: 5411),
        UploadCase(name: "id ends with /", fields: [("url", "\(origin)/a.png"), ("id", "a/")], status: 400, code: 5411),
        UploadCase(name: "id over 1024 characters", fields: [("url", "\(origin)/a.png"), ("id", String(repeating: "i", count: 1025))], status: 400, code: 5411),
        UploadCase(name: "id with a non-image extension", fields: [("url", "\(origin)/a.png"), ("id", "page.html")], status: 400, code: 5411),
        UploadCase(name: "custom id with signed URLs", fields: [("url", "\(origin)/a.png"), ("id", "signed"), ("requireSignedURLs", "true")], status: 400, code: 5410),
        // The origin.
        UploadCase(name: "origin 404", fields: [("url", "\(origin)/missing.png")], status: 400, code: 5454),
        UploadCase(name: "origin 500", fields: [("url", "\(origin)/error.png")], status: 400, code: 5454),
        UploadCase(name: "origin wants credentials", fields: [("url", "\(origin)/private.png")], status: 400, code: 5454),
        UploadCase(name: "origin wrong credentials", fields: [("url", "http://demo:nope@127.0.0.1:\(EmulatorHarness.inProcessPort)/origin/private.png")], status: 400, code: 5454),
        UploadCase(name: "origin too slow", fields: [("url", "\(origin)/slow.png?ms=5000")], status: 400, code: 5454),
        UploadCase(name: "origin refuses the connection", fields: [("url", "http://127.0.0.1:9/a.png")], status: 400, code: 5454),
        UploadCase(name: "imagedelivery.net", fields: [("url", "https://imagedelivery.net/hash/id/public")], status: 400, code: 5454),
        // The content.
        UploadCase(name: "HTML page", fields: [("url", "\(origin)/not-an-image.html")], status: 415, code: 5455),
        UploadCase(name: "HTML sent as image/png", fields: [("url", "\(origin)/html-as.png")], status: 415, code: 5455),
        UploadCase(name: "over 10 MB", fields: [("url", "\(origin)/large.png")], status: 413, code: 5413),
        UploadCase(name: "over 12,000 px", fields: [("url", "\(origin)/too-wide.png")], status: 400, code: 5443),
        UploadCase(name: "over 100 megapixels", fields: [("url", "\(origin)/too-many-pixels.gif")], status: 400, code: 5443),
        UploadCase(name: "animated GIF", fields: [("url", "\(origin)/animated.gif")], status: 200, code: nil),
        UploadCase(name: "animation over 100 megapixels in all", fields: [("url", "\(origin)/animated-too-many-pixels.gif")], status: 400, code: 5443),
        UploadCase(name: "undecodable header", fields: [("url", "\(origin)/corrupt.png")], status: 422, code: 9422),
    ]
}

@Suite struct BehaviourTableTests {
    /// One emulator for the table: a short fetch timeout keeps the slow-origin row quick.
    static let harness = EmulatorHarness { $0.fetchTimeout = .milliseconds(300) }

    @Test(arguments: UploadCase.all)
    func upload(_ row: UploadCase) async throws {
        let answer = Answer(await Self.harness.upload(row.fields, headers: row.headers))
        #expect(answer.status == row.status)
        if let code = row.code {
            #expect(answer.success == false)
            #expect(answer.errorCodes == [code])
            #expect(answer.json["result"] is NSNull)
        } else {
            #expect(answer.success == true)
            #expect(answer.errorCodes.isEmpty)
            let id = try #require(answer.result?["id"] as? String)
            #expect(Answer(await Self.harness.get(id)).status == 200)
        }
    }

    @Test func notMultipart() async {
        var request = EmulatorHarness.uploadRequest([("url", "\(UploadCase.origin)/a.png")])
        request.headers = [("authorization", "Bearer \(EmulatorHarness.token)"), ("content-type", "application/json")]
        request.body = Array("{\"url\":\"\(UploadCase.origin)/a.png\"}".utf8)
        let answer = Answer(await Self.harness.emulator.handle(request))
        #expect(answer.status == 415)
        #expect(answer.errorCodes == [5415])
    }

    @Test func urlAndFileTogether() async {
        let request = EmulatorHarness.uploadRequest([("url", "\(UploadCase.origin)/a.png")], file: ("a.png", SyntheticImage.png(width: 2, height: 2)))
        let answer = Answer(await Self.harness.emulator.handle(request))
        #expect(answer.status == 400)
        #expect(answer.errorCodes == [5400])
    }

    @Test(arguments: [
        ("/client/v4/accounts/\(EmulatorHarness.account)/images/v2", "GET", 400, 7000),
        ("/client/v4/zones/x/images/v1", "GET", 400, 7000),
        ("/client/v4/accounts/\(EmulatorHarness.account)/images/v1", "PUT", 400, 7000),
        ("/client/v4/accounts/0000/images/v1/x", "GET", 403, 10000),
        ("/client/v4/accounts/\(EmulatorHarness.account)/images/v1/nope", "GET", 404, 5404),
        ("/client/v4/accounts/\(EmulatorHarness.account)/images/v1/nope", "DELETE", 404, 5404),
    ])
    func otherRoutes(path: String, method: String, status: Int, code: Int) async {
        let request = HTTPRequest(method: method, path: path, headers: [("Authorization", "Bearer \(EmulatorHarness.token)")])
        let answer = Answer(await Self.harness.emulator.handle(request))
        #expect(answer.status == status)
        #expect(answer.errorCodes == [code])
    }
}

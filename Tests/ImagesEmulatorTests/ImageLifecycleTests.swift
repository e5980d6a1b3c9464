import Foundation
import Testing
import HTTPServer
@testable import ImagesEmulator

@Suite struct ImageLifecycleTests {
    @Test func detailsMatchTheUpload() async throws {
        let h = EmulatorHarness { $0.variants = ["public", "thumbnail"]; $0.accountHash = "Vi7wi5KSItxGFsWRG2Us6Q" }
        let up = Answer(await h.upload([
            ("url", "\(h.origin)/photos/cat%20one-800x600.jpg?v=1#frag"),
            ("metadata", "{\"sku\":\"A-1\",\"n\":3}"), ("creator", "worker-1"),
        ]))
        #expect(up.status == 200)
        let result = try #require(up.result)
        let id = try #require(result["id"] as? String)
        #expect(result["filename"] as? String == "cat one-800x600.jpg")
        #expect(result["requireSignedURLs"] as? Bool == false)
        #expect(result["creator"] as? String == "worker-1")
        #expect((result["meta"] as? [String: Any])?["sku"] as? String == "A-1")
        #expect(result["variants"] as? [String] == [
            "https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/\(id)/public",
            "https://imagedelivery.net/Vi7wi5KSItxGFsWRG2Us6Q/\(id)/thumbnail",
        ])
        let uploaded = try #require(result["uploaded"] as? String)
        #expect(uploaded.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) != nil)

        let details = Answer(await h.get(id))
        #expect(details.status == 200)
        #expect(ShapeChecker.canonical(details.result ?? [:]) == ShapeChecker.canonical(result))
        let image = try #require(h.emulator.image(id: id))
        #expect(image.metadata?["sku"] == .string("A-1"))
    }

    @Test func customIDTakenAndFetchedWithEncodedSlashes() async throws {
        let h = EmulatorHarness()
        let id = "products/42/front view"
        #expect(Answer(await h.upload([("url", "\(h.origin)/a.png"), ("id", id)])).status == 200)
        let again = Answer(await h.upload([("url", "\(h.origin)/b.png"), ("id", id)]))
        #expect(again.status == 409)
        #expect(again.errorCodes == [5409])
        let details = Answer(await h.get(id))
        #expect(details.status == 200)
        #expect(details.result?["id"] as? String == id)
        #expect(details.result?["filename"] as? String == "a.png")
    }

    @Test func concurrentUploadsOfOneCustomIDCreateOneImage() async {
        let h = EmulatorHarness()
        let statuses = await withTaskGroup(of: Int.self) { group in
            for i in 0..<20 {
                group.addTask { await h.upload([("url", "\(h.origin)/r\(i).png"), ("id", "same-id")]).status }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 200 }.count == 1)
        #expect(statuses.filter { $0 == 409 }.count == 19)
        #expect(h.emulator.stats().images == 1)
    }

    @Test func deleteThenNotFound() async throws {
        let h = EmulatorHarness()
        let id = try #require(Answer(await h.upload([("url", "\(h.origin)/a.png")])).result?["id"] as? String)
        let delete = HTTPRequest(method: "DELETE", path: EmulatorHarness.imagesPath + "/" + id,
                                 headers: [("Authorization", "Bearer \(EmulatorHarness.token)")])
        let deleted = Answer(await h.emulator.handle(delete))
        #expect(deleted.status == 200)
        #expect(deleted.success == true)
        #expect(Answer(await h.get(id)).errorCodes == [5404])
    }

    @Test func fileUpload() async throws {
        let h = EmulatorHarness()
        let request = EmulatorHarness.uploadRequest([], file: ("local.gif", SyntheticImage.gif(width: 30, height: 20)))
        let answer = Answer(await h.emulator.handle(request))
        #expect(answer.status == 200)
        #expect(answer.result?["filename"] as? String == "local.gif")
        let html = EmulatorHarness.uploadRequest([], file: ("x.png", Array(BuiltInOrigin.html.utf8)))
        #expect(Answer(await h.emulator.handle(html)).errorCodes == [5455])
        #expect(h.emulator.stats().fileUploads == 1)
    }

    @Test func anyTokenWhenNoneIsConfigured() async {
        let h = EmulatorHarness { $0.token = nil; $0.accountID = nil }
        let answer = Answer(await h.upload([("url", "\(h.origin)/a.png")], headers: [("Authorization", "Bearer whatever")]))
        #expect(answer.status == 200)
    }

    @Test func listsImages() async throws {
        let h = EmulatorHarness()
        for i in 0..<3 { _ = await h.upload([("url", "\(h.origin)/l\(i).png")]) }
        let list = Answer(await h.emulator.handle(HTTPRequest(method: "GET", path: EmulatorHarness.imagesPath,
                                                              headers: [("Authorization", "Bearer \(EmulatorHarness.token)")])))
        #expect(list.status == 200)
        #expect((list.result?["images"] as? [Any])?.count == 3)
    }
}

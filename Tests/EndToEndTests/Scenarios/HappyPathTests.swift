import CloudflareImages
import Foundation
import Testing

@Suite("End to end: happy path and duplicates")
struct HappyPathTests {
    @Test("every request becomes one upload and one result event; SIGTERM at the end exits 0")
    func happyPath() async throws {
        try await withHarness("happy") { h in
            let worker = try h.startWorker("w1")
            var specs = (0..<40).map { i in
                RequestSpec.upload(h.originURL("photo-\(i)-320x240.png"), requestID: "happy-\(i)")
            }
            specs.append(.upload(h.originURL("meta-64x64.jpg"), requestID: "happy-meta",
                                 fields: ["metadata": ["sku": "A-1", "n": 3], "creator": "e2e-creator"]))
            specs.append(.upload(h.originURL("custom-64x64.png"), requestID: "happy-custom", fields: ["id": "e2e/custom-1"]))
            specs.append(.upload(h.originURL("signed-64x64.webp"), requestID: "happy-signed", fields: ["requireSignedURLs": true]))
            try await h.produce(specs)
            let events = try await h.waitForTerminalEvents()

            let report = try await h.expectDelivery()
            #expect(report.errors == 0)
            #expect(h.emulator.stats().totalUploads == specs.count, "\(h.emulator.stats())")
            let byID = Dictionary(events.map { ($0.requestID ?? "", $0) }, uniquingKeysWith: { a, _ in a })
            let meta = try #require(byID["happy-meta"]?.image)
            #expect(meta["metadata"] == .object(["sku": "A-1", "n": 3]))
            #expect(meta["creator"]?.string == "e2e-creator")
            #expect(byID["happy-custom"]?.image?["id"]?.string == "e2e/custom-1")
            #expect(byID["happy-signed"]?.image?["requireSignedURLs"]?.bool == true)
            #expect(events.allSatisfy { $0.deduplicated == false }, "no URL repeats, so nothing is deduplicated")

            let exit = await worker.stop(grace: .seconds(20))
            #expect(exit == .status(0), "\(h.logs())")
        }
    }

    @Test("one URL requested 50 times, 25 at once: one upload, 50 result events with the same image")
    func oneURLFiftyTimes() async throws {
        try await withHarness("dupes") { h in
            try h.startWorker("w1")
            let url = h.originURL("same-200x200.png")
            let port = h.emulator.port!
            // Spellings of one normalized URL: scheme/host case, default port... the key is the same.
            let spellings = [
                url,
                url.replacingOccurrences(of: "http://", with: "HTTP://"),
                url + "#fragment",
                url.replacingOccurrences(of: "http://127.0.0.1:\(port)", with: "http://user:pass@127.0.0.1:\(port)"),
            ]
            let first = (0..<25).map { i in RequestSpec.upload(spellings[i % spellings.count], requestID: "dupe-\(i)") }
            try await h.produce(first)
            try await h.waitForTerminalEvents()
            // The rest in small batches, after the first upload is in the store.
            for batch in 0..<5 {
                let specs = (0..<5).map { j -> RequestSpec in
                    let i = 25 + batch * 5 + j
                    return .upload(spellings[i % spellings.count], requestID: "dupe-\(i)")
                }
                try await h.produce(specs)
            }
            let events = try await h.waitForTerminalEvents()

            let report = try await h.expectDelivery()
            #expect(report.results == 50 && report.errors == 0, "\(report)")
            let stats = h.emulator.stats()
            #expect(stats.totalUploads == 1, "\(stats)")
            #expect(stats.uploadAttempts.values.reduce(0, +) == 1, "requests for one URL in flight at once share one API call: \(stats)")
            let imageIDs = Set(events.compactMap { $0.image?["id"]?.string })
            #expect(imageIDs.count == 1, "\(imageIDs)")
            #expect(events.filter { $0.deduplicated == true }.count >= 25, "at least the later 25 come from the store")
            #expect(events.allSatisfy { $0.sourceURL.map { !$0.contains("user:pass") } ?? false }, "sourceUrl drops user-info")
        }
    }
}

import CloudflareImages
import Foundation
import HTTPClient
import Testing
@testable import ImagesEmulator

/// The project's own `ImagesClient` against the emulator over HTTP: every error the emulator can
/// give lands in the kind the worker acts on.
@Suite struct ImagesClientAgainstEmulatorTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let path: String
        let id: String?
        let kind: ImagesAPIError.Kind?
        var testDescription: String { "\(path) -> \(kind?.rawValue ?? "success")" }
    }

    static let rows: [Row] = [
        Row(path: "ok-800x600.jpg", id: nil, kind: nil),
        Row(path: "missing.png", id: nil, kind: .sourceRejected),
        Row(path: "error.png", id: nil, kind: .sourceRejected),
        Row(path: "private.png", id: nil, kind: .sourceRejected),
        Row(path: "not-an-image.html", id: nil, kind: .sourceRejected),
        Row(path: "large.png", id: nil, kind: .sourceRejected),
        Row(path: "too-wide.png", id: nil, kind: .sourceRejected),
        Row(path: "too-many-pixels.gif", id: nil, kind: .sourceRejected),
        Row(path: "corrupt.png", id: nil, kind: .sourceRejected),
    ]

    static func start(_ configure: (inout ImagesEmulator.Configuration) -> Void = { _ in }) throws -> (ImagesEmulator, ImagesClient, CurlHTTPClient) {
        var config = ImagesEmulator.Configuration()
        config.token = "client-token"
        config.accountID = "acc"
        configure(&config)
        let emulator = ImagesEmulator(configuration: config)
        try emulator.start()
        let http = CurlHTTPClient()
        let client = try ImagesClient(configuration: .init(accountID: "acc", apiToken: "client-token", baseURL: emulator.baseURL, requestTimeout: .seconds(30)), httpClient: http)
        return (emulator, client, http)
    }

    @Test(arguments: rows)
    func uploadOutcome(_ row: Row) async throws {
        let (emulator, client, http) = try Self.start()
        defer { http.shutdown() }
        do {
            let image = try await client.upload(url: emulator.originURL + "/" + row.path, id: row.id, metadata: ["row": .string(row.path)])
            #expect(row.kind == nil)
            #expect(image.metadata?["row"] == .string(row.path))
            #expect(try await client.image(id: image.id) == image)
        } catch {
            #expect(error.kind == row.kind, "\(error)")
        }
        await emulator.stop()
    }

    @Test func customIDTakenThenFetched() async throws {
        let (emulator, client, http) = try Self.start()
        defer { http.shutdown() }
        let first = try await client.upload(url: emulator.originURL + "/x.png", id: "shop/item 1")
        do {
            _ = try await client.upload(url: emulator.originURL + "/y.png", id: "shop/item 1")
            Issue.record("a taken ID must fail")
        } catch {
            #expect(error.kind == .alreadyExists)
        }
        #expect(try await client.image(id: "shop/item 1") == first)
        await emulator.stop()
    }

    @Test func rateLimitedWithRetryAfter() async throws {
        let (emulator, client, http) = try Self.start { $0.knobs.rateLimit = .init(quota: 1, window: .seconds(30)) }
        defer { http.shutdown() }
        let ok = try await client.uploadResponse(UploadRequest(url: emulator.originURL + "/a.png"))
        #expect(ok.rateLimit?.remaining == 0)
        do {
            _ = try await client.upload(url: emulator.originURL + "/b.png")
            Issue.record("over the limit must fail")
        } catch {
            #expect(error.kind == .rateLimited)
            let retryAfter = try #require(error.retryAfter)
            #expect(retryAfter > .zero && retryAfter <= .seconds(30))
        }
        await emulator.stop()
    }

    @Test func wrongTokenFailuresAndDrops() async throws {
        let (emulator, _, http) = try Self.start()
        defer { http.shutdown() }
        let wrong = try ImagesClient(configuration: .init(accountID: "acc", apiToken: "nope", baseURL: emulator.baseURL), httpClient: http)
        await #expect(throws: ImagesAPIError.self) { _ = try await wrong.upload(url: emulator.originURL + "/a.png") }
        do { _ = try await wrong.upload(url: emulator.originURL + "/a.png") } catch { #expect(error.kind == .unauthorized) }

        let client = try ImagesClient(configuration: .init(accountID: "acc", apiToken: "client-token", baseURL: emulator.baseURL), httpClient: http)
        for (knobs, kind) in [(ImagesEmulator.Knobs(failRate: 1), ImagesAPIError.Kind.transient), (ImagesEmulator.Knobs(dropRate: 1), .transient)] {
            emulator.updateKnobs { $0 = knobs }
            do {
                _ = try await client.upload(url: emulator.originURL + "/a.png")
                Issue.record("an injected fault must fail")
            } catch {
                #expect(error.kind == kind)
            }
        }
        await emulator.stop()
    }

    @Test func invalidRequestsNeverReachTheEmulator() async throws {
        let (emulator, client, http) = try Self.start()
        defer { http.shutdown() }
        for (url, id) in [(emulator.originURL + "/a.png", "0a1b2c3d-4e5f-6789-abcd-ef0123456789"), (emulator.originURL + "/a.png", "/lead"), ("ftp://x/a.png", nil)] as [(String, String?)] {
            do {
                _ = try await client.upload(url: url, id: id)
                Issue.record("must be refused before sending")
            } catch {
                #expect(error.kind == .invalidRequest)
            }
        }
        #expect(emulator.stats().responses.isEmpty)
        await emulator.stop()
    }
}

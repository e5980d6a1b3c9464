import CloudflareImages
import Testing
@testable import UploadWorker

@Suite("Source URL normalization and idempotency key")
struct IdempotencySourceURLTests {
    struct Case: Sendable, CustomStringConvertible {
        var input: String
        var normalized: String
        var redacted: String
        var description: String { input }
    }

    static let cases: [Case] = [
        Case(input: "https://example.com/a.png", normalized: "https://example.com/a.png", redacted: "https://example.com/a.png"),
        Case(input: "HTTPS://Example.COM/A.png", normalized: "https://example.com/A.png", redacted: "HTTPS://Example.COM/A.png"),
        Case(input: "https://example.com:443/a.png", normalized: "https://example.com/a.png", redacted: "https://example.com:443/a.png"),
        Case(input: "http://example.com:80/a.png", normalized: "http://example.com/a.png", redacted: "http://example.com:80/a.png"),
        Case(input: "http://example.com:443/a.png", normalized: "http://example.com:443/a.png", redacted: "http://example.com:443/a.png"),
        Case(input: "https://example.com:8443/a.png", normalized: "https://example.com:8443/a.png", redacted: "https://example.com:8443/a.png"),
        Case(input: "https://example.com:/a.png", normalized: "https://example.com/a.png", redacted: "https://example.com:/a.png"),
        Case(input: "https://example.com:0443/a.png", normalized: "https://example.com/a.png", redacted: "https://example.com:0443/a.png"),
        Case(input: "https://user:secret@example.com/a.png", normalized: "https://example.com/a.png", redacted: "https://example.com/a.png"),
        Case(input: "https://user@example.com/a.png", normalized: "https://example.com/a.png", redacted: "https://example.com/a.png"),
        Case(input: "https://us%40er:p@ss@Example.com/a.png", normalized: "https://example.com/a.png", redacted: "https://Example.com/a.png"),
        Case(input: "https://example.com/a.png#frag", normalized: "https://example.com/a.png", redacted: "https://example.com/a.png#frag"),
        Case(input: "https://example.com/a.png?b=2&a=1", normalized: "https://example.com/a.png?b=2&a=1", redacted: "https://example.com/a.png?b=2&a=1"),
        Case(input: "https://example.com/A%2Fb/./c.png?X=Y#z", normalized: "https://example.com/A%2Fb/./c.png?X=Y", redacted: "https://example.com/A%2Fb/./c.png?X=Y#z"),
        Case(input: "https://example.com", normalized: "https://example.com/", redacted: "https://example.com"),
        Case(input: "https://example.com?q=1", normalized: "https://example.com/?q=1", redacted: "https://example.com?q=1"),
        Case(input: "https://example.com#top", normalized: "https://example.com/", redacted: "https://example.com#top"),
        Case(input: "http://[2001:DB8::1]:80/i.gif", normalized: "http://[2001:db8::1]/i.gif", redacted: "http://[2001:DB8::1]:80/i.gif"),
        Case(input: "http://[::1]:8080/i.gif", normalized: "http://[::1]:8080/i.gif", redacted: "http://[::1]:8080/i.gif"),
        Case(input: "http://127.0.0.1:9000/img", normalized: "http://127.0.0.1:9000/img", redacted: "http://127.0.0.1:9000/img"),
        Case(input: "https://example.com/caf%C3%A9.png", normalized: "https://example.com/caf%C3%A9.png", redacted: "https://example.com/caf%C3%A9.png"),
        Case(input: "https://example.com/a@b.png", normalized: "https://example.com/a@b.png", redacted: "https://example.com/a@b.png"),
    ]

    @Test("normalizes", arguments: cases)
    func normalizes(_ c: Case) throws {
        let url = try SourceURL(parsing: c.input)
        #expect(url.normalized == c.normalized)
        #expect(url.redacted == c.redacted)
        #expect(url.original == c.input)
        #expect(url.idempotencyKey == IdempotencyKey(normalizedURL: c.normalized))
        #expect(url.idempotencyKey.hex == SHA256.hash(c.normalized).hex)
    }

    @Test("equivalent spellings share one key")
    func equivalentSpellingsShareAKey() throws {
        let spellings = [
            "https://example.com/cat.jpg", "HTTPS://EXAMPLE.com/cat.jpg", "https://example.com:443/cat.jpg",
            "https://bob:pw@example.com/cat.jpg", "https://example.com/cat.jpg#x",
        ]
        let keys = try Set(spellings.map { try SourceURL(parsing: $0).idempotencyKey })
        #expect(keys.count == 1)
        #expect(try SourceURL(parsing: "https://example.com/Cat.jpg").idempotencyKey != keys.first)
        #expect(try SourceURL(parsing: "http://example.com/cat.jpg").idempotencyKey != keys.first)
    }

    @Test("a known key")
    func knownKey() throws {
        // printf 'https://example.com/a.png' | sha256sum
        #expect(try SourceURL(parsing: "https://User:Pw@EXAMPLE.com:443/a.png#f").idempotencyKey.hex
            == "494a30704d4f32ac0b81739d18a66d3638d440cbc6f5669f6af66f840edee5ab")
    }

    static let rejected: [(input: String, reason: SourceURLError.Reason)] = [
        ("", .invalid),
        ("example.com/a.png", .invalid),
        ("/a.png", .invalid),
        ("ftp://example.com/a.png", .unsupportedScheme),
        ("file:///etc/passwd", .unsupportedScheme),
        ("data:image/png;base64,AAAA", .unsupportedScheme),
        ("javascript:alert(1)", .unsupportedScheme),
        ("https:/example.com/a.png", .invalid),
        ("https:///a.png", .invalid),
        ("https://user:pw@/a.png", .invalid),
        ("https://example.com:99999/a.png", .invalid),
        ("https://example.com:8o/a.png", .invalid),
        ("https://exa mple.com/a.png", .invalid),
        ("https://example.com/a b.png", .invalid),
        ("https://example.com/a\n.png", .invalid),
        ("https://bücher.example/a.png", .invalid),
        ("https://[::1/a.png", .invalid),
        ("https://[zz::1]/a.png", .invalid),
        ("https://ex<ample.com/a.png", .invalid),
    ]

    @Test("rejects", arguments: 0..<rejected.count)
    func rejects(_ index: Int) {
        let (input, reason) = Self.rejected[index]
        #expect {
            try SourceURL(parsing: input)
        } throws: { error in
            guard let error = error as? SourceURLError else { return false }
            return error.reason == reason && !error.message.isEmpty
        }
    }

    @Test("error messages and redacted text never carry the credentials")
    func errorsHideCredentials() {
        for input in ["ftp://alice:hunter2@example.com/a.png", "https://alice:hunter2@example.com:99999/a.png", "https://alice:hunter2@exa mple.com/"] {
            do {
                _ = try SourceURL(parsing: input)
                Issue.record("\(input) parsed")
            } catch {
                #expect(!error.message.contains("hunter2"))
                #expect(!(error.redacted ?? "").contains("hunter2"))
            }
        }
        #expect(SourceURL.redactedIfRecognisable("ftp://alice:hunter2@example.com/a") == "ftp://example.com/a")
    }

    @Test("derived image ID is valid for the API and stable")
    func derivedImageID() throws {
        let key = try SourceURL(parsing: "https://example.com/a.png").idempotencyKey
        #expect(key.derivedImageID == "src-" + key.hex)
        #expect(UploadFieldRules.customIDProblem(key.derivedImageID) == nil)
        #expect(UploadRequest(url: "https://example.com/a.png", id: key.derivedImageID).validationProblems().isEmpty)
        #expect(IdempotencyKey(hex: key.hex) == key)
        #expect(IdempotencyKey(hex: "XYZ") == nil)
    }
}

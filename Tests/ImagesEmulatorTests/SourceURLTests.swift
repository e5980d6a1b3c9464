import CloudflareImages
import Foundation
import Testing
@testable import ImagesEmulator

@Suite struct SourceURLTests {
    @Test(arguments: [
        ("https://Example.COM/a/B.png", "https://example.com/a/B.png"),
        ("HTTP://example.com:80/x?y=1#frag", "http://example.com/x?y=1"),
        ("https://example.com:443", "https://example.com/"),
        ("https://example.com:8443/p", "https://example.com:8443/p"),
        ("http://user:p%40ss@Host.example/a.png", "http://host.example/a.png"),
        ("http://[::1]:8080/a.png", "http://[::1]:8080/a.png"),
        ("http://example.com?q=1", "http://example.com/?q=1"),
    ])
    func normalizes(_ raw: String, _ expected: String) throws {
        let url = try #require(SourceURL(raw))
        #expect(url.normalized == expected)
    }

    @Test(arguments: ["ftp://example.com/a", "example.com/a.png", "http://", "http://exa mple.com/", "http://example.com:99999/", "http://example.com/a b.png"])
    func rejects(_ raw: String) {
        #expect(SourceURL(raw) == nil)
    }

    @Test func credentialsBecomeBasicAuth() throws {
        let url = try #require(SourceURL("http://user:p%40ss@host/a.png"))
        #expect(url.user == "user")
        #expect(url.password == "p@ss")
        #expect(url.basicAuthorization == "Basic dXNlcjpwQHNz")
        #expect(SourceURL("http://host/a.png")?.basicAuthorization == nil)
    }

    @Test(arguments: [("http://h/a/b%20c.png?x=1", "b c.png"), ("http://h/", nil), ("http://h/dir/", "dir")] as [(String, String?)])
    func filename(_ raw: String, _ expected: String?) {
        #expect(SourceURL(raw)?.filename == expected)
    }
}

@Suite struct CustomImageIDTests {
    @Test(arguments: [
        ("simple", true), ("with/sub/paths", true), ("photo.png", true), ("a b ü", true),
        (String(repeating: "x", count: 1024), true),
        ("", false), ("/lead", false), ("trail/", false), ("0A1B2C3D-4E5F-6789-ABCD-EF0123456789", false),
        (String(repeating: "x", count: 1025), false), ("dir/page.html", false), ("data.JSON", false),
    ])
    func rules(_ id: String, _ valid: Bool) {
        #expect((CustomImageID.problem(id) == nil) == valid)
    }
}

@Suite struct GeneratedValuesTests {
    @Test func generatedIDsAreUniqueAndUUIDShaped() {
        let generator = ImageIDGenerator()
        let ids = (0..<10_000).map { _ in generator.next() }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) != nil })
    }
}

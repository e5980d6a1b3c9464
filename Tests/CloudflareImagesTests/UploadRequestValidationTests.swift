import Testing
@testable import CloudflareImages

@Suite struct UploadRequestValidationTests {
    static let good = "https://example.com/cat.png"

    func problems(_ request: UploadRequest) -> [String] { request.validationProblems() }

    @Test func aPlainRequestIsValid() throws {
        try UploadRequest(url: Self.good).validate()
        try UploadRequest(url: "http://user:pa%40ss@example.com:8080/a/b.jpg?x=1#f", id: "a/b/c.png",
                          metadata: ["k": .string("v"), "n": .number(1)], creator: "me").validate()
    }

    @Test(arguments: [
        "", "example.com/cat.png", "/cat.png", "ftp://example.com/cat.png", "file:///etc/passwd",
        "javascript:alert(1)", "https://", "https:///path", "http://exa mple.com/x", " https://example.com/x",
        "https://example.com/a\r\nb", "https://example.com/a\u{7F}", "https://example.com:99999/x", "data:image/png;base64,AAAA",
    ])
    func rejectsURL(url: String) {
        #expect(problems(UploadRequest(url: url)).count == 1, "\(url.debugDescription)")
        #expect(throws: ImagesAPIError.self) { try UploadRequest(url: url).validate() }
    }

    @Test(arguments: ["HTTPS://EXAMPLE.COM/X.PNG", "http://127.0.0.1:8788/origin/a.png", "https://[::1]/a", "https://example.com/with space.png"])
    func acceptsURL(url: String) {
        #expect(problems(UploadRequest(url: url)).isEmpty, "\(url)")
    }

    @Test func urlProblemDoesNotRepeatCredentials() {
        let problem = UploadRequest.urlProblem("ftp://user:secret@example.com/x")
        #expect(problem != nil)
        #expect(problem?.contains("secret") == false)
    }

    @Test func invalidRequestKindAndNoStatus() {
        do {
            try UploadRequest(url: "ftp://x/y").validate()
            Issue.record("no error")
        } catch {
            #expect(error.kind == .invalidRequest)
            #expect(error.httpStatus == nil)
            #expect(!error.isRetryable)
            #expect(error.operation == .upload)
        }
    }

    // MARK: custom ID

    @Test(arguments: [
        String(repeating: "a", count: 1025), String(repeating: "é", count: 1025), "/a", "a/", "/", "",
        "6f9619ff-8b86-d011-b42d-00c04fc964ff", "6F9619FF-8B86-D011-B42D-00C04FC964FF", "00000000-0000-0000-0000-000000000000",
    ])
    func rejectsCustomID(id: String) {
        #expect(problems(UploadRequest(url: Self.good, id: id)).count == 1, "\(id.prefix(40))")
    }

    @Test(arguments: [
        String(repeating: "a", count: 1024), String(repeating: "é", count: 1024), "a/b/c", "a//b", "cat.png", "photo.final",
        // Not the 8-4-4-4-12 form: accepted (hex digests are common custom IDs).
        "6f9619ff8b86d011b42d00c04fc964ff", "{6f9619ff-8b86-d011-b42d-00c04fc964ff}", "6f9619ff-8b86-d011-b42d-00c04fc964fg",
        "x6f9619ff-8b86-d011-b42d-00c04fc964ff", "user/6f9619ff-8b86-d011-b42d-00c04fc964ff",
        // The "non-image file name extension" rule is undocumented in its details: not checked.
        "notes.txt",
    ])
    func acceptsCustomID(id: String) {
        #expect(problems(UploadRequest(url: Self.good, id: id)).isEmpty, "\(id.prefix(40))")
    }

    @Test func customIDWithSignedURLs() {
        #expect(problems(UploadRequest(url: Self.good, id: "a", requireSignedURLs: true)).count == 1)
        #expect(problems(UploadRequest(url: Self.good, requireSignedURLs: true)).isEmpty)
        #expect(problems(UploadRequest(url: Self.good, id: "a", requireSignedURLs: false)).isEmpty)
    }

    // MARK: metadata and creator

    /// `{"k":"<n times x>"}` is n + 8 bytes.
    static func metadata(bytes: Int) -> [String: JSONValue] { ["k": .string(String(repeating: "x", count: bytes - 8))] }

    @Test func metadataLimitIsOnSerializedBytes() throws {
        let atLimit = Self.metadata(bytes: 1024)
        #expect(UploadRequest.serializedMetadata(atLimit)?.count == 1024)
        #expect(problems(UploadRequest(url: Self.good, metadata: atLimit)).isEmpty)
        let over = Self.metadata(bytes: 1025)
        #expect(problems(UploadRequest(url: Self.good, metadata: over)).count == 1)
        // Multi-byte characters count in bytes: 400 × "é" is 800 bytes, 600 × is 1200.
        #expect(problems(UploadRequest(url: Self.good, metadata: ["k": .string(String(repeating: "é", count: 400))])).isEmpty)
        #expect(problems(UploadRequest(url: Self.good, metadata: ["k": .string(String(repeating: "é", count: 600))])).count == 1)
    }

    @Test func metadataWithNonFiniteNumber() {
        #expect(problems(UploadRequest(url: Self.good, metadata: ["n": .number(.nan)])).count == 1)
        #expect(problems(UploadRequest(url: Self.good, metadata: ["n": .array([.number(.infinity)])])).count == 1)
    }

    @Test func creatorLimit() {
        #expect(problems(UploadRequest(url: Self.good, creator: String(repeating: "c", count: 1024))).isEmpty)
        #expect(problems(UploadRequest(url: Self.good, creator: String(repeating: "c", count: 1025))).count == 1)
    }

    @Test func everyProblemIsReported() {
        let request = UploadRequest(url: "ftp://x", id: "/a", metadata: Self.metadata(bytes: 2000), requireSignedURLs: true,
                                    creator: String(repeating: "c", count: 2000))
        #expect(problems(request).count == 5)
        do {
            try request.validate()
        } catch {
            #expect(error.message.split(separator: ";").count == 5, "\(error.message)")
        }
    }
}

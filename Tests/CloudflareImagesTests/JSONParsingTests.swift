import Foundation
import Testing
@testable import CloudflareImages

@Suite struct JSONParsingTests {
    func parse(_ text: String) -> JSONValue? { JSONValue.parse(Array(text.utf8)) }

    static let valid = [
        "null", "true", "false", "0", "-0", "12", "-7", "1.5", "1e3", "1E-2", "-2.5e+7", "123456789012345678",
        #""""#, #""abc""#, #""é🐈""#, #""\"\\\/\b\f\n\r\t""#, #""\u00e9\u0001\uD83D\uDC08""#,
        "[]", "{}", " [ 1 , [ ] , { } ] ", #"{"a":{"b":[true,null,{"c":"d"}]},"e":-1}"#,
        Fixtures.success(), Fixtures.failure(5455, "x"),
    ]

    /// Agrees with Foundation's decoder on every valid text.
    @Test(arguments: valid)
    func agreesWithJSONDecoder(text: String) throws {
        let ours = try #require(parse(text), "\(text)")
        let foundation = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(ours == foundation)
    }

    @Test(arguments: [
        "", " ", "nul", "tru", "True", "01", "-", "1.", ".5", "1e", "1e+", "+1", "0x10", "NaN", "Infinity", "1e999",
        #""abc"#, "\"a\nb\"", #""\x""#, #""\u12""#, #""\uD83D""#, #""\uDC08""#, #""\uD83Dx""#,
        "[", "]", "[1,]", "[,1]", "[1 2]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "[1]x", "1 2",
        "'a'", "[1]]",
    ])
    func rejects(text: String) {
        #expect(parse(text) == nil, "\(text.debugDescription)")
    }

    @Test func rejectsInvalidUTF8() {
        #expect(JSONValue.parse([0x22, 0xC3, 0x28, 0x22]) == nil)
        #expect(JSONValue.parse([0x22, 0x5C, 0x6E, 0xFF, 0x22]) == nil)
        #expect(JSONValue.parse(Array("\"é\"".utf8)) == .string("é"))
    }

    @Test func depthIsBounded() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(JSONValue.parse(Array(deep.utf8)) == nil)
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(JSONValue.parse(Array(fine.utf8)) != nil)
    }

    @Test func surrogatePairs() {
        #expect(parse(#""\uD83D\uDC08""#) == .string("🐈"))
    }

    /// `Image(json:)` reads what the Codable initializer reads.
    @Test(arguments: [
        Fixtures.imageJSON,
        #"{"id":"a/b","uploaded":"2022-01-31T16:39:28Z","requireSignedURLs":true,"variants":[],"metadata":{"n":1}}"#,
        #"{"id":"x","uploaded":"2022-01-31T16:39:28.458Z","meta":{"a":"meta"},"metadata":{"a":"metadata"}}"#,
        #"{"id":"x","uploaded":"2022-01-31T16:39:28.458Z","meta":null,"metadata":{"a":1},"filename":null,"creator":null,"variants":null}"#,
    ])
    func imageMatchesCodable(text: String) throws {
        let codable = try JSONDecoder().decode(Image.self, from: Data(text.utf8))
        let ours = try Image(json: #require(parse(text)))
        #expect(ours == codable)
    }

    @Test(arguments: [
        (#"[]"#, "not an object"), (#"{"uploaded":"2022-01-31T16:39:28Z"}"#, "missing id"), (#"{"id":"x"}"#, "missing uploaded"),
        (#"{"id":"x","uploaded":"yesterday"}"#, "ISO-8601"), (#"{"id":1,"uploaded":"2022-01-31T16:39:28Z"}"#, "id is not a string"),
        (#"{"id":"x","uploaded":"2022-01-31T16:39:28Z","variants":[1]}"#, "variants"),
        (#"{"id":"x","uploaded":"2022-01-31T16:39:28Z","requireSignedURLs":"yes"}"#, "requireSignedURLs"),
        (#"{"id":"x","uploaded":"2022-01-31T16:39:28Z","meta":[]}"#, "meta"),
    ])
    func imageShapeErrors(text: String, problem: String) throws {
        let json = try #require(parse(text))
        #expect(throws: Image.ShapeError.self) { try Image(json: json) }
        do {
            _ = try Image(json: json)
        } catch {
            #expect(error.description.contains(problem), "\(error.description)")
        }
    }

    @Test func messagesList() {
        let json = parse(#"[{"code":5455,"message":"bad"},{"code":1.5,"message":"x"},{"message":"no code"},{"code":7}, "junk"]"#)
        #expect(APIMessage.list(json) == [APIMessage(code: 5455, message: "bad"), APIMessage(code: 7, message: "")])
        #expect(APIMessage.list(nil) == [])
    }
}

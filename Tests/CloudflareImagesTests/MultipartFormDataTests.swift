import Foundation
import Testing
@testable import CloudflareImages

@Suite struct MultipartFormDataTests {
    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test func exactBytesOfAFullRequest() {
        let request = UploadRequest(
            url: "https://user:pw@example.com/a b.png", id: "shop/42/main.png",
            metadata: ["sku": .string("A/1"), "n": .number(3), "ok": .bool(true)], requireSignedURLs: false,
            creator: "line1\r\nline2 \"q\"")
        let form = request.formData(boundary: "B0UNDARY")
        #expect(form.contentType == "multipart/form-data; boundary=B0UNDARY")
        let expected =
            "--B0UNDARY\r\n" + "Content-Disposition: form-data; name=\"url\"\r\n\r\n" + "https://user:pw@example.com/a b.png\r\n"
            + "--B0UNDARY\r\n" + "Content-Disposition: form-data; name=\"id\"\r\n\r\n" + "shop/42/main.png\r\n"
            + "--B0UNDARY\r\n" + "Content-Disposition: form-data; name=\"metadata\"\r\n\r\n" + "{\"n\":3,\"ok\":true,\"sku\":\"A/1\"}\r\n"
            + "--B0UNDARY\r\n" + "Content-Disposition: form-data; name=\"requireSignedURLs\"\r\n\r\n" + "false\r\n"
            + "--B0UNDARY\r\n" + "Content-Disposition: form-data; name=\"creator\"\r\n\r\n" + "line1\r\nline2 \"q\"\r\n"
            + "--B0UNDARY--\r\n"
        #expect(text(form.encoded()) == expected)
        #expect(form.encoded() == Array(expected.utf8))
    }

    @Test func minimalRequestSendsURLAndSignedFlag() {
        let form = UploadRequest(url: "https://e.com/x.png", requireSignedURLs: true).formData(boundary: "b")
        #expect(text(form.encoded()) ==
            "--b\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\nhttps://e.com/x.png\r\n"
            + "--b\r\nContent-Disposition: form-data; name=\"requireSignedURLs\"\r\n\r\ntrue\r\n--b--\r\n")
    }

    @Test func namesAreEscaped() {
        var form = MultipartFormData(boundary: "b")
        form.append(name: "a\"b\r\nc", value: "v")
        #expect(text(form.encoded()) == "--b\r\nContent-Disposition: form-data; name=\"a%22b%0D%0Ac\"\r\n\r\nv\r\n--b--\r\n")
        #expect(MultipartFormData.escapeName("plain-näme") == "plain-näme")
    }

    @Test func emptyFormIsOnlyTheCloseDelimiter() {
        #expect(text(MultipartFormData(boundary: "b").encoded()) == "--b--\r\n")
    }

    @Test func valuesAreUTF8Unchanged() {
        var form = MultipartFormData(boundary: "b")
        form.append(name: "creator", value: "Zoë 🐈")
        #expect(form.encoded() == Array("--b\r\nContent-Disposition: form-data; name=\"creator\"\r\n\r\nZoë 🐈\r\n--b--\r\n".utf8))
    }

    @Test func randomBoundariesDifferAndAreTokens() {
        let a = MultipartFormData.randomBoundary()
        let b = MultipartFormData.randomBoundary()
        #expect(a != b)
        #expect(a.count == "upload-worker-".count + 32)
        #expect(a.count <= 70)  // RFC 2046
        #expect(a.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
    }

    @Test func defaultBoundaryIsRandomAndAbsentFromValues() {
        let request = UploadRequest(url: "https://e.com/x.png", creator: "c")
        let f1 = request.formData()
        let f2 = request.formData()
        #expect(f1.boundary != f2.boundary)
        #expect(!request.url.contains(f1.boundary))
    }

    @Test func metadataIsCompactSortedJSON() {
        let bytes = UploadRequest.serializedMetadata(["b": .array([.null, .number(1.5), .string("é/\"")]), "a": .object(["z": .number(-2)])])
        #expect(bytes.map(text) == "{\"a\":{\"z\":-2},\"b\":[null,1.5,\"é/\\\"\"]}")
    }
}

@Suite struct JSONValueTests {
    @Test func literalsBuildTheSameValues() {
        let literal: [String: JSONValue] = ["s": "x", "i": 3, "d": 1.5, "b": true, "n": .null, "a": [1, "two"], "o": ["k": "v"]]
        let explicit: [String: JSONValue] = [
            "s": .string("x"), "i": .number(3), "d": .number(1.5), "b": .bool(true), "n": .null,
            "a": .array([.number(1), .string("two")]), "o": .object(["k": .string("v")]),
        ]
        #expect(literal == explicit)
    }

    @Test func decodesEveryJSONType() throws {
        let json = #"{"s":"x","i":3,"d":1.5,"b":false,"n":null,"a":[1,"two"],"o":{"k":"v"}}"#
        let value = try JSONDecoder().decode([String: JSONValue].self, from: Data(json.utf8))
        #expect(value == ["s": "x", "i": 3, "d": 1.5, "b": false, "n": .null, "a": [1, "two"], "o": ["k": "v"]])
        #expect(UploadRequest.serializedMetadata(value).map { String(decoding: $0, as: UTF8.self) }
            == #"{"a":[1,"two"],"b":false,"d":1.5,"i":3,"n":null,"o":{"k":"v"},"s":"x"}"#)
    }
}

@Suite struct MultipartRoundTripTests {
    @Test func anIndependentParserReadsEveryField() throws {
        let request = UploadRequest(url: "https://u:p@e.com/a.png?x=1&y=\"2\"", id: "x/y", metadata: ["q": "say \"hi\"\r\n"],
                                    requireSignedURLs: false, creator: "--upload-worker-\r\n\r\nfake part")
        let form = request.formData()
        let parts = try MultipartParser.parse(form.encoded(), boundary: form.boundary)
        #expect(parts.map(\.name) == ["url", "id", "metadata", "requireSignedURLs", "creator"])
        #expect(parts.map(\.text) == [request.url, "x/y", #"{"q":"say \"hi\"\r\n"}"#, "false", "--upload-worker-\r\n\r\nfake part"])
    }
}

@Suite struct CompactJSONTests {
    func text(_ value: JSONValue) -> String? { value.compactJSONBytes.map { String(decoding: $0, as: UTF8.self) } }

    @Test func escapes() {
        #expect(text("a\"b\\c/d\n\r\t\u{08}\u{0C}\u{01}\u{1F}é🐈") == #""a\"b\\c/d\n\r\t\b\f\u0001\u001fé🐈""#)
    }

    @Test func quoteMatchesTheSerializer() {
        for s in ["plain-id/with.slash", "", "a\"b\\c/d\n\r\t\u{08}\u{0C}\u{01}\u{1F}é🐈"] {
            #expect(JSONValue.quote(s) == text(.string(s)))
        }
        #expect(JSONValue.quote("x\u{01}\"") == #""x\u0001\"""#)
    }

    @Test func numbers() {
        #expect(text([0, -0.0, 42, -7, 1.5, 0.1, 1e15, 123456789012345, -2.5e-7]) == "[0,0,42,-7,1.5,0.1,1000000000000000.0,123456789012345,-2.5e-07]")
        #expect(text(.number(.nan)) == nil)
        #expect(text(["a": [.number(-.infinity)]]) == nil)
    }

    @Test func keysSortedAndNested() {
        #expect(text(["b": ["y": 1, "x": [true, .null]], "a": [:], "c": []]) == #"{"a":{},"b":{"x":[true,null],"y":1},"c":[]}"#)
    }

    /// Whatever is sent parses back, with Foundation's parser, to the same value.
    @Test func foundationReadsItBack() throws {
        let value: JSONValue = ["s": "q\"\u{02}\\/ü", "n": [1.25, -3, 1e300], "o": ["k": .null, "t": false]]
        let bytes = try #require(value.compactJSONBytes)
        #expect(try JSONDecoder().decode(JSONValue.self, from: Data(bytes)) == value)
        #expect(value.jsonString == String(decoding: bytes, as: UTF8.self))
    }

    @Test func boundaryCollision() {
        let form = MultipartFormData(boundary: "abc")
        #expect(form.collides(with: "xxabcxx"))
        #expect(form.collides(with: "abc"))
        #expect(!form.collides(with: "ab"))
        #expect(!form.collides(with: "aabbcc"))
    }
}

import Testing
@testable import ImagesEmulator

@Suite struct MultipartFormTests {
    @Test(arguments: [
        ("multipart/form-data; boundary=abc", "abc"),
        ("Multipart/Form-Data;boundary=\"a b;c\"", "a b;c"),
        ("multipart/form-data; charset=utf-8; boundary=----x", "----x"),
    ])
    func boundary(_ contentType: String, _ expected: String) {
        #expect(MultipartForm.boundary(contentType: contentType) == expected)
    }

    @Test(arguments: ["application/json", "multipart/form-data", "multipart/mixed; boundary=x", "multipart/form-data; boundary="])
    func noBoundary(_ contentType: String) {
        #expect(MultipartForm.boundary(contentType: contentType) == nil)
    }

    @Test func parsesFieldsAndBinaryFile() throws {
        let binary: [UInt8] = [0, 13, 10, 45, 45, 255, 13, 10]
        var body = Array("preamble\r\n--B\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\nhttp://x/a.png\r\n".utf8)
        body += Array("--B\r\ncontent-disposition: form-data; name=\"file\"; filename=\"q\\\"uote.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
        body += binary + Array("\r\n--B\r\nContent-Disposition: form-data; name=\"empty\"\r\n\r\n\r\n--B--\r\n".utf8)
        let form = try MultipartForm(body: body, boundary: "B")
        #expect(form.parts.map(\.name) == ["url", "file", "empty"])
        #expect(form["url"]?.text == "http://x/a.png")
        #expect(form["file"]?.filename == "q\"uote.png")
        #expect(form["file"]?.contentType == "image/png")
        #expect(Array(form["file"]!.body) == binary)
        #expect(form["empty"]?.text == "")
    }

    @Test(arguments: ["no boundary here", "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated", "--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n--B--"])
    func malformed(_ text: String) {
        #expect(throws: MultipartForm.ParseError.self) { try MultipartForm(body: Array(text.utf8), boundary: "B") }
    }
}

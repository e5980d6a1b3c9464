/// A parsed `multipart/form-data` body: the parts in order, each with its name, optional file
/// name and content type, and its bytes.
struct MultipartForm: Sendable {
    struct Part: Sendable {
        var name: String
        var filename: String?
        var contentType: String?
        var body: ArraySlice<UInt8>

        var text: String? { String(validating: body, as: UTF8.self) }
    }

    struct ParseError: Error, Sendable, CustomStringConvertible {
        var description: String
    }

    var parts: [Part]

    /// The first part with this name.
    subscript(name: String) -> Part? { parts.first { $0.name == name } }

    /// The boundary of a `multipart/form-data` content type, or nil when it is another type.
    static func boundary(contentType: String) -> String? {
        guard let semi = contentType.firstIndex(of: ";"),
              contentType[..<semi].trimmingSpaces.lowercased() == "multipart/form-data",
              let value = parameter("boundary", in: contentType[...]) else { return nil }
        return value.isEmpty || value.count > 200 ? nil : value
    }

    init(body: [UInt8], boundary: String) throws(ParseError) {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Part] = []
        // The first delimiter may be preceded by a preamble.
        guard var cursor = Self.find(delimiter, in: body, from: 0) else { throw ParseError(description: "no boundary found") }
        cursor += delimiter.count
        while true {
            // After a delimiter: `--` ends the body, otherwise CRLF and a part follow.
            if cursor + 1 < body.count, body[cursor] == UInt8(ascii: "-"), body[cursor + 1] == UInt8(ascii: "-") { break }
            cursor = Self.skipLineEnd(body, cursor)
            guard let headerEnd = Self.find(Self.crlfcrlf, in: body, from: cursor) else {
                throw ParseError(description: "part headers not terminated")
            }
            let headerText = String(decoding: body[cursor..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = Self.find([13, 10] + delimiter, in: body, from: contentStart) else {
                throw ParseError(description: "closing boundary missing")
            }
            var part = Part(name: "", filename: nil, contentType: nil, body: body[contentStart..<next])
            for line in headerText.split(separator: "\r\n") {
                guard let colon = line.firstIndex(of: ":") else { continue }
                let name = line[..<colon].trimmingSpaces.lowercased()
                let value = line[line.index(after: colon)...].trimmingSpaces
                if name == "content-disposition" {
                    part.name = Self.parameter("name", in: value) ?? ""
                    part.filename = Self.parameter("filename", in: value)
                } else if name == "content-type" {
                    part.contentType = String(value)
                }
            }
            guard !part.name.isEmpty else { throw ParseError(description: "part without a name") }
            parts.append(part)
            cursor = next + 2 + delimiter.count
        }
        self.parts = parts
    }

    private static let crlfcrlf: [UInt8] = [13, 10, 13, 10]

    private static func skipLineEnd(_ body: [UInt8], _ i: Int) -> Int {
        var i = i
        while i < body.count, body[i] == UInt8(ascii: " ") || body[i] == UInt8(ascii: "\t") { i += 1 }
        if i + 1 < body.count, body[i] == 13, body[i + 1] == 10 { return i + 2 }
        if i < body.count, body[i] == 10 { return i + 1 }
        return i
    }

    /// `name="value"` or `name=value` in a Content-Disposition value; quoted-pair escapes undone.
    static func parameter(_ key: String, in header: Substring) -> String? {
        var rest = header[...]
        while let semi = rest.firstIndex(of: ";") {
            rest = rest[rest.index(after: semi)...]
            let trimmed = rest.drop(while: { $0 == " " || $0 == "\t" })
            guard let eq = trimmed.firstIndex(of: "="), trimmed[..<eq].lowercased() == key else { continue }
            let value = trimmed[trimmed.index(after: eq)...]
            if value.first == "\"" {
                var out = ""
                var escaped = false
                for ch in value.dropFirst() {
                    if escaped { out.append(ch); escaped = false }
                    else if ch == "\\" { escaped = true }
                    else if ch == "\"" { return out }
                    else { out.append(ch) }
                }
                return nil
            }
            return String(value.prefix(while: { $0 != ";" }).trimmingSpaces)
        }
        return nil
    }

    /// The index of the first occurrence of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count else { return nil }
        let first = needle[0]
        let lastStart = haystack.count - needle.count
        return haystack.withUnsafeBufferPointer { h -> Int? in
            needle.withUnsafeBufferPointer { n -> Int? in
                var i = start
                while i <= lastStart {
                    if h[i] == first {
                        var j = 1
                        while j < n.count, h[i + j] == n[j] { j += 1 }
                        if j == n.count { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }
}

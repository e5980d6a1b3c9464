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
        let bytes = Array(contentType.utf8)
        let typeEnd = bytes.firstIndex(of: UInt8(ascii: ";")) ?? bytes.count
        guard String(decoding: bytes[..<typeEnd], as: UTF8.self).trimmingSpaces.lowercased() == "multipart/form-data",
              let value = parameter("boundary", in: bytes[...]) else { return nil }
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
            let contentStart = headerEnd + 4
            guard let next = Self.find([13, 10] + delimiter, in: body, from: contentStart) else {
                throw ParseError(description: "closing boundary missing")
            }
            var part = Part(name: "", filename: nil, contentType: nil, body: body[contentStart..<next])
            var lineStart = cursor
            while lineStart < headerEnd {
                let lineEnd = Self.find([13, 10], in: body, from: lineStart).map { min($0, headerEnd) } ?? headerEnd
                let line = body[lineStart..<lineEnd]
                lineStart = lineEnd + 2
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
                let value = line[(colon + 1)...]
                if Self.equalsIgnoringCase(line[..<colon], "content-disposition") {
                    part.name = Self.parameter("name", in: value) ?? ""
                    part.filename = Self.parameter("filename", in: value)
                } else if Self.equalsIgnoringCase(line[..<colon], "content-type") {
                    part.contentType = String(String(decoding: value, as: UTF8.self).trimmingSpaces)
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

    /// `key="value"` or `key=value` among the `;`-separated parameters of a header value (the
    /// part before the first `;` is skipped); quoted-pair escapes undone; key case-insensitive.
    static func parameter(_ key: String, in v: ArraySlice<UInt8>) -> String? {
        let semicolon = UInt8(ascii: ";"), quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }
        guard var i = v.firstIndex(of: semicolon) else { return nil }
        while i < v.endIndex {
            i += 1  // past the `;`
            while i < v.endIndex, isSpace(v[i]) { i += 1 }
            let nameStart = i
            while i < v.endIndex, v[i] != UInt8(ascii: "="), v[i] != semicolon { i += 1 }
            var nameEnd = i
            while nameEnd > nameStart, isSpace(v[nameEnd - 1]) { nameEnd -= 1 }
            guard i < v.endIndex, v[i] == UInt8(ascii: "=") else { continue }
            i += 1
            while i < v.endIndex, isSpace(v[i]) { i += 1 }
            var value: [UInt8] = []
            if i < v.endIndex, v[i] == quote {
                i += 1
                var closed = false
                while i < v.endIndex {
                    let c = v[i]
                    i += 1
                    if c == backslash, i < v.endIndex { value.append(v[i]); i += 1 }
                    else if c == quote { closed = true; break }
                    else { value.append(c) }
                }
                guard closed else { return nil }
                while i < v.endIndex, v[i] != semicolon { i += 1 }
            } else {
                let valueStart = i
                while i < v.endIndex, v[i] != semicolon { i += 1 }
                var valueEnd = i
                while valueEnd > valueStart, isSpace(v[valueEnd - 1]) { valueEnd -= 1 }
                value = Array(v[valueStart..<valueEnd])
            }
            if equalsIgnoringCase(v[nameStart..<nameEnd], key) { return String(decoding: value, as: UTF8.self) }
        }
        return nil
    }

    /// ASCII case-insensitive comparison of bytes, spaces around them ignored, with a lower-case key.
    static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercaseKey: String) -> Bool {
        var inner = bytes
        while let f = inner.first, f == 0x20 || f == 0x09 { inner = inner.dropFirst() }
        while let l = inner.last, l == 0x20 || l == 0x09 { inner = inner.dropLast() }
        let key = lowercaseKey.utf8
        return inner.count == key.count && zip(inner, key).allSatisfy { a, b in (a >= 65 && a <= 90 ? a + 32 : a) == b }
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

/// A strict reader of `multipart/form-data` bodies, for checking what went over the wire.
enum MultipartParser {
    struct Part: Equatable {
        var name: String
        var headers: [String]
        var value: [UInt8]
        var text: String { String(decoding: value, as: UTF8.self) }
    }

    enum Failure: Error { case malformed(String) }

    /// Parses `body` with `boundary`; fails on anything that is not exactly RFC 7578 framing
    /// (CRLF line ends, closing delimiter, nothing after it but CRLF).
    static func parse(_ body: [UInt8], boundary: String) throws -> [Part] {
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        var parts: [Part] = []
        guard body.starts(with: delimiter + crlf) else { throw Failure.malformed("does not start with the delimiter") }
        var index = delimiter.count + 2
        while true {
            guard let headerEnd = find(Array(crlf + crlf), in: body, from: index) else { throw Failure.malformed("no end of headers") }
            let headers = String(decoding: body[index..<headerEnd], as: UTF8.self).components(separatedBy: "\r\n")
            let valueStart = headerEnd + 4
            guard let next = find(crlf + delimiter, in: body, from: valueStart) else { throw Failure.malformed("no next delimiter") }
            let value = Array(body[valueStart..<next])
            guard let disposition = headers.first(where: { $0.lowercased().hasPrefix("content-disposition: form-data; name=\"") }),
                  disposition.hasSuffix("\"") else { throw Failure.malformed("bad Content-Disposition: \(headers)") }
            let name = String(disposition.dropFirst("content-disposition: form-data; name=\"".count).dropLast())
            parts.append(Part(name: name, headers: headers, value: value))
            index = next + 2 + delimiter.count
            if body[index...].starts(with: Array("--\r\n".utf8)) {
                guard index + 4 == body.count else { throw Failure.malformed("bytes after the closing delimiter") }
                return parts
            }
            guard body[index...].starts(with: crlf) else { throw Failure.malformed("delimiter not followed by CRLF") }
            index += 2
        }
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var i = start
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0], Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }
}

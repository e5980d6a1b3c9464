/// A `multipart/form-data` body (RFC 7578) of text fields, encoded the way browsers and curl do.
public struct MultipartFormData: Sendable {
    /// The delimiter between parts; must not occur in any value.
    public let boundary: String
    private var parts: [UInt8] = []

    public init(boundary: String = MultipartFormData.randomBoundary()) {
        self.boundary = boundary
    }

    /// The `Content-Type` header value that announces the boundary.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Adds a text field. The value is sent as UTF-8 bytes, unchanged.
    public mutating func append(name: String, value: String) {
        parts.append(contentsOf: Self.dashes)
        parts.append(contentsOf: boundary.utf8)
        parts.append(contentsOf: Self.dispositionStart)
        parts.append(contentsOf: Self.escapeName(name).utf8)
        parts.append(contentsOf: Self.dispositionEnd)
        parts.append(contentsOf: value.utf8)
        parts.append(contentsOf: Self.crlf)
    }

    private static let dashes: [UInt8] = Array("--".utf8)
    private static let crlf: [UInt8] = Array("\r\n".utf8)
    private static let dispositionStart: [UInt8] = Array("\r\nContent-Disposition: form-data; name=\"".utf8)
    private static let dispositionEnd: [UInt8] = Array("\"\r\n\r\n".utf8)

    /// The whole body, closing delimiter included.
    public func encoded() -> [UInt8] {
        var body = parts
        body.reserveCapacity(parts.count + boundary.utf8.count + 6)
        body.append(contentsOf: Self.dashes)
        body.append(contentsOf: boundary.utf8)
        body.append(contentsOf: Self.dashes)
        body.append(contentsOf: Self.crlf)
        return body
    }

    /// Whether `value` contains the boundary (then it must not be sent with this boundary).
    public func collides(with value: String) -> Bool {
        let needle = Array(boundary.utf8)
        guard let first = needle.first else { return false }
        let haystack = Array(value.utf8)
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == first {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    /// A field name inside the quoted `name="..."` parameter, escaped as the HTML standard does:
    /// `"` -> `%22`, CR -> `%0D`, LF -> `%0A`.
    public static func escapeName(_ name: String) -> String {
        if !name.utf8.contains(where: { $0 == 0x22 || $0 == 0x0D || $0 == 0x0A }) { return name }
        var escaped = ""
        for scalar in name.unicodeScalars {
            switch scalar {
            case "\"": escaped += "%22"
            case "\r": escaped += "%0D"
            case "\n": escaped += "%0A"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// `upload-worker-` and 32 random hexadecimal digits: 128 bits, so a value that happens to
    /// contain it is practically impossible (and `UploadRequest` checks anyway).
    public static func randomBoundary() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        return "upload-worker-" + hex(high) + hex(low)
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

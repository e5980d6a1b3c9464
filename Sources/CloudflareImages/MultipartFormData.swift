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
        parts.append(contentsOf: "--\(boundary)\r\n".utf8)
        parts.append(contentsOf: "Content-Disposition: form-data; name=\"\(Self.escapeName(name))\"\r\n\r\n".utf8)
        parts.append(contentsOf: value.utf8)
        parts.append(contentsOf: "\r\n".utf8)
    }

    /// The whole body, closing delimiter included.
    public func encoded() -> [UInt8] {
        parts + Array("--\(boundary)--\r\n".utf8)
    }

    /// A field name inside the quoted `name="..."` parameter, escaped as the HTML standard does:
    /// `"` -> `%22`, CR -> `%0D`, LF -> `%0A`.
    public static func escapeName(_ name: String) -> String {
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

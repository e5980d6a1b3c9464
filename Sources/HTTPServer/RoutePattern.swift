/// A path pattern such as `/accounts/:account/images/v1/*rest`.
///
/// Segments are literals, `:name` (one segment, not empty) or a final `*name` (the rest of the
/// path, `/` included, at least one character). Matching is done on the path as sent; captured
/// values are percent-decoded afterwards, so `%2F` inside a segment stays inside that segment.
public struct RoutePattern: Sendable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
        case wildcard(String)
    }

    let segments: [Segment]
    public let description: String

    /// Traps on a malformed pattern (a programming error, found by the first test that routes).
    public init(_ pattern: String) {
        precondition(pattern.hasPrefix("/"), "route pattern '\(pattern)' must start with '/'")
        let parts = pattern.dropFirst().split(separator: "/", omittingEmptySubsequences: false)
        var segments: [Segment] = []
        for (i, part) in parts.enumerated() {
            if part.hasPrefix(":") {
                precondition(part.count > 1, "route pattern '\(pattern)': ':' needs a name")
                segments.append(.parameter(String(part.dropFirst())))
            } else if part.hasPrefix("*") {
                precondition(part.count > 1, "route pattern '\(pattern)': '*' needs a name")
                precondition(i == parts.count - 1, "route pattern '\(pattern)': '*' must be the last segment")
                segments.append(.wildcard(String(part.dropFirst())))
            } else {
                segments.append(.literal(String(part)))
            }
        }
        self.segments = segments
        self.description = pattern
    }

    /// The captured parameters when `path` matches, else nil.
    public func match(_ path: String) -> [String: String]? {
        let utf8 = path.utf8
        guard utf8.first == UInt8(ascii: "/") else { return nil }
        var position = utf8.index(after: utf8.startIndex)
        var captured: [String: String] = [:]
        for (i, segment) in segments.enumerated() {
            let isLast = i == segments.count - 1
            if case .wildcard(let name) = segment {
                guard position < utf8.endIndex else { return nil }
                captured[name] = percentDecoded(utf8[position...])
                return captured
            }
            let end = utf8[position...].firstIndex(of: UInt8(ascii: "/")) ?? utf8.endIndex
            let part = utf8[position..<end]
            switch segment {
            case .literal(let literal):
                guard part.elementsEqual(literal.utf8) else { return nil }
            case .parameter(let name):
                guard !part.isEmpty else { return nil }
                captured[name] = percentDecoded(part)
            case .wildcard:
                break
            }
            if isLast {
                guard end == utf8.endIndex else { return nil }
            } else {
                guard end < utf8.endIndex else { return nil }
                position = utf8.index(after: end)
            }
        }
        return captured
    }
}

/// `%HH` sequences decoded as UTF-8; a malformed sequence is kept as written.
func percentDecoded(_ bytes: Substring.UTF8View) -> String {
    guard bytes.contains(UInt8(ascii: "%")) else { return String(Substring(bytes)) }
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = bytes.startIndex
    while i < bytes.endIndex {
        let byte = bytes[i]
        if byte == UInt8(ascii: "%"),
            let h = bytes.index(i, offsetBy: 1, limitedBy: bytes.endIndex), h < bytes.endIndex,
            let l = bytes.index(i, offsetBy: 2, limitedBy: bytes.endIndex), l < bytes.endIndex,
            let high = hexValue(bytes[h]), let low = hexValue(bytes[l])
        {
            out.append(high << 4 | low)
            i = bytes.index(after: l)
        } else {
            out.append(byte)
            i = bytes.index(after: i)
        }
    }
    return String(decoding: out, as: UTF8.self)
}

private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
    default: return nil
    }
}

/// The `url` field of an upload, taken apart by hand: cheaper than URLComponents on Linux, and
/// it keeps the credentials apart from everything that is counted or logged.
struct SourceURL: Sendable, Equatable {
    /// Lower-cased: `http` or `https`.
    var scheme: String
    /// Lower-cased; IPv6 literals keep their brackets.
    var host: String
    /// Explicit port, nil when absent or the scheme's default.
    var port: Int?
    /// Percent-decoded user and password from the user-info, if any.
    var user: String?
    var password: String?
    /// Path and query as sent (empty path becomes `/`), without the fragment.
    var pathAndQuery: String

    /// The idempotency key of design.md: scheme and host lower-cased, default port, fragment and
    /// user-info removed.
    var normalized: String {
        var s = scheme + "://" + host
        if let port { s += ":" + String(port) }
        return s + pathAndQuery
    }

    /// What is fetched: like `normalized`, credentials go in a header instead.
    var fetchURL: String { normalized }

    /// The path without the query.
    var path: String {
        guard let q = pathAndQuery.utf8.firstIndex(of: UInt8(ascii: "?")) else { return pathAndQuery }
        return String(pathAndQuery[..<q])
    }

    var query: String? {
        guard let q = pathAndQuery.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return String(pathAndQuery[pathAndQuery.utf8.index(after: q)...])
    }

    /// The last path component, percent-decoded: Cloudflare's `filename`.
    var filename: String? {
        let p = Array(path.utf8)
        var end = p.count
        while end > 0, p[end - 1] == UInt8(ascii: "/") { end -= 1 }
        guard end > 0 else { return nil }
        let start = (p[..<end].lastIndex(of: UInt8(ascii: "/")) ?? -1) + 1
        let last = String(decoding: p[start..<end], as: UTF8.self)
        return PercentDecoding.decode(last) ?? last
    }

    /// `Basic base64(user:password)` when the URL carries credentials.
    var basicAuthorization: String? {
        guard let user else { return nil }
        let pair = user + ":" + (password ?? "")
        return "Basic " + Base64.encode(Array(pair.utf8))
    }

    /// Nil when the text is not an absolute http(s) URL with a host. Works on UTF-8 bytes: this
    /// runs once per upload.
    init?(_ raw: String) {
        let b = Array(raw.trimmingSpaces.utf8)
        func text(_ r: Range<Int>) -> String { String(decoding: b[r], as: UTF8.self) }
        func first(_ c: UInt8, in r: Range<Int>) -> Int? { b[r].firstIndex(of: c) }
        // scheme://
        guard let colon = first(UInt8(ascii: ":"), in: 0..<b.count), colon + 2 < b.count,
              b[colon + 1] == UInt8(ascii: "/"), b[colon + 2] == UInt8(ascii: "/") else { return nil }
        let scheme = text(0..<colon).lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        self.scheme = scheme
        var end = b.count
        if let hash = first(UInt8(ascii: "#"), in: colon + 3..<b.count) { end = hash }
        let authorityStart = colon + 3
        let authorityEnd = b[authorityStart..<end].firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) ?? end
        // Path and query as sent; no raw whitespace or control characters.
        guard !b[authorityEnd..<end].contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return nil }
        if authorityEnd == end {
            pathAndQuery = "/"
        } else if b[authorityEnd] == UInt8(ascii: "?") {
            pathAndQuery = "/" + text(authorityEnd..<end)
        } else {
            pathAndQuery = text(authorityEnd..<end)
        }

        var hostStart = authorityStart
        if let at = b[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) {
            if let c = first(UInt8(ascii: ":"), in: authorityStart..<at) {
                user = PercentDecoding.decode(text(authorityStart..<c)) ?? text(authorityStart..<c)
                password = PercentDecoding.decode(text((c + 1)..<at)) ?? text((c + 1)..<at)
            } else {
                user = PercentDecoding.decode(text(authorityStart..<at)) ?? text(authorityStart..<at)
            }
            hostStart = at + 1
        }
        var hostEnd = authorityEnd
        var portRange: Range<Int>?
        if hostStart < authorityEnd, b[hostStart] == UInt8(ascii: "[") {
            guard let close = first(UInt8(ascii: "]"), in: hostStart..<authorityEnd) else { return nil }
            if close + 1 < authorityEnd {
                guard b[close + 1] == UInt8(ascii: ":") else { return nil }
                portRange = (close + 2)..<authorityEnd
            }
            hostEnd = close + 1
        } else if let c = b[hostStart..<authorityEnd].lastIndex(of: UInt8(ascii: ":")) {
            portRange = (c + 1)..<authorityEnd
            hostEnd = c
        }
        guard hostStart < hostEnd, !b[hostStart..<hostEnd].contains(where: { $0 <= 0x20 || $0 == 0x7F }) else { return nil }
        host = text(hostStart..<hostEnd).lowercased()
        if let portRange, !portRange.isEmpty {
            guard let p = Int(text(portRange)), (1...65535).contains(p) else { return nil }
            port = (scheme == "http" && p == 80) || (scheme == "https" && p == 443) ? nil : p
        }
    }

    /// The port a connection goes to.
    var effectivePort: Int { port ?? (scheme == "https" ? 443 : 80) }
}

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
        if let q = pathAndQuery.firstIndex(of: "?") { return String(pathAndQuery[..<q]) }
        return pathAndQuery
    }

    var query: String? {
        guard let q = pathAndQuery.firstIndex(of: "?") else { return nil }
        return String(pathAndQuery[pathAndQuery.index(after: q)...])
    }

    /// The last path component, percent-decoded: Cloudflare's `filename`.
    var filename: String? {
        let last = path.split(separator: "/", omittingEmptySubsequences: true).last.map(String.init)
        guard let last, !last.isEmpty else { return nil }
        return PercentDecoding.decode(last) ?? last
    }

    /// `Basic base64(user:password)` when the URL carries credentials.
    var basicAuthorization: String? {
        guard let user else { return nil }
        let pair = user + ":" + (password ?? "")
        return "Basic " + Base64.encode(Array(pair.utf8))
    }

    /// Nil when the text is not an absolute http(s) URL with a host.
    init?(_ raw: String) {
        let text = raw.trimmingSpaces
        guard let sep = text.range(of: "://") else { return nil }
        let scheme = text[..<sep.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        self.scheme = scheme
        var rest = text[sep.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        let tail = rest[authorityEnd...]
        pathAndQuery = tail.isEmpty ? "/" : (tail.first == "?" ? "/" + tail : String(tail))
        guard !pathAndQuery.contains(where: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" }) else { return nil }

        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = PercentDecoding.decode(String(userInfo[..<colon])) ?? String(userInfo[..<colon])
                let pw = String(userInfo[userInfo.index(after: colon)...])
                password = PercentDecoding.decode(pw) ?? pw
            } else {
                user = PercentDecoding.decode(String(userInfo)) ?? String(userInfo)
            }
        }
        var hostPart = Substring(authority)
        var portText: Substring?
        if hostPart.first == "[" {
            guard let close = hostPart.firstIndex(of: "]") else { return nil }
            let after = hostPart[hostPart.index(after: close)...]
            if after.first == ":" { portText = after.dropFirst() } else if !after.isEmpty { return nil }
            hostPart = hostPart[...close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            portText = hostPart[hostPart.index(after: colon)...]
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty, !hostPart.contains(where: { $0 == " " || $0 == "/" }) else { return nil }
        host = hostPart.lowercased()
        if let portText, !portText.isEmpty {
            guard let p = Int(portText), (1...65535).contains(p) else { return nil }
            port = (scheme == "http" && p == 80) || (scheme == "https" && p == 443) ? nil : p
        }
    }

    /// The port a connection goes to.
    var effectivePort: Int { port ?? (scheme == "https" ? 443 : 80) }
}

enum PercentDecoding {
    /// Nil when an escape is malformed or the bytes are not UTF-8.
    static func decode(_ s: String) -> String? {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%") {
                guard let h = it.popFirst(), let l = it.popFirst(), let hv = hexValue(h), let lv = hexValue(l) else { return nil }
                out.append(hv << 4 | lv)
            } else {
                out.append(c)
            }
        }
        return String(validating: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 0x0f) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 0x3f)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension StringProtocol {
    var trimmingSpaces: Substring {
        let s = Substring(self)
        guard let first = s.firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = s.lastIndex(where: { !$0.isWhitespace })!
        return s[first...last]
    }
}

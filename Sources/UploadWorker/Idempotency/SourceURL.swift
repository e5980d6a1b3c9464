/// The URL of an upload request, parsed once: the text as given (which may carry credentials and
/// is what the API fetches), the text to show (`redacted`: user-info removed), and the normalized
/// form whose SHA-256 is the idempotency key (design.md, invariant 2).
///
/// Normalization lower-cases the scheme and the host, drops an empty or default port (80 for
/// http, 443 for https), drops user-info and the fragment, and writes an empty path as `/`. The
/// path and the query are kept byte for byte: `a%2Fb` and `a/b` may be different resources, and
/// only the origin server knows whether `?b=1&a=2` equals `?a=2&b=1`.
public struct SourceURL: Sendable, Hashable, CustomStringConvertible {
    /// The URL exactly as the request gave it. May contain `user:password@`: never log it.
    public let original: String
    /// The URL as given without its user-info: the form that events and logs show.
    public let redacted: String
    /// The normalized URL whose SHA-256 is `idempotencyKey`.
    public let normalized: String
    /// `http` or `https`.
    public let scheme: String
    /// The host, lower-cased; IPv6 literals keep their brackets.
    public let host: String
    /// The port when it is not the scheme's default.
    public let port: Int?
    /// Whether the URL carried user-info (credentials).
    public let hasUserInfo: Bool
    /// SHA-256 of `normalized`.
    public let idempotencyKey: IdempotencyKey

    public var description: String { redacted }

    /// Parses an absolute http or https URL.
    public init(parsing text: String) throws(SourceURLError) {
        // The scheme first, so that `data:` or `javascript:` is called what it is.
        if let colon = text.utf8.firstIndex(of: UInt8(ascii: ":")), SourceURL.isScheme(text[..<colon]) {
            let given = text[..<colon]
            let lowered = SourceURL.asciiLowercased(given)
            if lowered != "http" && lowered != "https" {
                throw SourceURLError(reason: .unsupportedScheme, message: "the URL scheme must be http or https, not '\(given)'", redacted: try? SourceURL.split(text).redacted)
            }
        }
        let parts = try SourceURL.split(text)
        let scheme = SourceURL.asciiLowercased(parts.scheme)
        let host = try SourceURL.checkedHost(parts.host, redacted: parts.redacted)
        var port: Int?
        if !parts.port.isEmpty {
            guard parts.port.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), parts.port.utf8.count <= 5,
                  let value = Int(parts.port), value <= 65535
            else {
                throw SourceURLError(reason: .invalid, message: "the URL port '\(parts.port)' is not a number from 0 to 65535", redacted: parts.redacted)
            }
            let defaultPort = scheme == "http" ? 80 : 443
            port = value == defaultPort ? nil : value
        }
        var normalized = scheme + "://" + host
        if let port { normalized += ":" + String(port) }
        let pathAndQuery = parts.pathAndQuery
        if pathAndQuery.isEmpty || pathAndQuery.utf8.first == UInt8(ascii: "?") { normalized += "/" }
        normalized += pathAndQuery

        self.original = text
        self.redacted = parts.redacted
        self.normalized = normalized
        self.scheme = scheme
        self.host = host
        self.port = port
        self.hasUserInfo = parts.hasUserInfo
        self.idempotencyKey = IdempotencyKey(normalizedURL: normalized)
    }

    /// The URL without user-info when its authority can be found, for error events about URLs
    /// that did not parse. Nil when the text is not recognisably `scheme://authority...`: then
    /// nothing of it is shown, since credentials could hide anywhere in it.
    public static func redactedIfRecognisable(_ text: String) -> String? {
        (try? split(text))?.redacted
    }

    private struct Parts {
        var scheme: Substring
        var host: Substring
        var port: Substring
        var pathAndQuery: Substring
        var redacted: String
        var hasUserInfo: Bool
    }

    // Parsing works on UTF-8 code units: every delimiter is ASCII, and Character-level String
    // operations (grapheme breaking) would cost more than the rest of a request's decoding.
    private static func split(_ text: String) throws(SourceURLError) -> Parts {
        let utf8 = text.utf8
        if utf8.isEmpty {
            throw SourceURLError(reason: .invalid, message: "the URL is empty", redacted: nil)
        }
        if let bad = utf8.first(where: { $0 <= 0x20 || $0 == 0x7f }) {
            let what = bad == 0x20 ? "a space" : "a control character (U+\(String(bad, radix: 16, uppercase: true)))"
            throw SourceURLError(reason: .invalid, message: "the URL contains \(what); percent-encode it", redacted: nil)
        }
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")), isScheme(text[..<colon]) else {
            throw SourceURLError(reason: .invalid, message: "the URL is not absolute (it has no scheme such as https://)", redacted: nil)
        }
        let scheme = text[..<colon]
        let afterColon = text[utf8.index(after: colon)...]
        guard afterColon.utf8.starts(with: [UInt8(ascii: "/"), UInt8(ascii: "/")]) else {
            throw SourceURLError(reason: .invalid, message: "the URL has no '//host' after '\(scheme):'", redacted: nil)
        }
        let authorityStart = utf8.index(colon, offsetBy: 3)
        let rest = text[authorityStart...]
        let authorityEnd = rest.utf8.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) ?? text.endIndex
        let authority = text[authorityStart..<authorityEnd]
        var hostPort = authority
        var hasUserInfo = false
        if let at = authority.utf8.lastIndex(of: UInt8(ascii: "@")) {
            hostPort = authority[utf8.index(after: at)...]
            hasUserInfo = true
        }
        let tail = text[authorityEnd...]
        let fragmentStart = tail.utf8.firstIndex(of: UInt8(ascii: "#")) ?? tail.endIndex
        let redacted = hasUserInfo ? String(scheme) + "://" + String(hostPort) + String(tail) : text

        var host = hostPort
        var port: Substring = ""
        if hostPort.utf8.first == UInt8(ascii: "[") {
            guard let close = hostPort.utf8.firstIndex(of: UInt8(ascii: "]")) else {
                throw SourceURLError(reason: .invalid, message: "the URL's IPv6 host has no closing ']'", redacted: redacted)
            }
            host = hostPort[...close]
            let afterClose = hostPort[utf8.index(after: close)...]
            if !afterClose.isEmpty {
                guard afterClose.utf8.first == UInt8(ascii: ":") else {
                    throw SourceURLError(reason: .invalid, message: "the URL has characters after its IPv6 host", redacted: redacted)
                }
                port = afterClose[utf8.index(after: afterClose.startIndex)...]
            }
        } else if let portColon = hostPort.utf8.lastIndex(of: UInt8(ascii: ":")) {
            host = hostPort[..<portColon]
            port = hostPort[utf8.index(after: portColon)...]
        }
        return Parts(scheme: scheme, host: host, port: port, pathAndQuery: tail[..<fragmentStart], redacted: redacted, hasUserInfo: hasUserInfo)
    }

    /// ASCII-only lower-casing (schemes and host names are ASCII once checked).
    private static func asciiLowercased(_ text: Substring) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    /// RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).
    private static func isScheme(_ text: Substring) -> Bool {
        guard let first = text.utf8.first, isASCIILetter(first) else { return false }
        return text.utf8.allSatisfy { isASCIILetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    private static func checkedHost(_ host: Substring, redacted: String) throws(SourceURLError) -> String {
        if host.isEmpty {
            throw SourceURLError(reason: .invalid, message: "the URL has no host", redacted: redacted)
        }
        if host.utf8.first == UInt8(ascii: "[") {
            let inner = host.utf8.dropFirst().dropLast()
            guard !inner.isEmpty, inner.allSatisfy({ isHexDigit($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }) else {
                throw SourceURLError(reason: .invalid, message: "the URL's IPv6 host '\(host)' is not valid", redacted: redacted)
            }
            return asciiLowercased(host)
        }
        // RFC 3986 reg-name: unreserved, percent-encoded and sub-delims. Non-ASCII hosts must come
        // as punycode (xn--...), so that one name has one key.
        guard host.utf8.allSatisfy(isRegNameByte) else {
            throw SourceURLError(reason: .invalid, message: "the URL's host '\(host)' has characters a host name cannot have (non-ASCII names must be punycode)", redacted: redacted)
        }
        return asciiLowercased(host)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    /// unreserved / pct-encoded / sub-delims: letters, digits and `-._~%!$&'()*+,;=`.
    private static func isRegNameByte(_ byte: UInt8) -> Bool {
        if isASCIILetter(byte) || (byte >= 0x30 && byte <= 0x39) { return true }
        switch byte {
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"), UInt8(ascii: "!"),
             UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"),
             UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="):
            return true
        default:
            return false
        }
    }
}

/// Why a request's URL cannot be used.
public struct SourceURLError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable, Hashable {
        /// Not an absolute URL with a host, or with characters a URL cannot have.
        case invalid
        /// A URL, but not http or https.
        case unsupportedScheme
    }

    public var reason: Reason
    /// One sentence naming what is wrong; never contains the URL's user-info.
    public var message: String
    /// The URL without user-info, when its shape was recognisable.
    public var redacted: String?

    public var description: String { message }
}

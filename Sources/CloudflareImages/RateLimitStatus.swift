import Foundation

/// The rate-limit information of one response, from the headers Cloudflare sends with every answer:
/// `Ratelimit: "default";r=<remaining>;t=<seconds to reset>`,
/// `Ratelimit-Policy: "burst";q=<quota>;w=<window seconds>`, and on a 429 `Retry-After`
/// (seconds or an HTTP date). Every field is nil when its header was absent or unreadable.
public struct RateLimitStatus: Sendable, Hashable {
    /// Requests left in the current window (`Ratelimit` `r`).
    public var remaining: Int?
    /// Time until the window resets (`Ratelimit` `t`).
    public var resetIn: Duration?
    /// Requests allowed per window (`Ratelimit-Policy` `q`).
    public var quota: Int?
    /// The window's length (`Ratelimit-Policy` `w`).
    public var window: Duration?
    /// `Retry-After`, as a delay from the moment the response was read (an HTTP date in the past
    /// gives zero).
    public var retryAfter: Duration?

    public init(remaining: Int? = nil, resetIn: Duration? = nil, quota: Int? = nil, window: Duration? = nil, retryAfter: Duration? = nil) {
        self.remaining = remaining
        self.resetIn = resetIn
        self.quota = quota
        self.window = window
        self.retryAfter = retryAfter
    }

    /// True when no rate-limit header was understood.
    public var isEmpty: Bool {
        remaining == nil && resetIn == nil && quota == nil && window == nil && retryAfter == nil
    }

    /// True when the current window has no request left.
    public var isExhausted: Bool { remaining.map { $0 <= 0 } ?? false }

    /// Reads the headers of a response (names in any case). Returns nil when none was understood.
    public init?(headers: [String: String], now: Date = Date()) {
        self.init()
        var chosenName: String?
        if let value = Self.header("ratelimit", in: headers) {
            // Several limits may be listed: the one with the fewest requests left binds.
            let items = Self.parseList(value)
            var bindingFound = false
            for item in items {
                let r = item.parameter("r").flatMap(Self.integer)
                let t = item.parameter("t").flatMap(Self.seconds)
                if r == nil, t == nil { continue }
                if !bindingFound || (r ?? .max) < (remaining ?? .max) {
                    bindingFound = true
                    chosenName = item.name
                    remaining = r
                    resetIn = t
                }
            }
            if !bindingFound {
                // The older draft's dictionary form: `limit=100, remaining=50, reset=5`.
                func member(_ key: String) -> String? { items.first { $0.name == key }?.value }
                remaining = member("remaining").flatMap(Self.integer)
                resetIn = member("reset").flatMap(Self.seconds)
                quota = member("limit").flatMap(Self.integer)
            }
        }
        if let value = Self.header("ratelimit-policy", in: headers) {
            let items = Self.parseList(value).filter { $0.parameter("q") != nil }
            if let policy = items.first(where: { $0.name == chosenName }) ?? items.first {
                quota = policy.parameter("q").flatMap(Self.integer)
                window = policy.parameter("w").flatMap(Self.seconds)
            }
        }
        if let value = Self.header("retry-after", in: headers) {
            retryAfter = Self.retryAfter(value, now: now)
        }
        if isEmpty { return nil }
    }

    /// A header by lower-case name: a direct lookup first (HTTPClient lower-cases names), then a
    /// case-insensitive scan.
    private static func header(_ lowerName: String, in headers: [String: String]) -> String? {
        if let value = headers[lowerName] { return value }
        for (name, value) in headers where name.utf8.count == lowerName.utf8.count && name.lowercased() == lowerName {
            return value
        }
        return nil
    }

    /// `Retry-After`: delay-seconds or an HTTP date (IMF-fixdate, RFC 850 or asctime).
    static func retryAfter(_ raw: String, now: Date) -> Duration? {
        let value = String(decoding: trim(ArraySlice(raw.utf8)), as: UTF8.self)
        if let seconds = seconds(value) { return seconds }
        for format in ["EEE, dd MMM yyyy HH:mm:ss zzz", "EEEE, dd-MMM-yy HH:mm:ss zzz", "EEE MMM d HH:mm:ss yyyy"] {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = format
            if let date = formatter.date(from: value) {
                let delay = max(0, date.timeIntervalSince(now))
                return .milliseconds(Int64((delay * 1000).rounded(.up)))
            }
        }
        return nil
    }

    /// One member of a structured-field list: `name;key=value;key=value`, or `name=value`.
    struct ListItem {
        var name: String
        var value: String?
        var parameters: [(key: String, value: String)]

        func parameter(_ key: String) -> String? { parameters.first { $0.key == key }?.value }
    }

    /// Splits on `,` and `;` outside double quotes; works on bytes (the headers are ASCII), which
    /// keeps it cheap enough to run on every response.
    static func parseList(_ header: String) -> [ListItem] {
        let bytes = Array(header.utf8)
        var items: [ListItem] = []
        var pieces: [ArraySlice<UInt8>] = []
        var start = 0
        var quoted = false
        func finishPiece(_ end: Int) { pieces.append(trim(bytes[start..<end])) }
        func finishItem() {
            defer { pieces.removeAll(keepingCapacity: true) }
            guard let head = pieces.first, !head.isEmpty else { return }
            let (name, value) = keyValue(head)
            var parameters: [(key: String, value: String)] = []
            for piece in pieces.dropFirst() {
                let (key, value) = keyValue(piece)
                if let value { parameters.append((key.lowercased(), value)) }
            }
            items.append(ListItem(name: name, value: value, parameters: parameters))
        }
        for (i, byte) in bytes.enumerated() {
            switch byte {
            case UInt8(ascii: "\""): quoted.toggle()
            case UInt8(ascii: ";") where !quoted:
                finishPiece(i)
                start = i + 1
            case UInt8(ascii: ",") where !quoted:
                finishPiece(i)
                finishItem()
                start = i + 1
            default: break
            }
        }
        finishPiece(bytes.count)
        finishItem()
        return items
    }

    private static func keyValue(_ text: ArraySlice<UInt8>) -> (String, String?) {
        guard let eq = text.firstIndex(of: UInt8(ascii: "=")) else { return (unquote(text), nil) }
        return (unquote(trim(text[..<eq])).lowercased(), unquote(trim(text[(eq + 1)...])))
    }

    private static func unquote(_ text: ArraySlice<UInt8>) -> String {
        var text = text
        if text.count >= 2, text.first == UInt8(ascii: "\""), text.last == UInt8(ascii: "\"") {
            text = text.dropFirst().dropLast()
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static func trim(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var text = text
        while let first = text.first, first == 0x20 || first == 0x09 { text = text.dropFirst() }
        while let last = text.last, last == 0x20 || last == 0x09 { text = text.dropLast() }
        return text
    }

    static func integer(_ text: String) -> Int? {
        guard let n = Int(text), n >= 0 else { return nil }
        return n
    }

    /// Non-negative seconds, whole or decimal.
    static func seconds(_ text: String) -> Duration? {
        let trimmed = String(decoding: trim(ArraySlice(text.utf8)), as: UTF8.self)
        if let n = Int64(trimmed), n >= 0 { return .seconds(n) }
        guard trimmed.first?.isNumber == true, let d = Double(trimmed), d.isFinite, d >= 0 else { return nil }
        return .milliseconds(Int64((d * 1000).rounded(.up)))
    }
}

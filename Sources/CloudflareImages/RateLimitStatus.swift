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
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        self.init()

        var chosenName: String?
        if let value = lowered["ratelimit"] {
            // Several limits may be listed: the one with the fewest requests left binds.
            let items = Self.parseList(value)
            let limits = items.compactMap { item -> (name: String, r: Int?, t: Duration?)? in
                let r = item.parameters["r"].flatMap(Self.integer)
                let t = item.parameters["t"].flatMap(Self.seconds)
                // The older draft's dictionary form: `limit=100, remaining=50, reset=5`.
                if r == nil, t == nil { return nil }
                return (item.name, r, t)
            }
            if let binding = limits.min(by: { ($0.r ?? .max) < ($1.r ?? .max) }) {
                chosenName = binding.name
                remaining = binding.r
                resetIn = binding.t
            } else {
                let dictionary = Dictionary(items.compactMap { item in item.value.map { (item.name, $0) } }, uniquingKeysWith: { a, _ in a })
                remaining = dictionary["remaining"].flatMap(Self.integer)
                resetIn = dictionary["reset"].flatMap(Self.seconds)
                quota = dictionary["limit"].flatMap(Self.integer)
            }
        }
        if let value = lowered["ratelimit-policy"] {
            let items = Self.parseList(value).filter { $0.parameters["q"] != nil }
            let policy = items.first { $0.name == chosenName } ?? items.first
            if let policy {
                quota = policy.parameters["q"].flatMap(Self.integer)
                window = policy.parameters["w"].flatMap(Self.seconds)
            }
        }
        if let value = lowered["retry-after"] {
            retryAfter = Self.retryAfter(value, now: now)
        }
        if isEmpty { return nil }
    }

    /// `Retry-After`: delay-seconds or an HTTP date (IMF-fixdate, RFC 850 or asctime).
    static func retryAfter(_ raw: String, now: Date) -> Duration? {
        let value = raw.trimmingCharacters(in: .whitespaces)
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
        var parameters: [String: String]
    }

    static func parseList(_ header: String) -> [ListItem] {
        splitOutsideQuotes(header, separator: ",").compactMap { member in
            let pieces = splitOutsideQuotes(member, separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let head = pieces.first, !head.isEmpty else { return nil }
            let (name, value) = keyValue(head)
            var parameters: [String: String] = [:]
            for piece in pieces.dropFirst() {
                let (key, value) = keyValue(piece)
                if let value { parameters[key.lowercased()] = value }
            }
            return ListItem(name: name, value: value, parameters: parameters)
        }
    }

    private static func keyValue(_ text: String) -> (String, String?) {
        guard let eq = text.firstIndex(of: "=") else { return (unquote(text), nil) }
        let key = text[..<eq].trimmingCharacters(in: .whitespaces)
        let value = text[text.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        return (unquote(key).lowercased(), unquote(value))
    }

    private static func unquote(_ text: String) -> String {
        guard text.count >= 2, text.first == "\"", text.last == "\"" else { return text }
        return String(text.dropFirst().dropLast())
    }

    private static func splitOutsideQuotes(_ text: String, separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var quoted = false
        for ch in text {
            if ch == "\"" { quoted.toggle() }
            if ch == separator, !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current)
        return parts
    }

    static func integer(_ text: String) -> Int? {
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)), n >= 0 else { return nil }
        return n
    }

    /// Non-negative seconds, whole or decimal.
    static func seconds(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let n = Int64(trimmed), n >= 0 { return .seconds(n) }
        guard trimmed.first?.isNumber == true, let d = Double(trimmed), d.isFinite, d >= 0 else { return nil }
        return .milliseconds(Int64((d * 1000).rounded(.up)))
    }
}

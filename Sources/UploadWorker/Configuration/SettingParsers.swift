import Foundation

/// Why a raw setting value was refused; the loader adds the variable's name and the value.
struct SettingValueError: Error {
    let expected: String
    init(_ expected: String) { self.expected = expected }
}

/// Parsers for the values of settings, shared by every row of the table.
enum SettingParsers {
    /// `200ms`, `30s`, `5m`, `1h`, `1.5s`, `1m30s`, or `0`.
    static func duration(_ raw: String) throws(SettingValueError) -> Duration {
        let expected = "expected a duration like 200ms, 30s or 5m"
        let s = raw.trimmingCharacters(in: .whitespaces)
        if s == "0" { return .zero }
        var total = Duration.zero
        var rest = Substring(s)
        guard !rest.isEmpty else { throw SettingValueError(expected) }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            guard let value = Double(number), value.isFinite else { throw SettingValueError(expected) }
            let scale: Double
            switch unit {
            case "ms": scale = 0.001
            case "s": scale = 1
            case "m": scale = 60
            case "h": scale = 3600
            default: throw SettingValueError(expected)
            }
            let seconds = value * scale
            guard seconds < 1e9 else { throw SettingValueError("\(expected), shorter than 30 years") }
            total += .seconds(seconds)
        }
        return total
    }

    static func integer(_ raw: String, in range: ClosedRange<Int>) throws(SettingValueError) -> Int {
        guard let v = Int(raw.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
            throw SettingValueError("expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return v
    }

    static func oneOf<T>(_ raw: String, _ choices: [(String, T)]) throws(SettingValueError) -> T {
        let key = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard let match = choices.first(where: { $0.0 == key }) else {
            throw SettingValueError("expected one of: " + choices.map(\.0).joined(separator: ", "))
        }
        return match.1
    }

    /// A name that Kafka accepts for a topic.
    static func topic(_ raw: String) throws(SettingValueError) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !raw.isEmpty, raw.count <= 249, raw.allSatisfy(allowed.contains), raw != ".", raw != ".." else {
            throw SettingValueError("expected a topic name of at most 249 letters, digits, '.', '_' or '-'")
        }
        return raw
    }

    /// An http(s) URL with a host, without query or fragment; a trailing slash is dropped.
    static func httpURL(_ raw: String) throws(SettingValueError) -> URL {
        var s = raw.trimmingCharacters(in: .whitespaces)
        while s.hasSuffix("/") { s.removeLast() }
        guard let components = URLComponents(string: s),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil,
              let url = components.url
        else { throw SettingValueError("expected an http:// or https:// URL with a host and no query") }
        guard components.user == nil, components.password == nil else {
            throw SettingValueError("the URL must not carry user-info; use CLOUDFLARE_API_TOKEN")
        }
        return url
    }

    /// `host:port`, `[v6]:port`, or `:port` for every interface; `off` or empty for none.
    static func listenAddress(_ raw: String) throws(SettingValueError) -> WorkerConfiguration.ListenAddress? {
        let s = raw.trimmingCharacters(in: .whitespaces)
        if s.isEmpty || s.lowercased() == "off" { return nil }
        let expected = "expected host:port (e.g. 127.0.0.1:9464, :9464 or [::1]:9464), or off"
        guard let colon = s.lastIndex(of: ":"), let port = UInt16(s[s.index(after: colon)...]) else {
            throw SettingValueError(expected)
        }
        var host = String(s[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        if host == "localhost" { host = "127.0.0.1" }
        // The server binds an address literal; it does not resolve names.
        guard isIPAddress(host) else { throw SettingValueError("expected an IP address (or localhost) before the port: \(expected)") }
        return WorkerConfiguration.ListenAddress(host: host, port: port)
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}

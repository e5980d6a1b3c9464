import Foundation

/// Removes credentials before a string reaches a log line, a metric or an event.
public enum Redaction {
    /// The URL with any `user:password@` replaced by `***@`. Works on strings that are not valid
    /// URLs too, so that nothing a user typed leaks through a parse failure.
    public static func url(_ raw: String) -> String {
        guard let schemeEnd = raw.range(of: "://") else { return raw }
        let afterScheme = raw[schemeEnd.upperBound...]
        let authorityEnd = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) ?? raw.endIndex
        let authority = raw[schemeEnd.upperBound..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return raw }
        return String(raw[..<schemeEnd.upperBound]) + "***@" + String(raw[raw.index(after: at)...])
    }
}

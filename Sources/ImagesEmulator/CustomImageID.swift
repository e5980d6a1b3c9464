/// Cloudflare's rules for a custom image ID (the `id` form field), checked as the API does.
enum CustomImageID {
    /// At most this many characters.
    static let maxLength = 1024

    /// File name extensions that Cloudflare refuses at the end of an ID ("Must not use a
    /// non-image file name extension"). Which ones exactly is unconfirmed: these are the obvious.
    static let nonImageExtensions: Set<String> = [
        "html", "htm", "php", "asp", "aspx", "jsp", "js", "css", "json", "xml", "txt", "pdf", "zip",
        "gz", "tar", "exe", "sh", "bat", "doc", "docx", "xls", "xlsx", "csv", "mp4", "mov", "avi",
        "mp3", "wav",
    ]

    /// Nil when the ID is acceptable, else the reason for error 5411.
    static func problem(_ id: String) -> String? {
        if id.isEmpty { return "Custom ID must not be empty" }
        if id.count > maxLength { return "Custom ID must be at most \(maxLength) characters" }
        if id.hasPrefix("/") || id.hasSuffix("/") { return "Custom ID must not start or end with '/'" }
        if isUUID(id) { return "Must not be UUID" }
        if let last = id.split(separator: "/").last, let dot = last.lastIndex(of: ".") {
            let ext = last[last.index(after: dot)...].lowercased()
            if nonImageExtensions.contains(ext) { return "Must not use a non-image file name extension" }
        }
        return nil
    }

    /// 8-4-4-4-12 hexadecimal digits, any case, any version.
    static func isUUID(_ s: String) -> Bool {
        let u = Array(s.utf8)
        guard u.count == 36 else { return false }
        for (i, c) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if c != UInt8(ascii: "-") { return false }
            } else if PercentDecoding.hexValue(c) == nil {
                return false
            }
        }
        return true
    }
}

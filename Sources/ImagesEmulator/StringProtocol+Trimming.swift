extension StringProtocol {
    /// Without leading and trailing ASCII whitespace (cheaper than `Character.isWhitespace`).
    var trimmingSpaces: Substring {
        let s = Substring(self)
        let utf8 = s.utf8
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (0x09...0x0D).contains(c) }
        guard let first = utf8.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = utf8.lastIndex(where: { !isSpace($0) })!
        return s[first...last]
    }
}

/// Indents compact JSON for reading, keeping the order of the fields as the worker wrote them
/// (Foundation's pretty printer goes through a dictionary and loses it).
enum CompactJSONIndenter {
    static func indent(_ bytes: [UInt8], prefix: String = "", step: String = "  ") -> String {
        var out = prefix
        var depth = 0
        var inString = false
        var escaped = false
        var previous: UInt8 = 0
        func newline() { out += "\n" + prefix + String(repeating: step, count: depth) }
        var text: [UInt8] = []
        func flush() {
            out += String(decoding: text, as: UTF8.self)
            text.removeAll(keepingCapacity: true)
        }
        for byte in bytes {
            if inString {
                text.append(byte)
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                previous = byte
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                text.append(byte)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                text.append(byte)
                flush()
                depth += 1
                newline()
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                flush()
                depth -= 1
                // An empty object or array stays on one line.
                if previous == UInt8(ascii: "{") || previous == UInt8(ascii: "[") {
                    out = String(out.dropLast(1 + prefix.count + step.count * (depth + 1)))
                } else {
                    newline()
                }
                text.append(byte)
            case UInt8(ascii: ","):
                text.append(byte)
                flush()
                newline()
            case UInt8(ascii: ":"):
                text.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                continue
            default:
                text.append(byte)
            }
            previous = byte
        }
        flush()
        return out
    }
}

import CloudflareImages
import Foundation

/// Writes one compact JSON object, fields in the order they are added. The events are written by
/// hand rather than through JSONEncoder so that their key order is the documented one (stable
/// across runs and platforms), optional fields are left out rather than written as null, the
/// original request can be spliced in verbatim, and the duplicate path stays cheap.
struct JSONObjectWriter {
    private(set) var bytes: [UInt8]
    private var isEmpty = true

    init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    /// The finished object.
    consuming func finish() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    private mutating func key(_ name: String) {
        if !isEmpty { bytes.append(UInt8(ascii: ",")) }
        isEmpty = false
        JSONObjectWriter.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func field(_ name: String, _ value: String) {
        key(name)
        JSONObjectWriter.appendString(value, to: &bytes)
    }

    mutating func field(_ name: String, _ value: String?) {
        if let value { field(name, value) }
    }

    mutating func field(_ name: String, _ value: Int) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func field(_ name: String, _ value: Int?) {
        if let value { field(name, value) }
    }

    mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// A timestamp as Cloudflare writes them: ISO-8601, UTC, milliseconds.
    mutating func field(_ name: String, _ value: Date) {
        field(name, CloudflareDate.format(value))
    }

    mutating func field(_ name: String, _ value: Date?) {
        if let value { field(name, value) }
    }

    mutating func field(_ name: String, _ value: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (i, item) in value.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONObjectWriter.appendString(item, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func field(_ name: String, _ value: JSONValue) {
        key(name)
        JSONObjectWriter.append(value, to: &bytes)
    }

    /// A value that is already JSON text (a nested object written by another writer, or the
    /// original request).
    mutating func field(_ name: String, json: [UInt8]) {
        key(name)
        bytes.append(contentsOf: json)
    }

    /// Any JSON value; object keys sorted so that equal values have equal text.
    static func append(_ value: JSONValue, to bytes: inout [UInt8]) {
        switch value {
        case .null: bytes.append(contentsOf: "null".utf8)
        case .bool(let b): bytes.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n):
            // Integral values as integers, like JSONValue's Codable form.
            if n.rounded() == n, abs(n) < 1e15 { bytes.append(contentsOf: String(Int64(n)).utf8) }
            else { bytes.append(contentsOf: n.description.utf8) }
        case .string(let s): appendString(s, to: &bytes)
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                append(item, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (i, key) in object.keys.sorted().enumerated() {
                if i > 0 { bytes.append(UInt8(ascii: ",")) }
                appendString(key, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                append(object[key]!, to: &bytes)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    static func appendString(_ string: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(byte)
            case 0x0A: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case 0x0D: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            case 0x09: bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case 0x00..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(hex[Int(byte >> 4)])
                bytes.append(hex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

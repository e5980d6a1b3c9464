import Foundation

/// Checks a JSON value against the shapes in Fixtures/openapi-shapes.json (a small subset of
/// JSON Schema, see the fixture's comment). Returns every mismatch with its JSON path.
struct ShapeChecker {
    let shapes: [String: Any]

    static func load() throws -> ShapeChecker {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/openapi-shapes.json")
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return ShapeChecker(shapes: root?["shapes"] as? [String: Any] ?? [:])
    }

    func problems(_ value: Any, shape name: String) -> [String] {
        guard let schema = shapes[name] as? [String: Any] else { return ["no shape named \(name)"] }
        return check(value, schema, path: "$")
    }

    func problems(body: [UInt8], shape name: String) -> [String] {
        guard let value = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) else {
            return ["not JSON: \(String(decoding: body.prefix(200), as: UTF8.self))"]
        }
        return problems(value, shape: name)
    }

    private func check(_ value: Any, _ schema: [String: Any], path: String) -> [String] {
        if let ref = schema["$ref"] as? String {
            guard let target = shapes[ref] as? [String: Any] else { return ["\(path): unknown $ref \(ref)"] }
            return check(value, target, path: path)
        }
        var out: [String] = []
        if let expected = schema["const"] {
            if Self.canonical(value) != Self.canonical(expected) {
                out.append("\(path): expected \(expected), got \(value)")
            }
        }
        if let type = schema["type"] {
            let allowed = (type as? [String]) ?? [type as? String ?? ""]
            let actual = Self.typeName(value)
            guard allowed.contains(actual) || (actual == "integer" && allowed.contains("number")) else {
                return out + ["\(path): expected \(allowed.joined(separator: "|")), got \(actual)"]
            }
        }
        if let s = value as? String {
            if let max = schema["maxLength"] as? Int, s.count > max { out.append("\(path): longer than \(max)") }
            switch schema["format"] as? String {
            case "date-time-ms"?:
                if s.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/) == nil { out.append("\(path): not an ISO-8601 time with milliseconds: \(s)") }
            case "uri"?:
                if URL(string: s)?.scheme == nil { out.append("\(path): not a URI: \(s)") }
            default: break
            }
        }
        if let n = value as? NSNumber, let min = schema["minimum"] as? Int, n.intValue < min {
            out.append("\(path): below \(min)")
        }
        if let array = value as? [Any] {
            if let min = schema["minItems"] as? Int, array.count < min { out.append("\(path): fewer than \(min) items") }
            if let max = schema["maxItems"] as? Int, array.count > max { out.append("\(path): more than \(max) items") }
            if let items = schema["items"] as? [String: Any] {
                for (i, item) in array.enumerated() { out += check(item, items, path: "\(path)[\(i)]") }
            }
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for key in schema["required"] as? [String] ?? [] where object[key] == nil {
                out.append("\(path): missing \(key)")
            }
            for (key, member) in object {
                if let sub = properties[key] as? [String: Any] {
                    out += check(member, sub, path: "\(path).\(key)")
                } else if schema["additionalProperties"] as? Bool == false {
                    out.append("\(path): unexpected field \(key)")
                }
            }
        }
        return out
    }

    /// Sorted-keys JSON text: equal values give equal text, and `true` differs from `1`.
    static func canonical(_ value: Any) -> String {
        let data = try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys])
        return data.map { String(decoding: $0, as: UTF8.self) } ?? "?"
    }

    static func typeName(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let n as NSNumber:
            // JSONSerialization makes booleans NSNumbers of type `c` (char); it makes no other chars.
            if String(cString: n.objCType) == "c" { return "boolean" }
            return n.doubleValue.rounded() == n.doubleValue ? "integer" : "number"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "unknown"
        }
    }
}

// Reading an image and the envelope's messages from a parsed `JSONValue`, with the same rules as
// the Codable initializers (`meta` falling back to `metadata`, `null` meaning absent).
extension Image {
    /// Why a JSON value is not an image.
    public struct ShapeError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Reads the API's image object.
    public init(json: JSONValue) throws(ShapeError) {
        guard case .object(let o) = json else { throw ShapeError(description: "result is not an object") }
        func string(_ key: String) throws(ShapeError) -> String? {
            switch o[key] {
            case nil, .null?: return nil
            case .string(let s)?: return s
            default: throw ShapeError(description: "\(key) is not a string")
            }
        }
        func object(_ key: String) throws(ShapeError) -> [String: JSONValue]? {
            switch o[key] {
            case nil, .null?: return nil
            case .object(let m)?: return m
            default: throw ShapeError(description: "\(key) is not an object")
            }
        }
        guard let id = try string("id") else { throw ShapeError(description: "missing id") }
        guard let uploadedText = try string("uploaded") else { throw ShapeError(description: "missing uploaded") }
        guard let uploaded = CloudflareDate.parse(uploadedText) else { throw ShapeError(description: "uploaded is not an ISO-8601 date") }
        let requireSignedURLs: Bool
        switch o["requireSignedURLs"] {
        case nil, .null?: requireSignedURLs = false
        case .bool(let b)?: requireSignedURLs = b
        default: throw ShapeError(description: "requireSignedURLs is not a boolean")
        }
        var variants: [String] = []
        switch o["variants"] {
        case nil, .null?: break
        case .array(let items)?:
            for item in items {
                guard case .string(let s) = item else { throw ShapeError(description: "variants holds a non-string") }
                variants.append(s)
            }
        default: throw ShapeError(description: "variants is not an array")
        }
        var metadata = try object("meta")
        if metadata == nil { metadata = try object("metadata") }
        self.init(id: id, filename: try string("filename"), uploaded: uploaded, requireSignedURLs: requireSignedURLs,
                  variants: variants, metadata: metadata, creator: try string("creator"))
    }
}

extension APIMessage {
    /// The readable entries of an envelope's `errors` or `messages`: those with an integral `code`
    /// (a missing message reads as empty).
    static func list(_ json: JSONValue?) -> [APIMessage] {
        guard case .array(let items)? = json else { return [] }
        return items.compactMap { item in
            guard case .object(let o) = item, case .number(let n)? = o["code"], n.rounded() == n, abs(n) < 1e15 else { return nil }
            let message: String
            if case .string(let s)? = o["message"] { message = s } else { message = "" }
            return APIMessage(code: Int(n), message: message)
        }
    }
}

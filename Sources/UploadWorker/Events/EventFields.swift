import CloudflareImages
import Foundation

/// Typed access to the fields of a parsed JSON object, failing with the field's name.
struct EventFields {
    let object: [String: JSONValue]
    let context: String

    init(_ bytes: [UInt8], context: String) throws(EventDecodingError) {
        let parsed = bytes.withUnsafeBytes { raw in Result { () throws(JSONParser.Failure) in try JSONParser.parse(raw) } }
        switch parsed {
        case .success(.object(let object)): self.init(object, context: context)
        case .success: throw EventDecodingError("\(context) is not a JSON object")
        case .failure(let failure): throw EventDecodingError("\(context) is not JSON: \(failure.message) at byte \(failure.offset)")
        }
    }

    init(_ object: [String: JSONValue], context: String) {
        self.object = object
        self.context = context
    }

    func missing(_ name: String, _ type: String) -> EventDecodingError {
        EventDecodingError("\(context).\(name) is missing or not \(type)")
    }

    func string(_ name: String) throws(EventDecodingError) -> String {
        guard case .string(let value)? = object[name] else { throw missing(name, "a string") }
        return value
    }

    func optionalString(_ name: String) throws(EventDecodingError) -> String? {
        switch object[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw missing(name, "a string")
        }
    }

    func bool(_ name: String) throws(EventDecodingError) -> Bool {
        guard case .bool(let value)? = object[name] else { throw missing(name, "a boolean") }
        return value
    }

    func int(_ name: String) throws(EventDecodingError) -> Int {
        guard case .number(let value)? = object[name], let int = Int(exactly: value) else { throw missing(name, "an integer") }
        return int
    }

    func optionalInt(_ name: String) throws(EventDecodingError) -> Int? {
        if object[name] == nil || object[name] == .null { return nil }
        return try int(name)
    }

    func date(_ name: String) throws(EventDecodingError) -> Date {
        guard let date = EventTimestamp.parse(try string(name)) else { throw missing(name, "an ISO-8601 timestamp") }
        return date
    }

    func optionalDate(_ name: String) throws(EventDecodingError) -> Date? {
        if object[name] == nil || object[name] == .null { return nil }
        return try date(name)
    }

    func nested(_ name: String) throws(EventDecodingError) -> EventFields {
        guard case .object(let value)? = object[name] else { throw missing(name, "an object") }
        return EventFields(value, context: context + "." + name)
    }

    func array(_ name: String) throws(EventDecodingError) -> [JSONValue] {
        guard case .array(let value)? = object[name] else { throw missing(name, "an array") }
        return value
    }
}

extension EventSource {
    init(fields: EventFields) throws(EventDecodingError) {
        self.init(
            topic: try fields.string("topic"), partition: Int32(clamping: try fields.int("partition")),
            offset: Int64(try fields.int("offset")), timestamp: try fields.optionalDate("timestamp"))
    }
}

/// An output event ready for the producer: its JSON value and its headers. The record's key is
/// the input record's key, which the pipeline passes along unchanged.
public struct EncodedEvent: Sendable, Hashable {
    /// Compact UTF-8 JSON.
    public var value: [UInt8]
    public var headers: [EventHeader]

    public init(value: [UInt8], headers: [EventHeader]) {
        self.value = value
        self.headers = headers
    }

    /// The value of the first header with this name.
    public func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }
}

/// One Kafka record header. Values are UTF-8 text.
public struct EventHeader: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name)=\(value)" }

    /// The header names the worker writes (schemas/README.md).
    public enum Name {
        public static let contentType = "content-type"
        public static let eventType = "event-type"
        public static let schemaVersion = "schema-version"
        public static let requestID = "request-id"
        public static let errorKind = "error-kind"
        public static let sourceTopic = "source-topic"
        public static let sourcePartition = "source-partition"
        public static let sourceOffset = "source-offset"
    }

    /// The headers every event carries.
    static func common(eventType: String, schemaVersion: Int, requestID: String) -> [EventHeader] {
        [
            EventHeader(Name.contentType, "application/json"),
            EventHeader(Name.eventType, eventType),
            EventHeader(Name.schemaVersion, String(schemaVersion)),
            EventHeader(Name.requestID, requestID),
        ]
    }
}

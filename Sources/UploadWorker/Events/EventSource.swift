import Foundation

/// Where a request came from: its Kafka record's coordinates. Carried into every output event, so
/// that each event can be traced back to (and a dead letter re-read from) its input record.
public struct EventSource: Sendable, Hashable, CustomStringConvertible {
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The record's timestamp, when the broker gave one.
    public var timestamp: Date?

    public init(topic: String, partition: Int32, offset: Int64, timestamp: Date? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestamp = timestamp
    }

    /// `<topic>/<partition>/<offset>`: the request ID of a request that names none.
    public var defaultRequestID: String { "\(topic)/\(partition)/\(offset)" }

    public var description: String { defaultRequestID }

    var json: [UInt8] {
        var w = JSONObjectWriter(capacity: 96)
        w.field("topic", topic)
        w.field("partition", Int(partition))
        w.field("offset", Int(offset))
        w.field("timestamp", timestamp)
        return w.finish()
    }
}

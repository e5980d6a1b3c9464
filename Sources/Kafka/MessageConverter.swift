import CRdKafka
import Foundation

/// Copies `rd_kafka_message_t`s into `KafkaRecord`s on the poll thread. Keeps topic names by topic
/// handle so that a name is made into a Swift string once, not once per record.
struct MessageConverter {
    private var topicNames: [OpaquePointer: (name: String, cName: ContiguousArray<CChar>)] = [:]
    /// Consecutive messages mostly share a topic: skip the dictionary for those.
    private var last: (rkt: OpaquePointer, name: String, cName: ContiguousArray<CChar>)?

    mutating func record(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> KafkaRecord {
        let m = message.pointee
        let key = m.key.map { Data(bytes: $0, count: m.key_len) }
        let value = m.payload.map { Data(bytes: $0, count: m.len) }
        var type = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let ms = rd_kafka_message_timestamp(message, &type)
        let timestamp = ms >= 0 ? Date(timeIntervalSince1970: Double(ms) / 1000) : nil
        return KafkaRecord(
            topic: topicName(m.rkt), partition: m.partition, offset: m.offset,
            key: key, value: value, headers: Self.headers(message), timestamp: timestamp)
    }

    private mutating func topicName(_ rkt: OpaquePointer?) -> String {
        guard let rkt else { return "" }
        let cName = rd_kafka_topic_name(rkt)!
        // A handle could be freed and its address reused for another topic: compare the names.
        if let last, last.rkt == rkt, last.cName.withUnsafeBufferPointer({ strcmp($0.baseAddress!, cName) == 0 }) {
            return last.name
        }
        if let cached = topicNames[rkt], cached.cName.withUnsafeBufferPointer({ strcmp($0.baseAddress!, cName) == 0 }) {
            last = (rkt, cached.name, cached.cName)
            return cached.name
        }
        let name = String(cString: cName)
        let bytes = ContiguousArray(name.utf8CString)
        topicNames[rkt] = (name, bytes)
        last = (rkt, name, bytes)
        return name
    }

    private static func headers(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var headers: OpaquePointer?
        // The headers belong to the message: not destroyed here.
        guard rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR, let headers else { return [] }
        var result: [KafkaHeader] = []
        var index = 0
        var name: UnsafePointer<CChar>?
        var value: UnsafeRawPointer?
        var size = 0
        while rd_kafka_header_get_all(headers, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR {
            result.append(KafkaHeader(
                name: name.map { String(cString: $0) } ?? "",
                value: value.map { Data(bytes: $0, count: size) }))
            index += 1
        }
        return result
    }
}

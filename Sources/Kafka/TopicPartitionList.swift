import CRdKafka

/// Owns an `rd_kafka_topic_partition_list_t` made by us; deinit destroys it. (A list librdkafka
/// hands out and that is not destroyed makes `rd_kafka_destroy` hang, so every list goes through
/// this class or is borrowed only for the duration of a callback.)
final class TopicPartitionList {
    let pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>

    init(capacity: Int = 1) {
        pointer = rd_kafka_topic_partition_list_new(Int32(max(capacity, 1)))
    }

    /// Takes ownership of a list returned by librdkafka (e.g. `rd_kafka_assignment`).
    init(taking pointer: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        self.pointer = pointer
    }

    convenience init(_ partitions: some Collection<KafkaTopicPartition>) {
        self.init(capacity: partitions.count)
        for p in partitions { add(p) }
    }

    convenience init(offsets: [KafkaTopicPartition: Int64]) {
        self.init(capacity: offsets.count)
        for (p, offset) in offsets { add(p).pointee.offset = offset }
    }

    deinit { rd_kafka_topic_partition_list_destroy(pointer) }

    @discardableResult
    func add(_ p: KafkaTopicPartition) -> UnsafeMutablePointer<rd_kafka_topic_partition_t> {
        rd_kafka_topic_partition_list_add(pointer, p.topic, p.partition)
    }

    var count: Int { Int(pointer.pointee.cnt) }

    var partitions: [KafkaTopicPartition] { Self.partitions(of: pointer) }

    /// Partitions with their per-partition error, if any.
    var errors: [(KafkaTopicPartition, KafkaError)] { Self.errors(of: pointer) }

    /// Reads a list without taking ownership (e.g. the one given to the rebalance callback).
    static func partitions(of list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [KafkaTopicPartition] {
        let n = Int(list.pointee.cnt)
        guard n > 0, let elems = list.pointee.elems else { return [] }
        return (0..<n).map { KafkaTopicPartition(topic: String(cString: elems[$0].topic), partition: elems[$0].partition) }
    }

    static func errors(of list: UnsafePointer<rd_kafka_topic_partition_list_t>) -> [(KafkaTopicPartition, KafkaError)] {
        let n = Int(list.pointee.cnt)
        guard n > 0, let elems = list.pointee.elems else { return [] }
        return (0..<n).compactMap { i in
            let e = elems[i]
            guard e.err != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
            return (KafkaTopicPartition(topic: String(cString: e.topic), partition: e.partition), KafkaError(e.err))
        }
    }
}

import CRdKafka
import Dispatch

extension KafkaConsumer {
    /// Marks `record` as done: its partition's next commit will be `record.offset + 1`.
    public func storeOffset(for record: KafkaRecord) throws(KafkaError) {
        try storeOffsets([record.topicPartition: record.offset + 1])
    }

    /// Stores, per partition, the offset of the next record to read (the last finished one + 1).
    /// Committed by auto commit, by `commit()`, and before revoked partitions are released.
    /// - Throws: `KafkaError` (`state`) for a partition that is not assigned (any more).
    public func storeOffsets(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = TopicPartitionList(offsets: offsets)
        try Self.check(rd_kafka_offsets_store(handle.pointer, list.pointer), list, "store offsets")
    }

    /// Commits the stored offsets and returns when the coordinator acknowledged them. Nothing
    /// stored is not an error. The blocking call runs on a dispatch queue.
    public func commit() async throws(KafkaError) {
        try await commitNow(nil)
    }

    /// Commits these offsets (next offset to read, per partition), awaited.
    public func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws(KafkaError) {
        try await commitNow(offsets)
    }

    /// Starts a commit of the stored offsets and returns at once; a failure is logged.
    public func commitInBackground() {
        guard !core.isClosing else { return }
        _ = rd_kafka_commit(handle.pointer, nil, 1)
    }

    private func commitNow(_ offsets: [KafkaTopicPartition: Int64]?) async throws(KafkaError) {
        guard !core.isClosing else { throw .closed }
        let handle = self.handle
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<KafkaError?, Never>) in
            commitQueue.async {
                // Made here: the list is not Sendable.
                let list = offsets.map { TopicPartitionList(offsets: $0) }
                let err = rd_kafka_commit(handle.pointer, list?.pointer, 0)
                if err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET {
                    continuation.resume(returning: list.flatMap { $0.errors.first.map { $0.1 } })
                } else {
                    continuation.resume(returning: KafkaError(err, message: "commit: \(String(cString: rd_kafka_err2str(err)))"))
                }
            }
        }
        if let result { throw result }
    }
}

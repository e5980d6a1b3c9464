/// `KafkaConsumer.records`: one record per element. Ends when the consumer closes; throws a fatal
/// `KafkaError`.
public struct KafkaRecordSequence: AsyncSequence, Sendable {
    public typealias Element = KafkaRecord
    public typealias Failure = KafkaError

    let consumer: KafkaConsumer

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(consumer: consumer) }

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let consumer: KafkaConsumer
        /// The current batch in reverse order: `popLast` moves each record out without copying.
        private var reversed: [KafkaRecord] = []
        private var epoch = 0

        init(consumer: KafkaConsumer) { self.consumer = consumer }

        public mutating func next() async throws(KafkaError) -> KafkaRecord? {
            while true {
                if !reversed.isEmpty {
                    let current = consumer.core.revocationEpoch.load(ordering: .acquiring)
                    if current != epoch {
                        // Partitions were revoked since this batch was fetched: skip their records.
                        reversed.removeAll { !consumer.core.isAssigned($0.topicPartition) }
                        epoch = current
                        continue
                    }
                    return reversed.removeLast()
                }
                guard let next = try await consumer.core.buffer.next() else { return nil }
                reversed = next.records
                reversed.reverse()
                epoch = next.epoch
            }
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(KafkaError) -> KafkaRecord? {
            try await next()
        }
    }
}

/// `KafkaConsumer.batches`: the records of one fetch round per element (never empty). Ends when
/// the consumer closes; throws a fatal `KafkaError`.
public struct KafkaRecordBatchSequence: AsyncSequence, Sendable {
    public typealias Element = [KafkaRecord]
    public typealias Failure = KafkaError

    let consumer: KafkaConsumer

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(consumer: consumer) }

    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let consumer: KafkaConsumer

        public mutating func next() async throws(KafkaError) -> [KafkaRecord]? {
            while true {
                guard var batch = try await consumer.core.buffer.next() else { return nil }
                if consumer.core.revocationEpoch.load(ordering: .acquiring) != batch.epoch {
                    batch.records.removeAll { !consumer.core.isAssigned($0.topicPartition) }
                    if batch.records.isEmpty { continue }
                }
                return batch.records
            }
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(KafkaError) -> [KafkaRecord]? {
            try await next()
        }
    }
}

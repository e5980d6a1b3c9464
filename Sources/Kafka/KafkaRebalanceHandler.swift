/// What `KafkaConsumer` tells its owner about group rebalances, and how the owner finishes its
/// in-flight work before a partition goes to another member.
///
/// The consumer's poll thread calls these handlers and waits for them to return (at most
/// `KafkaConsumer.Options.rebalanceHandlerTimeout`) before it tells librdkafka to take the
/// partitions away. No new records are delivered meanwhile. In `partitionsRevoked` the owner
/// stops taking work from those partitions, lets in-flight records finish (awaiting their
/// output's acknowledgements), and stores their offsets with `storeOffsets`; it may also
/// `commit()` itself. When the handler returns the consumer commits the stored offsets
/// (synchronously) unless the assignment was lost, then releases the partitions.
///
/// - Eager protocols (`range`, `roundrobin`): every rebalance revokes the whole assignment, then
///   assigns the new one.
/// - `cooperative-sticky`: only the partitions that move are revoked; the rest keep flowing.
public struct KafkaRebalanceHandler: Sendable {
    /// Called after partitions were added to the assignment, before any of their records arrive.
    public var partitionsAssigned: @Sendable ([KafkaTopicPartition]) async -> Void
    /// Called before partitions are released; see `KafkaRevocation`.
    public var partitionsRevoked: @Sendable (KafkaRevocation) async -> Void

    public init(
        partitionsAssigned: @escaping @Sendable ([KafkaTopicPartition]) async -> Void = { _ in },
        partitionsRevoked: @escaping @Sendable (KafkaRevocation) async -> Void = { _ in }
    ) {
        self.partitionsAssigned = partitionsAssigned
        self.partitionsRevoked = partitionsRevoked
    }
}

/// Partitions about to be taken away from this consumer.
public struct KafkaRevocation: Sendable, Hashable {
    public var partitions: [KafkaTopicPartition]
    /// The group already gave them to another member (session timeout, fenced): offsets must not
    /// be committed for them, and the consumer does not commit. Drop in-flight work quickly.
    public var isLost: Bool

    public init(partitions: [KafkaTopicPartition], isLost: Bool) {
        self.partitions = partitions
        self.isLost = isLost
    }
}

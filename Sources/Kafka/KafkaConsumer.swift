import CRdKafka
import Foundation
import Logging

/// A member of a consumer group, subscribed to topics, delivering records as an `AsyncSequence`
/// (`records`, or `batches` for fewer suspensions), with explicit offset storage: librdkafka only
/// commits offsets the owner stored (`enable.auto.offset.store=false`).
///
/// Threading and ownership:
/// - One dedicated poll thread per consumer calls `rd_kafka_consumer_poll`, copies records into a
///   bounded buffer, and runs the rebalance and commit callbacks. It is never a thread of Swift's
///   cooperative pool. When the buffer is full it stops polling until the reader catches up.
/// - Rebalances call the `KafkaRebalanceHandler` and wait for it (bounded), see there.
/// - `commit()` blocks a dispatch-queue thread, not the caller's.
/// - `close()` leaves the group and returns within `Options.closeTimeout` plus
///   `Options.rebalanceHandlerTimeout`, whatever the broker does. Dropping the consumer without
///   `close()` closes it in the background.
/// - The sequences keep the consumer alive while iterated; read them from one task at a time.
public final class KafkaConsumer: Sendable {
    public struct Options: Sendable {
        /// Most records per element of `batches`. Default: 1000.
        public var maxBatchSize = 1000
        /// Records buffered ahead of the reader before the poll thread waits. Default: 20,000.
        public var bufferCapacity = 20_000
        /// How long a rebalance waits for the handler. Default: 30 s.
        public var rebalanceHandlerTimeout: Duration = .seconds(30)
        /// How long `close()` waits for the group to take the partitions back before it closes
        /// anyway. Default: 10 s.
        public var closeTimeout: Duration = .seconds(10)
        /// The poll thread's poll timeout (how fast it notices a close). Default: 100 ms.
        public var pollInterval: Duration = .milliseconds(100)

        public init() {}
    }

    let handle: KafkaHandle
    let core: ConsumerCore
    let commitQueue = DispatchQueue(label: "kafka.consumer.commit")
    public let topics: [String]

    /// Creates the consumer, joins `config.groupID`'s group and subscribes to `topics`.
    ///
    /// Properties set here whatever the configuration says: `enable.auto.offset.store=false`,
    /// `log.queue=true`. `enable.auto.commit` is left as configured (default true: stored offsets
    /// are committed every `auto.commit.interval.ms`, on revoke and on close).
    public init(
        config: KafkaConfig,
        topics: [String],
        rebalanceHandler: KafkaRebalanceHandler? = nil,
        options: Options = Options(),
        logger: Logger = Logger(label: "kafka.consumer")
    ) throws(KafkaError) {
        guard let group = config.groupID, !group.isEmpty else {
            throw .invalidArgument("property 'group.id' is required for a consumer")
        }
        guard !topics.isEmpty else { throw .invalidArgument("a consumer needs at least one topic") }
        var config = config
        if config["enable.auto.offset.store"]?.lowercased() == "true" {
            logger.warning("ignoring enable.auto.offset.store=true: offsets are stored explicitly")
        }
        config["enable.auto.offset.store"] = "false"
        let cooperative = config.assignmentStrategy == .cooperativeSticky
        let core = ConsumerCore(logger: logger, options: options, rebalanceHandler: rebalanceHandler, cooperative: cooperative)
        let handle = try KafkaHandle(type: RD_KAFKA_CONSUMER, config: config, context: core) { conf in
            rd_kafka_conf_set_rebalance_cb(conf, kafkaRebalanceCallback)
            rd_kafka_conf_set_offset_commit_cb(conf, kafkaOffsetCommitCallback)
        }
        // The main queue (logs, errors) is served by rd_kafka_consumer_poll from now on.
        rd_kafka_poll_set_consumer(handle.pointer)
        let subscription = TopicPartitionList(capacity: topics.count)
        for topic in topics { subscription.add(KafkaTopicPartition(topic: topic, partition: RD_KAFKA_PARTITION_UA)) }
        let err = rd_kafka_subscribe(handle.pointer, subscription.pointer)
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            rd_kafka_consumer_close(handle.pointer)
            throw KafkaError(err, message: "subscribe to \(topics): \(String(cString: rd_kafka_err2str(err)))")
        }
        self.handle = handle
        self.core = core
        self.topics = topics
        core.startPollThread(handle: handle)
    }

    deinit {
        core.requestClose()
    }

    /// Records one at a time. Records of partitions revoked after they were fetched are skipped.
    public var records: KafkaRecordSequence { KafkaRecordSequence(consumer: self) }

    /// Records in batches of up to `Options.maxBatchSize` (whatever was fetched), for throughput.
    public var batches: KafkaRecordBatchSequence { KafkaRecordBatchSequence(consumer: self) }

    /// The partitions currently assigned to this member.
    public var assignment: Set<KafkaTopicPartition> { core.state.withLock { $0.assignment } }

    /// Stops fetching these partitions; the member stays in the group. Records already fetched
    /// into the buffer are still delivered.
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = TopicPartitionList(partitions)
        try Self.check(rd_kafka_pause_partitions(handle.pointer, list.pointer), list, "pause")
    }

    /// Fetches paused partitions again, from where they stopped.
    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        let list = TopicPartitionList(partitions)
        try Self.check(rd_kafka_resume_partitions(handle.pointer, list.pointer), list, "resume")
    }

    /// Leaves the group and stops the poll thread: the record sequences end, the revocation
    /// handler runs for the current assignment, stored offsets are committed (auto commit, or the
    /// commit after the revocation handler). Returns true when the close finished, false when the
    /// bound passed first (it then goes on in the background). Safe to call more than once.
    @discardableResult
    public func close() async -> Bool {
        let bound = core.options.closeTimeout + core.options.rebalanceHandlerTimeout + .seconds(1)
        let finished = await core.close(bound: bound)
        if !finished { core.logger.error("consumer close did not finish in time; continuing in the background") }
        return finished
    }

    static func check(_ err: rd_kafka_resp_err_t, _ list: TopicPartitionList, _ what: String) throws(KafkaError) {
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(err, message: "\(what): \(String(cString: rd_kafka_err2str(err)))") }
        if let (partition, error) = list.errors.first {
            throw KafkaError(code: error.code, message: "\(what) \(partition): \(error.message)", isRetriable: error.isRetriable, isFatal: error.isFatal)
        }
    }
}

import CRdKafka
import Foundation
import Logging
import Synchronization

/// The consumer's shared state and its poll thread. The C callbacks (rebalance, offset commit,
/// error, log) reach it through the opaque pointer; they all run on the poll thread, inside
/// `rd_kafka_consumer_poll` or `rd_kafka_consumer_close`.
final class ConsumerCore: KafkaClientContext, @unchecked Sendable {
    struct State: Sendable {
        var assignment: Set<KafkaTopicPartition> = []
        var rebalances = 0
        var closeRequested = false
        var closed = false
        var closeWaiters: [CloseWaiter] = []
    }

    let state = Mutex(State())
    /// Incremented whenever partitions are revoked: records made before then are checked against
    /// the assignment before they are handed out.
    let revocationEpoch = Atomic<Int>(0)
    let buffer: RecordBuffer
    let options: KafkaConsumer.Options
    let rebalanceHandler: KafkaRebalanceHandler?
    let cooperative: Bool

    init(logger: Logger, options: KafkaConsumer.Options, rebalanceHandler: KafkaRebalanceHandler?, cooperative: Bool) {
        self.options = options
        self.rebalanceHandler = rebalanceHandler
        self.cooperative = cooperative
        self.buffer = RecordBuffer(capacity: options.bufferCapacity)
        super.init(logger: logger)
    }

    override func fatalErrorRaised(_ error: KafkaError) {
        buffer.finish(error)
    }

    var isClosing: Bool { state.withLock { $0.closeRequested } }

    func isAssigned(_ partition: KafkaTopicPartition) -> Bool {
        state.withLock { $0.assignment.contains(partition) }
    }

    // MARK: Poll thread

    func startPollThread(handle: KafkaHandle) {
        PollThread.start("kafka-consumer") { [self] in
            runPollLoop(handle.pointer)
            shutDown(handle.pointer)
            let waiters = state.withLock { state in
                state.closed = true
                defer { state.closeWaiters = [] }
                return state.closeWaiters
            }
            for waiter in waiters { waiter.resume(true) }
            // The handle (rd_kafka_destroy) goes with the last reference: this closure's or the
            // KafkaConsumer's.
        }
    }

    private func runPollLoop(_ rk: OpaquePointer) {
        let pollMs = Int32(clamping: KafkaConfig.milliseconds(of: options.pollInterval))
        let maxBatch = max(options.maxBatchSize, 1)
        var converter = MessageConverter()
        while !isClosing {
            guard buffer.waitForSpace(timeout: options.pollInterval) else { continue }
            guard let first = rd_kafka_consumer_poll(rk, pollMs) else { continue }
            let epoch = revocationEpoch.load(ordering: .acquiring)
            var records: [KafkaRecord] = []
            records.reserveCapacity(min(maxBatch, 1024))
            take(first, into: &records, converter: &converter)
            while records.count < maxBatch, let message = rd_kafka_consumer_poll(rk, 0) {
                take(message, into: &records, converter: &converter)
            }
            guard !records.isEmpty else { continue }
            if revocationEpoch.load(ordering: .acquiring) != epoch {
                // A revocation ran inside one of the polls above: drop what is no longer ours.
                let assignment = state.withLock { $0.assignment }
                records.removeAll { !assignment.contains($0.topicPartition) }
            }
            buffer.push(RecordBuffer.Batch(records: records, epoch: revocationEpoch.load(ordering: .acquiring)))
        }
    }

    /// Converts (copies) and destroys one message from `rd_kafka_consumer_poll`.
    private func take(_ message: UnsafeMutablePointer<rd_kafka_message_t>, into records: inout [KafkaRecord], converter: inout MessageConverter) {
        defer { rd_kafka_message_destroy(message) }
        let err = message.pointee.err
        guard err == RD_KAFKA_RESP_ERR_NO_ERROR else {
            consumeError(message, err)
            return
        }
        records.append(converter.record(message))
    }

    private func consumeError(_ message: UnsafeMutablePointer<rd_kafka_message_t>, _ err: rd_kafka_resp_err_t) {
        if err == RD_KAFKA_RESP_ERR__PARTITION_EOF { return }
        let reason = rd_kafka_message_errstr(message).map { String(cString: $0) } ?? ""
        let error = KafkaError(err, message: reason)
        if error.code == .fatal {
            let fatal = fatalError ?? error
            logger.critical("consumer raised a fatal error", metadata: ["error": "\(fatal)"])
            buffer.finish(fatal)
            return
        }
        var metadata: Logger.Metadata = ["code": "\(error.code.name)"]
        if let rkt = message.pointee.rkt {
            metadata["partition"] = "\(String(cString: rd_kafka_topic_name(rkt)))[\(message.pointee.partition)]"
        }
        logger.warning("consume error: \(reason)", metadata: metadata)
    }

    /// Leaves the group without hanging (2.0.2): unsubscribe, serve the revocation, wait (bounded)
    /// for an empty assignment, then `rd_kafka_consumer_close`.
    private func shutDown(_ rk: OpaquePointer) {
        buffer.finish(nil)
        let deadline = ContinuousClock.now + options.closeTimeout
        // cooperative-sticky in 2.0.2: closing before the first assignment can assert; give the
        // join a bounded chance to finish first.
        if cooperative {
            let firstAssignmentDeadline = ContinuousClock.now + options.closeTimeout / 2
            while state.withLock({ $0.rebalances == 0 }) && ContinuousClock.now < firstAssignmentDeadline {
                if let message = rd_kafka_consumer_poll(rk, 100) { rd_kafka_message_destroy(message) }
            }
        }
        let err = rd_kafka_unsubscribe(rk)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("unsubscribe failed", metadata: ["error": "\(KafkaError(err))"])
        }
        while ContinuousClock.now < deadline && !Self.assignmentIsEmpty(rk) {
            if let message = rd_kafka_consumer_poll(rk, 100) { rd_kafka_message_destroy(message) }
        }
        let closeErr = rd_kafka_consumer_close(rk)
        if closeErr != RD_KAFKA_RESP_ERR_NO_ERROR {
            logger.warning("consumer close reported an error", metadata: ["error": "\(KafkaError(closeErr))"])
        }
        state.withLock { $0.assignment = [] }
    }

    static func assignmentIsEmpty(_ rk: OpaquePointer) -> Bool {
        var list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(rk, &list) == RD_KAFKA_RESP_ERR_NO_ERROR, let list else { return true }
        return TopicPartitionList(taking: list).count == 0
    }

    // MARK: Close from the owner

    func requestClose() {
        state.withLock { $0.closeRequested = true }
    }

    /// Requests the close and waits until the poll thread finished it, or `bound` passed.
    /// Returns false when the bound passed first (the close goes on in the background).
    func close(bound: Duration) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let waiter = CloseWaiter(continuation)
            let alreadyClosed = state.withLock { state -> Bool in
                state.closeRequested = true
                if state.closed { return true }
                state.closeWaiters.append(waiter)
                return false
            }
            if alreadyClosed {
                waiter.resume(true)
                return
            }
            let ms = Int(KafkaConfig.milliseconds(of: bound))
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(ms)) { waiter.resume(false) }
        }
    }
}

/// Resumes one `close()` exactly once: when the poll thread finished, or when the bound passed.
final class CloseWaiter: Sendable {
    private let continuation: Mutex<CheckedContinuation<Bool, Never>?>

    init(_ continuation: CheckedContinuation<Bool, Never>) {
        self.continuation = Mutex(continuation)
    }

    func resume(_ finished: Bool) {
        let c = continuation.withLock { c in
            defer { c = nil }
            return c
        }
        c?.resume(returning: finished)
    }
}

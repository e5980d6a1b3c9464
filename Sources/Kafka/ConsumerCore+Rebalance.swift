import CRdKafka
import Dispatch
import Logging

extension ConsumerCore {
    /// Runs inside `rd_kafka_consumer_poll`/`_close` on the poll thread. The partition list belongs
    /// to librdkafka and is only read here.
    func rebalance(_ rk: OpaquePointer, _ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let cooperative = String(cString: rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        let partitions = TopicPartitionList.partitions(of: list)
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            let failure: KafkaError?
            if cooperative {
                failure = rd_kafka_incremental_assign(rk, list).map { KafkaError(consuming: $0) }
            } else {
                let e = rd_kafka_assign(rk, list)
                failure = e == RD_KAFKA_RESP_ERR_NO_ERROR ? nil : KafkaError(e)
            }
            if let failure {
                logger.error("assign failed", metadata: ["error": "\(failure)", "partitions": "\(partitions)"])
                return
            }
            state.withLock {
                $0.assignment.formUnion(partitions)
                $0.rebalances += 1
            }
            logger.info("partitions assigned", metadata: ["partitions": .string(Self.describe(partitions)), "protocol": .string(cooperative ? "cooperative" : "eager")])
            if let handler = rebalanceHandler?.partitionsAssigned {
                runHandler("partitionsAssigned") { await handler(partitions) }
            }

        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(rk) != 0
            let revoked = Set(partitions)
            // No record of these partitions is handed out from now on.
            state.withLock {
                $0.assignment.subtract(revoked)
                $0.rebalances += 1
            }
            revocationEpoch.add(1, ordering: .releasing)
            buffer.remove(revoked)
            logger.info("partitions revoked", metadata: ["partitions": .string(Self.describe(partitions)), "lost": .string("\(lost)")])
            if let handler = rebalanceHandler?.partitionsRevoked {
                let revocation = KafkaRevocation(partitions: partitions, isLost: lost)
                runHandler("partitionsRevoked") { await handler(revocation) }
            }
            if !lost {
                let e = rd_kafka_commit(rk, nil, 0)
                if e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR__NO_OFFSET && e != RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS {
                    logger.warning("commit before releasing revoked partitions failed", metadata: ["error": "\(KafkaError(e))"])
                }
            }
            if cooperative {
                if let error = rd_kafka_incremental_unassign(rk, list).map({ KafkaError(consuming: $0) }) {
                    logger.error("incremental unassign failed", metadata: ["error": "\(error)"])
                }
            } else {
                rd_kafka_assign(rk, nil)
            }

        default:
            logger.error("rebalance failed", metadata: ["error": "\(KafkaError(err))"])
            state.withLock { $0.assignment = [] }
            revocationEpoch.add(1, ordering: .releasing)
            rd_kafka_assign(rk, nil)
        }
    }

    /// Runs an async handler and blocks the poll thread (never a cooperative-pool thread) until it
    /// returns or the bound passes.
    private func runHandler(_ name: String, _ body: @escaping @Sendable () async -> Void) {
        let done = DispatchSemaphore(value: 0)
        Task {
            await body()
            done.signal()
        }
        let ms = Int(KafkaConfig.milliseconds(of: options.rebalanceHandlerTimeout))
        if done.wait(timeout: .now() + .milliseconds(ms)) == .timedOut {
            logger.warning("rebalance handler did not return in time; going on", metadata: ["handler": .string(name), "timeout": .string("\(options.rebalanceHandlerTimeout)")])
        }
    }

    static func describe(_ partitions: [KafkaTopicPartition]) -> String {
        partitions.sorted().map(\.description).joined(separator: ",")
    }

    func offsetsCommitted(_ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        if err == RD_KAFKA_RESP_ERR_NO_ERROR || err == RD_KAFKA_RESP_ERR__NO_OFFSET {
            if let list, logger.logLevel <= .debug {
                logger.debug("offsets committed", metadata: ["count": "\(list.pointee.cnt)"])
            }
            return
        }
        // During a rebalance the coordinator refuses commits (the mock cluster even in the phase
        // where Kafka accepts them); the next owner reads those records again: not an alarm.
        let level: Logger.Level = err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS ? .notice : .warning
        logger.log(level: level, "offset commit failed", metadata: ["error": "\(KafkaError(err))"])
    }
}

/// librdkafka's rebalance callback (`rd_kafka_conf_set_rebalance_cb`).
let kafkaRebalanceCallback: @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, list, opaque in
    guard let rk, let list, let opaque else { return }
    let core = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue() as! ConsumerCore
    core.rebalance(rk, err, list)
}

/// librdkafka's offset-commit callback: results of commits, served by the poll thread.
let kafkaOffsetCommitCallback: @convention(c) (OpaquePointer?, rd_kafka_resp_err_t, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, UnsafeMutableRawPointer?) -> Void = {
    _, err, list, opaque in
    guard let opaque else { return }
    let core = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue() as! ConsumerCore
    core.offsetsCommitted(err, list)
}

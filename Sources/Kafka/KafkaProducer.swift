import CRdKafka
import Foundation
import Logging
import Synchronization

/// An idempotent producer (`enable.idempotence=true`, hence `acks=all`, unless the configuration
/// says otherwise) whose `send` returns when the broker has acknowledged the record.
///
/// Threading: `send` never blocks: it enqueues the record in librdkafka and suspends. A dedicated
/// poll thread serves librdkafka's delivery reports, error and log callbacks and resumes each
/// `send` from its per-message opaque. `close()` flushes on that thread and never on Swift's
/// cooperative pool.
public final class KafkaProducer: Sendable {
    public struct Options: Sendable {
        /// How long `close()` waits for outstanding records to be acknowledged before it purges
        /// them (their `send` then throws `purgeQueue`/`purgeInflight`). Default: 10 s.
        public var flushTimeout: Duration = .seconds(10)
        /// How long `send` waits before retrying when librdkafka's local queue is full
        /// (`queue.buffering.max.messages`). Default: 1 ms.
        public var queueFullBackoff: Duration = .milliseconds(1)
        /// How often the poll thread wakes up when idle. Default: 100 ms.
        public var pollInterval: Duration = .milliseconds(100)

        public init() {}
    }

    let handle: KafkaHandle
    let core: ProducerCore
    let options: Options

    /// - Throws: `KafkaError` with code `invalidArgument` naming the property and value that
    ///   librdkafka rejected.
    public init(config: KafkaConfig, options: Options = Options(), logger: Logger = Logger(label: "kafka.producer")) throws(KafkaError) {
        var config = config
        if config.enableIdempotence == nil { config.enableIdempotence = true }
        let core = ProducerCore(logger: logger)
        self.core = core
        self.options = options
        self.handle = try KafkaHandle(type: RD_KAFKA_PRODUCER, config: config, context: core) { conf in
            rd_kafka_conf_set_dr_msg_cb(conf, kafkaDeliveryReportCallback)
        }
        core.startPollThread(handle: handle, options: options)
    }

    deinit {
        // Without close(): stop the poll thread; it flushes within the timeout first.
        core.requestClose()
    }

    /// Sends one record and returns where the broker stored it, once acknowledged.
    ///
    /// - Throws: `KafkaError`: `messageTimedOut` when it was not acknowledged within
    ///   `message.timeout.ms`; a fatal error (`isFatal`) when the producer is unusable;
    ///   `destroyed` after `close()`.
    public func send(
        topic: String, key: Data? = nil, value: Data?, headers: [KafkaHeader] = [], partition: Int32? = nil
    ) async throws(KafkaError) -> KafkaDeliveryReceipt {
        try await send(KafkaProducerRecord(topic: topic, partition: partition, key: key, value: value, headers: headers))
    }

    /// Sends one record and returns where the broker stored it, once acknowledged.
    public func send(_ record: KafkaProducerRecord) async throws(KafkaError) -> KafkaDeliveryReceipt {
        while true {
            let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<KafkaDeliveryReceipt, KafkaError>, Never>) in
                let box = Unmanaged.passRetained(PendingDelivery(topic: record.topic, target: .single(continuation)))
                if let error = core.produce(record, handle: handle, opaque: box.toOpaque()) {
                    box.release()
                    continuation.resume(returning: .failure(error))
                }
            }
            if case .failure(let error) = result, error.code == .queueFull {
                try? await Task.sleep(for: options.queueFullBackoff)
                continue
            }
            return try result.get()
        }
    }

    /// Sends records and returns one result per record, in order, once every one is acknowledged
    /// or has failed. Cheaper than one `send` per record (one suspension for the whole batch).
    public func send(_ records: [KafkaProducerRecord]) async -> [Result<KafkaDeliveryReceipt, KafkaError>] {
        guard !records.isEmpty else { return [] }
        var pending = Array(records.indices)
        let batch = BatchDelivery(count: records.count)
        while !pending.isEmpty {
            let full = await withUnsafeContinuation { (continuation: UnsafeContinuation<[Int], Never>) in
                batch.arm(continuation, expecting: pending.count)
                var full: [Int] = []
                for index in pending {
                    let box = Unmanaged.passRetained(PendingDelivery(topic: records[index].topic, target: .batch(batch, index)))
                    if let error = core.produce(records[index], handle: handle, opaque: box.toOpaque()) {
                        box.release()
                        if error.code == .queueFull { full.append(index) }
                        batch.complete(index, error.code == .queueFull ? nil : .failure(error))
                    }
                }
                batch.setRetry(full)
            }
            pending = full
            if !pending.isEmpty { try? await Task.sleep(for: options.queueFullBackoff) }
        }
        return batch.results
    }

    /// The fatal error the producer raised, if any. After one, every `send` fails.
    public var fatalError: KafkaError? { core.fatalError }

    /// Records not yet acknowledged or failed.
    public var outstandingCount: Int { Int(rd_kafka_outq_len(handle.pointer)) }

    /// Stops accepting records, waits up to `Options.flushTimeout` for outstanding ones, purges the
    /// rest (their `send` throws), and stops the poll thread. Safe to call more than once.
    public func close() async {
        await core.close()
    }
}

extension KafkaProducer {
    /// Makes librdkafka raise a fatal error as if the broker had caused one
    /// (`rd_kafka_test_fatal_error`), to test how callers handle it.
    func raiseFatalErrorForTesting(_ code: KafkaError.Code, reason: String) {
        _ = rd_kafka_test_fatal_error(handle.pointer, code.native, reason)
    }
}

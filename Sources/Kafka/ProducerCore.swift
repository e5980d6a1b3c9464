import CRdKafka
import Foundation
import Logging
import Synchronization

/// The producer's shared state, reached by the delivery-report callback through the opaque.
final class ProducerCore: KafkaClientContext, @unchecked Sendable {
    private struct State {
        var closeRequested = false
        var finished = false
        var closeWaiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())
    /// No record slips in after close has flushed (its `send` would never be resumed): an enqueue
    /// counts itself in `enqueuing` before it checks `closed`; close sets `closed`, then waits
    /// for `enqueuing` to drop to zero. Sequentially consistent, so one of the two always sees
    /// the other. (Lock-free: sends from several threads do not contend here.)
    private let closed = Atomic<Bool>(false)
    private let enqueuing = Atomic<Int>(0)

    /// Enqueues one record.
    func produce(_ record: KafkaProducerRecord, handle: KafkaHandle, opaque: UnsafeMutableRawPointer) -> KafkaError? {
        if let fatal = fatalError { return fatal }
        enqueuing.add(1, ordering: .sequentiallyConsistent)
        defer { enqueuing.subtract(1, ordering: .sequentiallyConsistent) }
        guard !closed.load(ordering: .sequentiallyConsistent) else { return .closed }
        return ProducerCore.enqueue(record, rk: handle.pointer, opaque: opaque)
    }

    func requestClose() {
        state.withLock { $0.closeRequested = true }
    }

    func close() async {
        await withCheckedContinuation { continuation in
            let resumeNow = state.withLock { state -> Bool in
                if state.finished { return true }
                state.closeRequested = true
                state.closeWaiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    func startPollThread(handle: KafkaHandle, options: KafkaProducer.Options) {
        PollThread.start("kafka-producer") { [self] in
            let rk = handle.pointer
            let pollMs = Int32(clamping: KafkaConfig.milliseconds(of: options.pollInterval))
            while !state.withLock({ $0.closeRequested }) {
                rd_kafka_poll(rk, pollMs)
            }
            closed.store(true, ordering: .sequentiallyConsistent)
            while enqueuing.load(ordering: .sequentiallyConsistent) > 0 { sched_yield() }
            shutDown(rk, flushTimeout: options.flushTimeout)
            let waiters = state.withLock { state in
                state.finished = true
                defer { state.closeWaiters = [] }
                return state.closeWaiters
            }
            for waiter in waiters { waiter.resume() }
            // `handle` is released when this closure ends; the producer object may still hold it.
        }
    }

    /// Flushes, then purges what is left so that every pending `send` is resumed.
    private func shutDown(_ rk: OpaquePointer, flushTimeout: Duration) {
        let flushMs = Int32(clamping: KafkaConfig.milliseconds(of: flushTimeout))
        let flushed = rd_kafka_flush(rk, flushMs)
        let left = rd_kafka_outq_len(rk)
        if flushed != RD_KAFKA_RESP_ERR_NO_ERROR || left > 0 {
            logger.warning("producer closing with unacknowledged records; purging them", metadata: ["count": "\(left)"])
            rd_kafka_purge(rk, Int32(RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT))
            // Serve the purged records' delivery reports (they fail their sends).
            var rounds = 0
            while rd_kafka_outq_len(rk) > 0 && rounds < 50 {
                rd_kafka_poll(rk, 100)
                rounds += 1
            }
        }
        // Serve the last log lines.
        rd_kafka_poll(rk, 0)
    }

    /// Calls `rd_kafka_produceva` (the variadic `producev` cannot be called from Swift). Key, value
    /// and headers are copied by librdkafka (`RD_KAFKA_MSG_F_COPY`), so every pointer here only
    /// needs to live for the duration of the call.
    private static func enqueue(_ record: KafkaProducerRecord, rk: OpaquePointer, opaque: UnsafeMutableRawPointer) -> KafkaError? {
        if !record.headers.isEmpty {
            return enqueueWithHeaders(record, rk: rk, opaque: opaque)
        }
        return withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 6) { fields in
            enqueue(record, rk: rk, opaque: opaque, fields: fields, count: 0)
        }
    }

    /// Header names and values go to temporary C memory, then the common path.
    private static func enqueueWithHeaders(_ record: KafkaProducerRecord, rk: OpaquePointer, opaque: UnsafeMutableRawPointer) -> KafkaError? {
        var headerMemory: [UnsafeMutableRawPointer] = []
        defer { headerMemory.forEach { free($0) } }
        return withUnsafeTemporaryAllocation(of: rd_kafka_vu_t.self, capacity: 6 + record.headers.count) { fields in
            for (i, header) in record.headers.enumerated() {
                let name = strdup(header.name)!
                headerMemory.append(UnsafeMutableRawPointer(name))
                var field = rd_kafka_vu_t()
                field.vtype = RD_KAFKA_VTYPE_HEADER
                field.u.header.name = UnsafePointer(name)
                if let value = header.value {
                    let memory = malloc(max(value.count, 1))!
                    headerMemory.append(memory)
                    value.copyBytes(to: memory.assumingMemoryBound(to: UInt8.self), count: value.count)
                    field.u.header.val = UnsafeRawPointer(memory)
                    field.u.header.size = value.count
                } else {
                    field.u.header.val = nil
                    field.u.header.size = 0
                }
                fields.initializeElement(at: i, to: field)
            }
            return enqueue(record, rk: rk, opaque: opaque, fields: fields, count: record.headers.count)
        }
    }

    /// Adds topic, key, value, partition, flags and opaque after `count` fields already set.
    private static func enqueue(
        _ record: KafkaProducerRecord, rk: OpaquePointer, opaque: UnsafeMutableRawPointer,
        fields: UnsafeMutableBufferPointer<rd_kafka_vu_t>, count: Int
    ) -> KafkaError? {
        var n = count
        func append(_ field: rd_kafka_vu_t) {
            fields.initializeElement(at: n, to: field)
            n += 1
        }
        var flags = rd_kafka_vu_t()
        flags.vtype = RD_KAFKA_VTYPE_MSGFLAGS
        flags.u.i = RD_KAFKA_MSG_F_COPY
        append(flags)
        var opaqueField = rd_kafka_vu_t()
        opaqueField.vtype = RD_KAFKA_VTYPE_OPAQUE
        opaqueField.u.ptr = opaque
        append(opaqueField)
        if let partition = record.partition {
            var field = rd_kafka_vu_t()
            field.vtype = RD_KAFKA_VTYPE_PARTITION
            field.u.i32 = partition
            append(field)
        }
        let error: OpaquePointer? = record.topic.withCString { topic in
            var topicField = rd_kafka_vu_t()
            topicField.vtype = RD_KAFKA_VTYPE_TOPIC
            topicField.u.cstr = topic
            append(topicField)
            return withBytes(record.key) { key in
                withBytes(record.value) { value in
                    var keyField = rd_kafka_vu_t()
                    keyField.vtype = RD_KAFKA_VTYPE_KEY
                    keyField.u.mem.ptr = UnsafeMutableRawPointer(mutating: key?.baseAddress)
                    keyField.u.mem.size = key?.count ?? 0
                    append(keyField)
                    var valueField = rd_kafka_vu_t()
                    valueField.vtype = RD_KAFKA_VTYPE_VALUE
                    valueField.u.mem.ptr = UnsafeMutableRawPointer(mutating: value?.baseAddress)
                    valueField.u.mem.size = value?.count ?? 0
                    append(valueField)
                    return rd_kafka_produceva(rk, UnsafePointer(fields.baseAddress), n)
                }
            }
        }
        return error.map { KafkaError(consuming: $0) }
    }
}

/// Runs `body` with the bytes of `data`, or nil for a nil `data` (a Kafka null).
func withBytes<R>(_ data: Data?, _ body: (UnsafeRawBufferPointer?) -> R) -> R {
    guard let data else { return body(nil) }
    if data.isEmpty {
        // A non-null pointer with size 0: an empty (not null) key or value.
        var zero: UInt8 = 0
        return withUnsafeBytes(of: &zero) { body(UnsafeRawBufferPointer(rebasing: $0[0..<0])) }
    }
    return data.withUnsafeBytes { body($0) }
}

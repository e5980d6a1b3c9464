import CRdKafka
import Synchronization

/// The per-message opaque of a produced record: who waits for its delivery report. Retained when
/// the record is enqueued, released by the delivery-report callback (which runs exactly once per
/// enqueued record, also for purged ones).
final class PendingDelivery {
    enum Target {
        case single(UnsafeContinuation<Result<KafkaDeliveryReceipt, KafkaError>, Never>)
        case batch(BatchDelivery, Int)
    }
    let topic: String
    let target: Target

    init(topic: String, target: Target) {
        self.topic = topic
        self.target = target
    }

    func complete(_ result: Result<KafkaDeliveryReceipt, KafkaError>) {
        switch target {
        case .single(let continuation): continuation.resume(returning: result)
        case .batch(let batch, let index): batch.complete(index, result)
        }
    }
}

/// Results of one `send([KafkaProducerRecord])`: resumed once every record is settled (or once the
/// records that met a full queue are known, to retry them).
final class BatchDelivery: Sendable {
    private struct State {
        var results: [Result<KafkaDeliveryReceipt, KafkaError>?]
        var outstanding = 0
        var retry: [Int]? = nil
        var continuation: UnsafeContinuation<[Int], Never>?
    }
    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(results: Array(repeating: nil, count: count)))
    }

    func arm(_ continuation: UnsafeContinuation<[Int], Never>, expecting count: Int) {
        state.withLock {
            $0.continuation = continuation
            $0.outstanding = count
            $0.retry = nil
        }
    }

    /// `result` nil: the record met a full queue and will be retried.
    func complete(_ index: Int, _ result: Result<KafkaDeliveryReceipt, KafkaError>?) {
        let resume = state.withLock { state -> (UnsafeContinuation<[Int], Never>, [Int])? in
            if let result { state.results[index] = result }
            state.outstanding -= 1
            return Self.takeIfDone(&state)
        }
        if let (continuation, retry) = resume { continuation.resume(returning: retry) }
    }

    /// Called after the enqueue loop with the indices to retry.
    func setRetry(_ indices: [Int]) {
        let resume = state.withLock { state -> (UnsafeContinuation<[Int], Never>, [Int])? in
            state.retry = indices
            return Self.takeIfDone(&state)
        }
        if let (continuation, retry) = resume { continuation.resume(returning: retry) }
    }

    private static func takeIfDone(_ state: inout State) -> (UnsafeContinuation<[Int], Never>, [Int])? {
        guard state.outstanding == 0, let retry = state.retry, let continuation = state.continuation else { return nil }
        state.continuation = nil
        return (continuation, retry)
    }

    var results: [Result<KafkaDeliveryReceipt, KafkaError>] {
        state.withLock { $0.results.map { $0! } }
    }
}

/// librdkafka's delivery-report callback, on the producer's poll thread.
let kafkaDeliveryReportCallback: @convention(c) (OpaquePointer?, UnsafePointer<rd_kafka_message_t>?, UnsafeMutableRawPointer?) -> Void = {
    rk, message, opaque in
    guard let message, let pending = message.pointee._private else { return }
    let delivery = Unmanaged<PendingDelivery>.fromOpaque(pending).takeRetainedValue()
    let m = message.pointee
    if m.err == RD_KAFKA_RESP_ERR_NO_ERROR {
        delivery.complete(.success(KafkaDeliveryReceipt(topic: delivery.topic, partition: m.partition, offset: m.offset)))
        return
    }
    var error = KafkaError(m.err)
    if error.code == .fatal, let opaque {
        error = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue().fatalError ?? error
    }
    delivery.complete(.failure(error))
}

import Dispatch
import Synchronization

/// Batches of records between the consumer's poll thread (which pushes) and the one task that
/// iterates `KafkaConsumer.records` or `.batches` (which takes). Bounded: when `capacity` records
/// are buffered the poll thread waits for space, so a slow reader does not fill memory.
final class RecordBuffer: Sendable {
    struct Batch: Sendable {
        var records: [KafkaRecord]
        /// The consumer's revocation epoch when the batch was made (see `ConsumerCore`).
        var epoch: Int
    }

    private struct State: Sendable {
        var batches: [Batch] = []
        var head = 0
        var count = 0
        var waiter: UnsafeContinuation<Result<Batch?, KafkaError>, Never>?
        /// Set once: the stream ends after the buffered batches (nil failure) or at once with it.
        var finished = false
        var failure: KafkaError?
        var pusherWaiting = false
    }

    private let state = Mutex(State())
    private let space = DispatchSemaphore(value: 0)
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    // MARK: Poll thread side

    /// Hands the batch to a waiting reader or queues it.
    func push(_ batch: Batch) {
        let waiter = state.withLock { state -> UnsafeContinuation<Result<Batch?, KafkaError>, Never>? in
            guard !state.finished else { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.batches.append(batch)
            state.count += batch.records.count
            return nil
        }
        waiter?.resume(returning: .success(batch))
    }

    /// Waits up to `timeout` for the buffer to drop below capacity; true when there is space.
    func waitForSpace(timeout: Duration) -> Bool {
        let full = state.withLock { state -> Bool in
            let full = state.count >= capacity && !state.finished
            state.pusherWaiting = full
            return full
        }
        guard full else { return true }
        let ms = Int(KafkaConfig.milliseconds(of: timeout))
        _ = space.wait(timeout: .now() + .milliseconds(ms))
        return state.withLock { $0.count < capacity || $0.finished }
    }

    /// Drops buffered records of these partitions (revoked: their next owner reads them again).
    func remove(_ partitions: Set<KafkaTopicPartition>) {
        state.withLock { state in
            var removed = 0
            for i in state.head..<state.batches.count {
                let before = state.batches[i].records.count
                state.batches[i].records.removeAll { partitions.contains($0.topicPartition) }
                removed += before - state.batches[i].records.count
            }
            state.count -= removed
        }
        space.signal()
    }

    /// Ends the stream: with `failure` at once, or (nil) after dropping what is buffered.
    func finish(_ failure: KafkaError?) {
        let waiter = state.withLock { state -> UnsafeContinuation<Result<Batch?, KafkaError>, Never>? in
            guard !state.finished else { return nil }
            state.finished = true
            state.failure = failure
            state.batches = []
            state.head = 0
            state.count = 0
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: failure.map { .failure($0) } ?? .success(nil))
        space.signal()
    }

    // MARK: Reader side

    /// The next non-empty batch, nil at the end of the stream or when the task is cancelled.
    func next() async throws(KafkaError) -> Batch? {
        while true {
            let result = await withTaskCancellationHandler {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<Batch?, KafkaError>, Never>) in
                    let (immediate, wakePusher) = state.withLock { state -> (Result<Batch?, KafkaError>?, Bool) in
                        if state.head < state.batches.count {
                            // Moved out, so that the reader holds the only reference to the array.
                            let batch = state.batches[state.head]
                            state.batches[state.head].records = []
                            state.head += 1
                            state.count -= batch.records.count
                            if state.head > 64 && state.head * 2 > state.batches.count {
                                state.batches.removeFirst(state.head)
                                state.head = 0
                            }
                            let wake = state.pusherWaiting && state.count < capacity
                            if wake { state.pusherWaiting = false }
                            return (.success(batch), wake)
                        }
                        if state.finished { return (state.failure.map { .failure($0) } ?? .success(nil), false) }
                        if Task.isCancelled { return (.success(nil), false) }
                        precondition(state.waiter == nil, "KafkaConsumer records are read by one task at a time")
                        state.waiter = continuation
                        return (nil, false)
                    }
                    if wakePusher { space.signal() }
                    if let immediate { continuation.resume(returning: immediate) }
                }
            } onCancel: {
                let waiter = state.withLock { state in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume(returning: .success(nil))
            }
            switch result {
            case .success(let batch?) where batch.records.isEmpty: continue
            case .success(let batch): return batch
            case .failure(let error): throw error
            }
        }
    }
}

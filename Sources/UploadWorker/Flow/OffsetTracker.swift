import Synchronization

/// Tracks, per partition, the records taken from the consumer until their terminal event is
/// acknowledged, and says when to commit, pause and resume; waits for partitions to drain on
/// rebalance and shutdown. Thread-safe: the pure `OffsetTrackerState` behind a `Mutex`.
///
/// Typical use in the pipeline (with the Kafka module's types):
/// ```swift
/// let tracker = OffsetTracker<KafkaTopicPartition>(bufferCap: configuration.partitionBuffer)
/// tracker.assign(partitions)                                  // on assignment
/// let take = try tracker.take(record.topicPartition, offset: record.offset)
/// if take.pause { try consumer.pause([record.topicPartition]) }
/// ... upload, publish, await the broker's ack ...
/// let done = try tracker.finish(take.ticket)
/// if let position = done.commitPosition { try consumer.storeOffsets([record.topicPartition: position]) }
/// if done.resume { try consumer.resume([record.topicPartition]) }
/// // on revocation or SIGTERM, having stopped taking records from them:
/// let outcome = await tracker.waitUntilDrained(revoking, deadline: .now + configuration.shutdownTimeout)
/// tracker.revoke(revoking)
/// ```
public final class OffsetTracker<Partition: Hashable & Sendable>: Sendable {
    private struct DrainWaiter {
        let id: UInt64
        let partitions: Set<Partition>?
        let continuation: CheckedContinuation<Bool, Never>
    }
    private struct State {
        var tracker: OffsetTrackerState<Partition>
        var waiters: [DrainWaiter] = []
        var nextWaiterID: UInt64 = 0
        var cancelledEarly: Set<UInt64> = []

        /// Removes and returns the waiters whose partitions have drained.
        mutating func takeDrainedWaiters() -> [DrainWaiter] {
            guard !waiters.isEmpty else { return [] }
            var drained: [DrainWaiter] = []
            waiters.removeAll { w in
                guard tracker.isDrained(w.partitions) else { return false }
                drained.append(w)
                return true
            }
            return drained
        }
    }

    private let state: Mutex<State>
    private let clock: any WorkerClock

    public init(_ configuration: OffsetTrackerState<Partition>.Configuration, clock: any WorkerClock = SystemClock()) {
        state = Mutex(State(tracker: OffsetTrackerState(configuration)))
        self.clock = clock
    }

    /// - Parameters:
    ///   - bufferCap: records a partition may hold before it is paused.
    ///   - resumeAt: when a paused partition resumes. Default: half the cap.
    public convenience init(bufferCap: Int, resumeAt: Int? = nil, clock: any WorkerClock = SystemClock()) {
        self.init(.init(bufferCap: bufferCap, resumeAt: resumeAt), clock: clock)
    }

    public var configuration: OffsetTrackerState<Partition>.Configuration { state.withLock { $0.tracker.configuration } }

    public func assign(_ partitions: some Sequence<Partition>) {
        state.withLock { $0.tracker.assign(partitions) }
    }

    public func take(_ partition: Partition, offset: Int64) throws(OffsetTrackerError) -> TakeAction<Partition> {
        try state.withLock { s throws(OffsetTrackerError) in try s.tracker.take(partition, offset: offset) }
    }

    public func finish(_ ticket: OffsetTicket<Partition>) throws(OffsetTrackerError) -> FinishAction {
        let (action, woken) = try state.withLock { s throws(OffsetTrackerError) in
            let action = try s.tracker.finish(ticket)
            return (action, s.takeDrainedWaiters())
        }
        for w in woken { w.continuation.resume(returning: true) }
        return action
    }

    @discardableResult
    public func revoke(_ partitions: some Sequence<Partition>) -> [RevokedPartition<Partition>] {
        let (revoked, woken) = state.withLock { s in
            let revoked = s.tracker.revoke(partitions)
            return (revoked, s.takeDrainedWaiters())
        }
        for w in woken { w.continuation.resume(returning: true) }
        return revoked
    }

    public var assigned: Set<Partition> { state.withLock { $0.tracker.assigned } }

    public func isDrained(_ partitions: Set<Partition>? = nil) -> Bool {
        state.withLock { $0.tracker.isDrained(partitions) }
    }

    public func unfinished(_ partitions: Set<Partition>? = nil) -> [Partition: [Int64]] {
        state.withLock { $0.tracker.unfinished(partitions) }
    }

    public func status(of partition: Partition) -> PartitionStatus<Partition>? {
        state.withLock { $0.tracker.status(of: partition) }
    }

    public var statuses: [PartitionStatus<Partition>] { state.withLock { $0.tracker.statuses } }

    /// The result of a drain.
    public enum DrainOutcome: Sendable, Equatable {
        /// Every record taken from the partitions finished.
        case drained
        /// The deadline passed (or the task was cancelled) first; these offsets were unfinished.
        case timedOut(unfinished: [Partition: [Int64]])
    }

    /// Waits until every record taken from `partitions` (all assigned ones when nil) has finished,
    /// or until `deadline`. The caller stops taking records from them first.
    public func waitUntilDrained(_ partitions: Set<Partition>? = nil, deadline: ContinuousClock.Instant) async -> DrainOutcome {
        if isDrained(partitions) { return .drained }
        let clock = self.clock
        await withTaskGroup(of: Void.self) { group in
            group.addTask { _ = await self.waitForDrain(partitions) }
            group.addTask { try? await clock.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
        return state.withLock { s in
            s.tracker.isDrained(partitions) ? .drained : .timedOut(unfinished: s.tracker.unfinished(partitions))
        }
    }

    private enum DrainCheck { case wait, drained, cancelled }

    /// Returns true once drained, false if cancelled first.
    private func waitForDrain(_ partitions: Set<Partition>?) async -> Bool {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiterID += 1
            return s.nextWaiterID
        }
        // A cancellation that raced with the wake-up leaves a marker behind; drop it either way.
        defer { _ = state.withLock { $0.cancelledEarly.remove(id) } }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let now = state.withLock { s -> DrainCheck in
                    if s.cancelledEarly.remove(id) != nil { return .cancelled }
                    if s.tracker.isDrained(partitions) { return .drained }
                    s.waiters.append(DrainWaiter(id: id, partitions: partitions, continuation: continuation))
                    return .wait
                }
                switch now {
                case .wait: break
                case .drained: continuation.resume(returning: true)
                case .cancelled: continuation.resume(returning: false)
                }
            }
        } onCancel: {
            let waiter = state.withLock { s -> DrainWaiter? in
                if let i = s.waiters.firstIndex(where: { $0.id == id }) { return s.waiters.remove(at: i) }
                s.cancelledEarly.insert(id)
                return nil
            }
            waiter?.continuation.resume(returning: false)
        }
    }
}

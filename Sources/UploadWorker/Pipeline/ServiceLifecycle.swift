import Kafka

/// The service's lifecycle and intake gate as a pure state machine (run behind a `Mutex` by
/// `UploadWorkerService`): whether records may be taken, from which partitions, and how a
/// shutdown request is answered.
///
/// ```
/// idle --start--> running --requestShutdown--> draining --finish--> finished
///   \------------------requestShutdown (before run)--------^ (run() then drains at once)
/// ```
struct ServiceLifecycle: Sendable {
    enum Phase: Sendable, Equatable { case idle, running, draining, finished }

    /// What the caller does after `requestShutdown`.
    enum ShutdownAction: Sendable, Equatable {
        /// The first request: stop taking, start the drain (and log why).
        case startDrain
        /// A later request with a more serious reason: the exit code changes, nothing else.
        case escalate
        case none
    }

    private(set) var phase: Phase = .idle
    private(set) var shutdownRequested = false
    /// The first serious reason wins over `graceful`.
    private(set) var termination: WorkerTermination = .graceful
    /// When in-flight work must be finished, once a shutdown started.
    private(set) var drainDeadline: ContinuousClock.Instant?
    /// Partitions being revoked: their records are not taken any more.
    private(set) var revoking: Set<KafkaTopicPartition> = []

    /// True the first time only: `run()` may be called once.
    mutating func start() -> Bool {
        guard phase == .idle else { return false }
        phase = shutdownRequested ? .draining : .running
        return true
    }

    /// Records may be taken from `partition`.
    func mayTake(from partition: KafkaTopicPartition) -> Bool {
        !shutdownRequested && !revoking.contains(partition)
    }

    var isTaking: Bool { !shutdownRequested }

    mutating func requestShutdown(_ reason: WorkerTermination, deadline: ContinuousClock.Instant) -> ShutdownAction {
        guard phase != .finished else { return .none }
        if !shutdownRequested {
            shutdownRequested = true
            termination = reason
            drainDeadline = deadline
            if phase == .running { phase = .draining }
            return .startDrain
        }
        if termination == .graceful, reason != .graceful {
            termination = reason
            return .escalate
        }
        return .none
    }

    mutating func beginRevoking(_ partitions: [KafkaTopicPartition]) {
        revoking.formUnion(partitions)
    }

    mutating func endRevoking(_ partitions: [KafkaTopicPartition]) {
        revoking.subtract(partitions)
    }

    mutating func finish() {
        precondition(phase == .draining, "the service finishes only after a drain, not from \(phase)")
        phase = .finished
    }
}

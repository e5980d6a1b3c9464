/// The offsets of every assigned partition, as a pure state machine: each call returns what the
/// caller must do (pause, resume, commit), and `OffsetTracker` runs it behind a lock.
///
/// Each assignment of a partition gets a new epoch, carried in the tickets of its records, so
/// that a record of an earlier assignment that finishes late (after a revoke and a reassignment
/// of the same partition) cannot mark a record of the new assignment finished.
public struct OffsetTrackerState<Partition: Hashable & Sendable>: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Records a partition may hold before it is paused (the window, see `PartitionProgress`).
        public var bufferCap: Int
        /// A paused partition is resumed when its window falls to this. Default: half the cap.
        public var resumeAt: Int

        public init(bufferCap: Int, resumeAt: Int? = nil) {
            precondition(bufferCap >= 1, "bufferCap must be >= 1")
            self.bufferCap = bufferCap
            self.resumeAt = min(resumeAt ?? bufferCap / 2, bufferCap - 1)
            precondition(self.resumeAt >= 0, "resumeAt must be >= 0")
        }
    }

    struct Assignment: Sendable {
        var epoch: UInt64
        var progress = PartitionProgress()
        var paused = false
    }

    public let configuration: Configuration
    private(set) var assignments: [Partition: Assignment] = [:]
    private var nextEpoch: UInt64 = 0

    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Starts tracking partitions. A partition already assigned keeps its state (an incremental
    /// assignment may repeat partitions); a new one starts empty with a new epoch.
    public mutating func assign(_ partitions: some Sequence<Partition>) {
        for p in partitions where assignments[p] == nil {
            nextEpoch += 1
            assignments[p] = Assignment(epoch: nextEpoch)
        }
    }

    /// Records a record taken from the consumer. `pause` is true when the partition just reached
    /// the buffer cap: the caller pauses it (once; it stays paused until a finish says resume).
    public mutating func take(_ partition: Partition, offset: Int64) throws(OffsetTrackerError) -> TakeAction<Partition> {
        guard let i = assignments.index(forKey: partition) else {
            throw OffsetTrackerError(.notAssigned, "record at offset \(offset) from a partition that is not assigned: \(partition)")
        }
        // Mutated in place through `values[i]`: a copy out of the dictionary would make every
        // append copy the partition's whole window (copy-on-write).
        try assignments.values[i].progress.take(offset)
        let pause = !assignments.values[i].paused && assignments.values[i].progress.windowCount >= configuration.bufferCap
        if pause { assignments.values[i].paused = true }
        return TakeAction(ticket: OffsetTicket(partition: partition, offset: offset, epoch: assignments.values[i].epoch), pause: pause)
    }

    /// Records that a record's terminal event was acknowledged.
    public mutating func finish(_ ticket: OffsetTicket<Partition>) throws(OffsetTrackerError) -> FinishAction {
        guard let i = assignments.index(forKey: ticket.partition), assignments.values[i].epoch == ticket.epoch else { return .stale }
        let position = try assignments.values[i].progress.finish(ticket.offset)
        let resume = assignments.values[i].paused && assignments.values[i].progress.windowCount <= configuration.resumeAt
        if resume { assignments.values[i].paused = false }
        return FinishAction(commitPosition: position, resume: resume, isStale: false)
    }

    /// Stops tracking partitions; returns what each still had unfinished. Unknown partitions are skipped.
    public mutating func revoke(_ partitions: some Sequence<Partition>) -> [RevokedPartition<Partition>] {
        var revoked: [RevokedPartition<Partition>] = []
        for p in partitions {
            guard let a = assignments.removeValue(forKey: p) else { continue }
            revoked.append(RevokedPartition(
                partition: p, unfinished: a.progress.unfinishedOffsets,
                commitPosition: a.progress.commitPosition, wasPaused: a.paused))
        }
        return revoked
    }

    /// The assigned partitions.
    public var assigned: Set<Partition> { Set(assignments.keys) }

    /// True when every record taken from these partitions (all when nil) has finished.
    /// Partitions that are not assigned have nothing to wait for.
    public func isDrained(_ partitions: Set<Partition>? = nil) -> Bool {
        if let partitions {
            return partitions.allSatisfy { assignments[$0]?.progress.isDrained ?? true }
        }
        return assignments.values.allSatisfy { $0.progress.isDrained }
    }

    /// Unfinished offsets of these partitions (all when nil), for the partitions that have some.
    public func unfinished(_ partitions: Set<Partition>? = nil) -> [Partition: [Int64]] {
        var result: [Partition: [Int64]] = [:]
        for (p, a) in assignments where partitions?.contains(p) ?? true {
            let offsets = a.progress.unfinishedOffsets
            if !offsets.isEmpty { result[p] = offsets }
        }
        return result
    }

    /// The state of one partition, nil when it is not assigned.
    public func status(of partition: Partition) -> PartitionStatus<Partition>? {
        assignments[partition].map { Self.status(partition, $0) }
    }

    /// The state of every assigned partition, for metrics and logs.
    public var statuses: [PartitionStatus<Partition>] {
        assignments.map { Self.status($0.key, $0.value) }
    }

    private static func status(_ p: Partition, _ a: Assignment) -> PartitionStatus<Partition> {
        PartitionStatus(
            partition: p, buffered: a.progress.windowCount, unfinished: a.progress.unfinishedCount,
            commitPosition: a.progress.commitPosition, lastTaken: a.progress.lastTaken, paused: a.paused)
    }
}

/// Names one taken record; hand it back to `finish`.
public struct OffsetTicket<Partition: Hashable & Sendable>: Hashable, Sendable {
    public let partition: Partition
    public let offset: Int64
    /// Which assignment of the partition the record belongs to.
    let epoch: UInt64
}

/// What to do after `take`.
public struct TakeAction<Partition: Hashable & Sendable>: Hashable, Sendable {
    public let ticket: OffsetTicket<Partition>
    /// Pause the partition: it reached the buffer cap.
    public let pause: Bool
}

/// What to do after `finish`.
public struct FinishAction: Hashable, Sendable {
    /// The new commit position (the next offset to read) when the finished prefix grew: store or
    /// commit it.
    public let commitPosition: Int64?
    /// Resume the partition: its buffer fell to the resume mark.
    public let resume: Bool
    /// The ticket belongs to an assignment that was revoked since: nothing to do.
    public let isStale: Bool

    public static let stale = FinishAction(commitPosition: nil, resume: false, isStale: true)
}

/// A partition given up by `revoke`, with what it still had unfinished.
public struct RevokedPartition<Partition: Hashable & Sendable>: Hashable, Sendable {
    public let partition: Partition
    /// Records taken and not finished: they will be consumed again by the next owner.
    public let unfinished: [Int64]
    /// The last commit position returned for this partition, if any.
    public let commitPosition: Int64?
    public let wasPaused: Bool
}

/// A snapshot of one partition.
public struct PartitionStatus<Partition: Hashable & Sendable>: Hashable, Sendable {
    public let partition: Partition
    /// Records in the window (unfinished, or finished behind an unfinished one).
    public let buffered: Int
    public let unfinished: Int
    public let commitPosition: Int64?
    public let lastTaken: Int64?
    public let paused: Bool
}

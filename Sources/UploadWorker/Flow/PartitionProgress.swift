/// What one partition has taken and finished, as a pure value: the window of offsets from the
/// first unfinished one to the last taken, and the commit position (the next offset to read) that
/// the contiguous finished prefix allows (design.md, invariant 1).
///
/// Offsets must be taken in increasing order but need not be consecutive (compacted topics and
/// transaction markers leave gaps); a gap never blocks the commit position. Finishing is in any
/// order. Memory is one entry per offset in the window; the front is dropped as it finishes.
public struct PartitionProgress: Sendable, Equatable {
    /// Taken offsets not yet behind the commit position, ascending, from `head`.
    private var offsets: [Int64] = []
    private var finished: [Bool] = []
    private var head = 0

    /// The last commit position this value returned (the next offset to read), if any.
    public private(set) var commitPosition: Int64?
    /// The last offset taken, if any.
    public private(set) var lastTaken: Int64?
    /// Taken and not yet finished.
    public private(set) var unfinishedCount = 0

    public init() {}

    /// Records taken and not yet committable: the unfinished ones and the finished ones waiting
    /// behind an unfinished one. This is what the buffer cap bounds, so that it bounds both the
    /// memory of the pipeline and how much a crash can replay.
    public var windowCount: Int { offsets.count - head }

    /// True when every taken record has finished.
    public var isDrained: Bool { unfinishedCount == 0 }

    /// The unfinished offsets, ascending.
    public var unfinishedOffsets: [Int64] {
        (head..<offsets.count).filter { !finished[$0] }.map { offsets[$0] }
    }

    /// Records that `offset` was taken; it must be past the last one taken.
    public mutating func take(_ offset: Int64) throws(OffsetTrackerError) {
        if let last = lastTaken, offset <= last {
            throw OffsetTrackerError(.outOfOrderTake, "offset \(offset) taken after \(last)")
        }
        guard offset >= 0 else { throw OffsetTrackerError(.outOfOrderTake, "negative offset \(offset)") }
        offsets.append(offset)
        finished.append(false)
        lastTaken = offset
        unfinishedCount += 1
    }

    /// Marks a taken offset finished. Returns the new commit position when the finished prefix
    /// grew (the offset after the last record of the prefix), nil when it did not.
    public mutating func finish(_ offset: Int64) throws(OffsetTrackerError) -> Int64? {
        guard let index = indexOf(offset) else {
            if let c = commitPosition, offset < c {
                throw OffsetTrackerError(.alreadyFinished, "offset \(offset) is already committed (position \(c))")
            }
            throw OffsetTrackerError(.notTaken, "offset \(offset) was not taken")
        }
        guard !finished[index] else { throw OffsetTrackerError(.alreadyFinished, "offset \(offset) finished twice") }
        finished[index] = true
        unfinishedCount -= 1
        guard index == head else { return nil }
        while head < offsets.count, finished[head] { head += 1 }
        let position = offsets[head - 1] + 1
        commitPosition = position
        compactIfWorthIt()
        return position
    }

    private func indexOf(_ offset: Int64) -> Int? {
        var low = head, high = offsets.count
        while low < high {
            let mid = (low + high) / 2
            if offsets[mid] < offset { low = mid + 1 } else { high = mid }
        }
        return low < offsets.count && offsets[low] == offset ? low : nil
    }

    /// Drops the committed front once it is at least half the storage, so removal stays amortized O(1).
    private mutating func compactIfWorthIt() {
        if head == offsets.count {
            offsets.removeAll(keepingCapacity: true)
            finished.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= offsets.count {
            offsets.removeFirst(head)
            finished.removeFirst(head)
            head = 0
        }
    }

    public static func == (lhs: PartitionProgress, rhs: PartitionProgress) -> Bool {
        lhs.commitPosition == rhs.commitPosition && lhs.lastTaken == rhs.lastTaken
            && Array(lhs.offsets[lhs.head...]) == Array(rhs.offsets[rhs.head...])
            && Array(lhs.finished[lhs.head...]) == Array(rhs.finished[rhs.head...])
    }
}

/// A misuse of the offset tracker: a bug in the caller, reported loudly rather than ignored.
public struct OffsetTrackerError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// A record taken from a partition that is not assigned.
        case notAssigned = "not_assigned"
        /// An offset taken at or before the last one taken from its partition.
        case outOfOrderTake = "out_of_order_take"
        /// A finish for an offset that was never taken.
        case notTaken = "not_taken"
        /// A second finish for one offset.
        case alreadyFinished = "already_finished"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "offset tracker: \(code.rawValue): \(message)" }
}

import Synchronization

/// How many records may be taken and unfinished at once across every partition, on top of the
/// per-partition caps: it bounds the child tasks (and so the memory) whatever the number of
/// partitions. The intake waits for room before it pulls the next batch from the consumer, so
/// at most one batch goes past the limit.
final class RecordBudget: Sendable {
    private struct State {
        var active = 0
        var waiter: CheckedContinuation<Void, Never>?
        /// Set when the intake must not wait any more (shutdown).
        var open = false
    }

    let limit: Int
    /// The intake resumes once `active` fell to this (hysteresis: batches keep their size).
    let resumeAt: Int
    private let state = Mutex(State())

    init(limit: Int) {
        self.limit = max(limit, 1)
        self.resumeAt = self.limit * 3 / 4
    }

    /// Records taken and not finished.
    var active: Int { state.withLock { $0.active } }

    func take(_ count: Int) {
        state.withLock { $0.active += count }
    }

    func release() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.active -= 1
            guard s.active <= resumeAt || s.open, let waiter = s.waiter else { return nil }
            s.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Stops all waiting for good (shutdown: the intake takes nothing any more, and must reach
    /// the consumer's end of stream).
    func open() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.open = true
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Returns when fewer than `limit` records are active. One waiter at a time (the intake).
    /// Not cancellable: every active record ends, by the shutdown deadline at the latest.
    func waitForRoom() async {
        guard state.withLock({ $0.active >= limit && !$0.open }) else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let room = state.withLock { s -> Bool in
                if s.active <= resumeAt || s.open { return true }
                precondition(s.waiter == nil, "RecordBudget has one waiter at a time")
                s.waiter = continuation
                return false
            }
            if room { continuation.resume() }
        }
    }
}

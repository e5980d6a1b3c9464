import Synchronization

/// A counting semaphore for async tasks: at most `limit` holders at once (MAX_IN_FLIGHT API
/// calls), the others suspended in FIFO order without blocking a thread.
final class InFlightLimiter: Sendable {
    private struct State {
        var available: Int
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
        var nextID: UInt64 = 0
        var cancelledEarly: Set<UInt64> = []
    }

    let limit: Int
    private let state: Mutex<State>

    init(limit: Int) {
        precondition(limit >= 1, "the in-flight limit must be >= 1")
        self.limit = limit
        state = Mutex(State(available: limit))
    }

    /// Holders right now.
    var inUse: Int { state.withLock { limit - $0.available } }

    /// Takes a slot; returns false (and holds none) when the task was cancelled while waiting.
    func acquire() async -> Bool {
        let id: UInt64? = state.withLock { s in
            if s.available > 0, s.waiters.isEmpty {
                s.available -= 1
                return nil
            }
            s.nextID += 1
            return s.nextID
        }
        guard let id else { return true }
        defer { _ = state.withLock { $0.cancelledEarly.remove(id) } }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let now = state.withLock { s -> Bool? in
                    if s.cancelledEarly.remove(id) != nil { return false }
                    // A slot may have been released between the first check and here.
                    if s.available > 0, s.waiters.isEmpty {
                        s.available -= 1
                        return true
                    }
                    s.waiters.append((id, continuation))
                    return nil
                }
                if let now { continuation.resume(returning: now) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Bool, Never>? in
                if let i = s.waiters.firstIndex(where: { $0.id == id }) { return s.waiters.remove(at: i).continuation }
                s.cancelledEarly.insert(id)
                return nil
            }
            waiter?.resume(returning: false)
        }
    }

    /// Gives a slot back: to the first waiter, or to the pool.
    func release() {
        let next = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            if !s.waiters.isEmpty { return s.waiters.removeFirst().continuation }
            s.available += 1
            precondition(s.available <= limit, "InFlightLimiter released more often than acquired")
            return nil
        }
        next?.resume(returning: true)
    }
}

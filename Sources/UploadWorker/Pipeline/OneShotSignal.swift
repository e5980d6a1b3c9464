import Synchronization

/// Something that happens once (a shutdown request, the end of a drain), awaited by any number
/// of tasks. Firing twice is harmless; waiting after it fired returns at once.
final class OneShotSignal: Sendable {
    private struct State {
        var fired = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var hasFired: Bool { state.withLock { $0.fired } }

    /// Fires the signal; returns true for the first call.
    @discardableResult
    func fire() -> Bool {
        let (first, waiters) = state.withLock { s -> (Bool, [CheckedContinuation<Void, Never>]) in
            guard !s.fired else { return (false, []) }
            s.fired = true
            defer { s.waiters = [] }
            return (true, s.waiters)
        }
        for waiter in waiters { waiter.resume() }
        return first
    }

    /// Returns once the signal fired. Not cancellable: every signal of the service fires before
    /// `run()` returns.
    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let fired = state.withLock { s -> Bool in
                if s.fired { return true }
                s.waiters.append(continuation)
                return false
            }
            if fired { continuation.resume() }
        }
    }
}

import Foundation
import Synchronization

/// A clock that moves only when a test says so, for TTL tests without sleeping.
final class TestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    /// A closure for the stores' `now` option.
    var function: @Sendable () -> Date { { [self] in self.now } }
}

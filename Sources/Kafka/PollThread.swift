import Foundation

/// A dedicated thread for blocking librdkafka calls (poll, flush, close): never a thread of
/// Swift's cooperative pool. Named for `top -H` and `perf` (at most 15 characters show).
enum PollThread {
    static func start(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = Thread {
            Thread.current.name = name  // from inside the thread: sets the OS thread name too
            body()
        }
        thread.name = name
        thread.start()
    }
}

import Dispatch
import Foundation
import Synchronization

/// Waits for SIGINT or SIGTERM without blocking a thread, the way swift-service-lifecycle does:
/// the default action is ignored and a dispatch source reports the signal.
enum ShutdownSignal {
    /// Returns the signal number that arrived first.
    static func wait() async -> Int32 {
        let queue = DispatchQueue(label: "upload-worker.signals")
        let sources = [SIGINT, SIGTERM].map { sig in
            signal(sig, SIG_IGN)
            return (sig, DispatchSource.makeSignalSource(signal: sig, queue: queue))
        }
        let received = await withCheckedContinuation { (continuation: CheckedContinuation<Int32, Never>) in
            let once = OnceFlag()
            for (sig, source) in sources {
                source.setEventHandler {
                    if once.claim() { continuation.resume(returning: sig) }
                }
                source.resume()
            }
        }
        for (_, source) in sources { source.cancel() }
        return received
    }
}

private final class OnceFlag: Sendable {
    private let done = Atomic<Bool>(false)
    func claim() -> Bool { !done.exchange(true, ordering: .relaxed) }
}

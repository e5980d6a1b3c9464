import CloudflareImages
import Foundation
import Synchronization

/// What a shared upload ended in, handed to every request that waited for it.
enum SharedOutcome: Sendable {
    case success(Image)
    case failure(UploadFailure, attempts: Int, firstAttemptAt: Date?, lastAttemptAt: Date?)
    /// The leader gave up without an outcome (shutdown, configuration problem): the followers
    /// give up too and stay uncommitted.
    case abandoned
}

/// Makes concurrent requests for one source URL share one upload (design.md, invariant 2): the
/// first to `join` a key leads (it uploads and calls `resolve`), the others wait for its outcome.
///
/// The state is a plain dictionary behind a `Mutex`: key -> the followers waiting. Continuations
/// are resumed outside the lock.
final class UploadCoalescer: Sendable {
    private let waiting = Mutex<[IdempotencyKey: [CheckedContinuation<SharedOutcome?, Never>]]>([:])

    /// Nil: the caller leads and must call `resolve(key:with:)` exactly once. Otherwise the
    /// leader's outcome. Not cancellable: the leader always resolves.
    func join(_ key: IdempotencyKey) async -> SharedOutcome? {
        await withCheckedContinuation { (continuation: CheckedContinuation<SharedOutcome?, Never>) in
            let leads = waiting.withLock { w -> Bool in
                if w[key] != nil {
                    w[key]!.append(continuation)
                    return false
                }
                w[key] = []
                return true
            }
            if leads { continuation.resume(returning: nil) }
        }
    }

    /// Ends the leadership of `key` and wakes its followers with `outcome`.
    func resolve(_ key: IdempotencyKey, with outcome: SharedOutcome) {
        let followers = waiting.withLock { w -> [CheckedContinuation<SharedOutcome?, Never>] in
            guard let followers = w.removeValue(forKey: key) else {
                preconditionFailure("UploadCoalescer.resolve for a key nobody leads")
            }
            return followers
        }
        for follower in followers { follower.resume(returning: outcome) }
    }

    /// Keys being uploaded right now.
    var leaders: Int { waiting.withLock { $0.count } }
}

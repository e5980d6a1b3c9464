import Synchronization

/// Counters of what the pipeline has done, for the demo's progress display and the periodic
/// progress line. Cheap to update from every record task (relaxed atomics).
public final class PipelineProgress: Sendable {
    /// A consistent-enough copy of the counters (each read atomically, not all at one instant).
    public struct Snapshot: Sendable, Equatable {
        /// Records taken from the request topic.
        public var recordsTaken: Int
        /// Result events acknowledged by the broker (uploaded or deduplicated).
        public var results: Int
        /// Error events acknowledged by the broker.
        public var errors: Int
        /// Result events answered without an upload of their own (store hit or shared upload).
        public var deduplicated: Int
        /// Successful upload API calls (including an existing image fetched after a 5409).
        public var uploads: Int
        /// Records taken and not yet finished (being processed or awaiting their ack).
        public var inFlight: Int
        /// Uploads waiting for the pacer or in an API call.
        public var uploadsInFlight: Int

        /// Terminal events acknowledged.
        public var finished: Int { results + errors }
    }

    let recordsTaken = Atomic<Int>(0)
    let results = Atomic<Int>(0)
    let errors = Atomic<Int>(0)
    let deduplicated = Atomic<Int>(0)
    let uploads = Atomic<Int>(0)
    let inFlight = Atomic<Int>(0)
    let uploadsInFlight = Atomic<Int>(0)

    init() {}

    public var snapshot: Snapshot {
        Snapshot(
            recordsTaken: recordsTaken.load(ordering: .relaxed), results: results.load(ordering: .relaxed),
            errors: errors.load(ordering: .relaxed), deduplicated: deduplicated.load(ordering: .relaxed),
            uploads: uploads.load(ordering: .relaxed), inFlight: inFlight.load(ordering: .relaxed),
            uploadsInFlight: uploadsInFlight.load(ordering: .relaxed))
    }
}

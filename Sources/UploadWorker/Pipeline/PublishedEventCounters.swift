/// The `upload_worker_events_published_total` counters, looked up once: per event type and kind.
struct PublishedEventCounters: Sendable {
    let uploaded: Counter
    let deduplicated: Counter
    let errors: [UploadErrorKind: Counter]

    init(_ metrics: WorkerMetrics) {
        uploaded = metrics.eventsPublished(type: "result", kind: "uploaded")
        deduplicated = metrics.eventsPublished(type: "result", kind: "deduplicated")
        var errors: [UploadErrorKind: Counter] = [:]
        for kind in UploadErrorKind.allCases { errors[kind] = metrics.eventsPublished(type: "error", kind: kind.rawValue) }
        self.errors = errors
    }
}

/// The worker's metrics, named once here so that the pipeline, the dashboards and the docs agree.
/// Every name starts with `upload_worker_`. Labels stay low-cardinality: kinds and outcomes, and
/// topic/partition for the per-partition gauges (never URLs or request IDs).
public final class WorkerMetrics: Sendable {
    public let registry: MetricsRegistry

    /// Records taken from the request topic.
    public let recordsConsumed: Counter
    /// Requests answered from the idempotency store, without an API call.
    public let deduplicated: Counter
    /// Uploads waiting for or in an API call.
    public let inFlight: Gauge
    /// Partitions paused because their buffer is full.
    public let pausedPartitions: Gauge
    /// How long uploads waited for the pacer.
    public let pacerWait: MetricsTimer
    /// 429 answers that held the pacer.
    public let pacerHolds: Counter

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        recordsConsumed = registry.counter("upload_worker_records_consumed_total", help: "Records taken from the request topic.")
        deduplicated = registry.counter("upload_worker_deduplicated_total", help: "Requests answered from the idempotency store without an API call.")
        inFlight = registry.gauge("upload_worker_uploads_in_flight", help: "Uploads waiting for the pacer or in an API call.")
        pausedPartitions = registry.gauge("upload_worker_paused_partitions", help: "Partitions paused because their buffer is full.")
        pacerWait = registry.timer("upload_worker_pacer_wait_seconds", help: "Time uploads waited for the pacer.", buckets: Self.waitBuckets)
        pacerHolds = registry.counter("upload_worker_pacer_holds_total", help: "Rate-limit answers (429) that held every upload until Retry-After.")
    }

    /// An event acknowledged by the broker. `type`: `result` or `error`; `kind`: `uploaded` or
    /// `deduplicated` for results, the error kind (`invalid_request`, ...) for errors.
    public func eventsPublished(type: String, kind: String) -> Counter {
        registry.counter("upload_worker_events_published_total", help: "Terminal events acknowledged by the broker, by event type and kind.",
                         labels: [("type", type), ("kind", kind)])
    }

    /// API calls to upload by URL, by outcome (`success`, `permanent`, `transient`, `rate_limited`,
    /// `conflict`, `unauthorized`...).
    public func uploads(outcome: String) -> Counter {
        registry.counter("upload_worker_uploads_total", help: "Upload API calls, by outcome.", labels: [("outcome", outcome)])
    }

    /// Retries scheduled, by the reason of the failure that caused them.
    public func retries(reason: String) -> Counter {
        registry.counter("upload_worker_retries_total", help: "Upload attempts scheduled again after a transient failure, by reason.",
                         labels: [("reason", reason)])
    }

    /// Latency of Cloudflare API calls, by operation (`upload`, `image_details`) and outcome.
    public func apiLatency(operation: String, outcome: String) -> MetricsTimer {
        registry.timer("upload_worker_api_request_duration_seconds", help: "Latency of Cloudflare Images API calls.",
                       buckets: Self.latencyBuckets, labels: [("operation", operation), ("outcome", outcome)])
    }

    /// The last committed position (next offset to read) of a partition.
    public func committedOffset(topic: String, partition: Int32) -> Gauge {
        registry.gauge("upload_worker_committed_offset", help: "Next offset to read as last stored for commit, per partition.",
                       labels: Self.partitionLabels(topic, partition))
    }

    /// Records taken from a partition and not yet committable (unfinished, or behind one).
    public func uncommittedRecords(topic: String, partition: Int32) -> Gauge {
        registry.gauge("upload_worker_uncommitted_records", help: "Records taken and not yet committable, per partition (the commit lag).",
                       labels: Self.partitionLabels(topic, partition))
    }

    /// Forgets the gauges of a partition this worker no longer owns.
    public func removePartition(topic: String, partition: Int32) {
        registry.remove("upload_worker_committed_offset", labels: Self.partitionLabels(topic, partition))
        registry.remove("upload_worker_uncommitted_records", labels: Self.partitionLabels(topic, partition))
    }

    private static func partitionLabels(_ topic: String, _ partition: Int32) -> [(String, String)] {
        [("topic", topic), ("partition", String(partition))]
    }

    public static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
    public static let waitBuckets: [Double] = [0.001, 0.01, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]
}

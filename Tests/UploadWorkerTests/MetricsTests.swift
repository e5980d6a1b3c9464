import Testing
@testable import UploadWorker

@Suite("Metrics")
struct MetricsTests {
    @Test func prometheusTextIsExact() {
        let r = MetricsRegistry()
        r.counter("jobs_total", help: "Jobs done.\nSecond line with \\ backslash.", labels: [("kind", "a\"b\\c\nd")]).increment(by: 3)
        r.counter("jobs_total", help: "ignored: the first help wins", labels: [("kind", "plain")]).increment()
        r.gauge("temperature", help: "Temp.").set(-1.5)
        let h = r.histogram("latency_seconds", help: "Latency.", buckets: [0.25, 1], labels: [("op", "upload")])
        for v in [0.125, 0.25, 0.5, 4] { h.observe(v) }
        r.gauge("empty_labels_gauge", help: "A gauge without labels.").set(7)

        #expect(r.render() == #"""
            # HELP empty_labels_gauge A gauge without labels.
            # TYPE empty_labels_gauge gauge
            empty_labels_gauge 7
            # HELP jobs_total Jobs done.\nSecond line with \\ backslash.
            # TYPE jobs_total counter
            jobs_total{kind="a\"b\\c\nd"} 3
            jobs_total{kind="plain"} 1
            # HELP latency_seconds Latency.
            # TYPE latency_seconds histogram
            latency_seconds_bucket{op="upload",le="0.25"} 2
            latency_seconds_bucket{op="upload",le="1"} 3
            latency_seconds_bucket{op="upload",le="+Inf"} 4
            latency_seconds_sum{op="upload"} 4.875
            latency_seconds_count{op="upload"} 4
            # HELP temperature Temp.
            # TYPE temperature gauge
            temperature -1.5

            """#)
    }

    @Test func anEmptyHistogramRendersZeroes() {
        let r = MetricsRegistry()
        _ = r.timer("wait_seconds", help: "Waits.", buckets: [0.001, 0.5])
        #expect(r.render() == """
            # HELP wait_seconds Waits.
            # TYPE wait_seconds histogram
            wait_seconds_bucket{le="0.001"} 0
            wait_seconds_bucket{le="0.5"} 0
            wait_seconds_bucket{le="+Inf"} 0
            wait_seconds_sum 0
            wait_seconds_count 0

            """)
    }

    @Test func numbersAreFormattedAsPrometheusReadsThem() {
        #expect(MetricsRegistry.format(3) == "3")
        #expect(MetricsRegistry.format(-0.0) == "0")
        #expect(MetricsRegistry.format(0.25) == "0.25")
        #expect(MetricsRegistry.format(1e-5) == "1e-05")
        #expect(MetricsRegistry.format(1e20) == "1e+20")
        #expect(MetricsRegistry.format(.infinity) == "+Inf")
        #expect(MetricsRegistry.format(-.infinity) == "-Inf")
        #expect(MetricsRegistry.format(.nan) == "NaN")
    }

    @Test func oneNameAndLabelSetIsOneMetric() {
        let r = MetricsRegistry()
        let a = r.counter("x_total", help: "X.", labels: [("a", "1"), ("b", "2")])
        let b = r.counter("x_total", help: "X.", labels: [("b", "2"), ("a", "1")])
        #expect(a === b)
        #expect(a !== r.counter("x_total", help: "X.", labels: [("a", "1"), ("b", "3")]))
        a.increment()
        b.increment(by: 2)
        #expect(a.value == 3)
    }

    @Test func removedSeriesAreNoLongerRendered() {
        let r = MetricsRegistry()
        r.gauge("g", help: "G.", labels: [("p", "1")]).set(1)
        r.gauge("g", help: "G.", labels: [("p", "2")]).set(2)
        r.remove("g", labels: [("p", "1")])
        #expect(r.render() == "# HELP g G.\n# TYPE g gauge\ng{p=\"2\"} 2\n")
    }

    @Test func concurrentUpdatesAreNotLost() async {
        let r = MetricsRegistry()
        let counter = r.counter("c_total", help: "C.")
        let gauge = r.gauge("g", help: "G.")
        let histogram = r.histogram("h", help: "H.", buckets: [1])
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for i in 0..<10_000 {
                        counter.increment()
                        gauge.increment(by: 2)
                        gauge.decrement()
                        histogram.observe(Double(i % 2))
                        // Lookups race with updates too.
                        r.counter("c_total", help: "C.").increment(by: 0)
                    }
                }
            }
        }
        #expect(counter.value == 80_000)
        #expect(gauge.value == 80_000)
        #expect(histogram.count == 80_000)
        #expect(histogram.sum == 40_000)
    }

    @Test func timersRecordSeconds() async {
        let r = MetricsRegistry()
        let t = r.timer("op_seconds", help: "Op.", buckets: [0.1, 1])
        t.record(.milliseconds(250))
        t.recordNanoseconds(2_000_000_000)
        let value = await t.measure { 42 }
        #expect(value == 42)
        #expect(t.histogram.count == 3)
        #expect(t.histogram.sum >= 2.25)
        #expect(r.render().contains("op_seconds_bucket{le=\"1\"} 2\n"))
    }

    @Test func theWorkerMetricSetRenders() {
        let m = WorkerMetrics()
        m.recordsConsumed.increment(by: 5)
        m.eventsPublished(type: "result", kind: "uploaded").increment(by: 3)
        m.eventsPublished(type: "error", kind: "invalid_request").increment()
        m.uploads(outcome: "success").increment(by: 3)
        m.deduplicated.increment()
        m.retries(reason: "transient").increment()
        m.apiLatency(operation: "upload", outcome: "success").record(.milliseconds(120))
        m.inFlight.set(2)
        m.pausedPartitions.set(1)
        m.committedOffset(topic: "req", partition: 3).set(1234)
        m.uncommittedRecords(topic: "req", partition: 3).set(17)
        m.pacerWait.record(.zero)
        m.pacerHolds.increment()
        let text = m.registry.render()
        for line in [
            "upload_worker_records_consumed_total 5",
            "upload_worker_events_published_total{type=\"result\",kind=\"uploaded\"} 3",
            "upload_worker_events_published_total{type=\"error\",kind=\"invalid_request\"} 1",
            "upload_worker_uploads_total{outcome=\"success\"} 3",
            "upload_worker_deduplicated_total 1",
            "upload_worker_retries_total{reason=\"transient\"} 1",
            "upload_worker_api_request_duration_seconds_bucket{operation=\"upload\",outcome=\"success\",le=\"0.25\"} 1",
            "upload_worker_api_request_duration_seconds_count{operation=\"upload\",outcome=\"success\"} 1",
            "upload_worker_uploads_in_flight 2",
            "upload_worker_paused_partitions 1",
            "upload_worker_committed_offset{topic=\"req\",partition=\"3\"} 1234",
            "upload_worker_uncommitted_records{topic=\"req\",partition=\"3\"} 17",
            "upload_worker_pacer_wait_seconds_bucket{le=\"0.001\"} 1",
            "upload_worker_pacer_holds_total 1",
        ] {
            #expect(text.contains(line + "\n"), "missing: \(line)")
        }
        // Every family has its HELP and TYPE, in that order, once.
        let lines = text.split(separator: "\n")
        let types = lines.filter { $0.hasPrefix("# TYPE ") }
        let helps = lines.filter { $0.hasPrefix("# HELP ") }
        #expect(types.count == 12 && helps.count == 12)
        m.removePartition(topic: "req", partition: 3)
        #expect(!m.registry.render().contains("partition=\"3\""))
    }
}

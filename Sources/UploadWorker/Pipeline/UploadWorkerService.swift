import CloudflareImages
import Foundation
import HTTPClient
import HTTPServer
import Kafka
import Logging
import Synchronization

/// The worker: consumes upload requests, uploads the images by URL, publishes one result or
/// error event per request, and commits a record's offset only after its event is acknowledged
/// (design.md; docs/pipeline.md for the flow in code terms).
///
/// ```swift
/// let service = UploadWorkerService(configuration: configuration, logger: logger)
/// async let termination = service.run()
/// _ = await ShutdownSignal.wait()
/// service.shutdown()
/// exit(try await termination.exitCode)
/// ```
///
/// `run()` returns once a shutdown finished: after `shutdown()`, or by itself after a
/// configuration problem at the API or a fatal Kafka error (see `WorkerTermination` for the exit
/// codes). It throws only when the worker cannot start.
public final class UploadWorkerService: Sendable {
    public let configuration: WorkerConfiguration
    /// `/healthz` and `/readyz`.
    public let health: HealthState
    public let metrics: WorkerMetrics
    let logger: Logger
    let injectedHTTPClient: (any HTTPClient)?
    let injectedStore: (any IdempotencyStore)?
    /// How often the progress line is logged. Default: 10 s.
    let progressInterval: Duration

    let lifecycle = Mutex(ServiceLifecycle())
    /// Orders the tracker's pause/resume decisions with the consumer's pause/resume calls, so that
    /// a resume decided just before a pause call cannot leave a partition paused for good.
    let flowControl = Mutex(())
    let tracker: OffsetTracker<KafkaTopicPartition>
    let counters = PipelineProgress()
    /// Records taken and unfinished across partitions: at most max(1024, 4 x MAX_IN_FLIGHT).
    let budget: RecordBudget
    /// Counters of published events, made once (the registry lookup is not free per record).
    let publishedCounters: PublishedEventCounters
    let shutdownRequested = OneShotSignal()
    let drainFinished = OneShotSignal()
    /// True while the intake waits for the next batch (healthy idleness, for the liveness check).
    let intakeWaiting = Atomic<Bool>(false)
    /// Set by `run()` once the monitoring server listens.
    let monitoringPort = Atomic<Int>(0)

    /// - Parameters:
    ///   - httpClient: the transport to the Images API. Default: a `CurlHTTPClient`.
    ///   - store: the idempotency store. Default: the one `configuration.idempotency.store`
    ///     names, opened by `run()` and closed when it returns (an injected one is not closed).
    public init(
        configuration: WorkerConfiguration, logger: Logger = Logger(label: "upload-worker"), metrics: WorkerMetrics = WorkerMetrics(),
        httpClient: (any HTTPClient)? = nil, store: (any IdempotencyStore)? = nil, progressInterval: Duration = .seconds(10)
    ) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.injectedHTTPClient = httpClient
        self.injectedStore = store
        self.progressInterval = progressInterval
        self.health = HealthState(livenessTimeout: configuration.livenessTimeout)
        self.tracker = OffsetTracker(bufferCap: max(configuration.partitionBuffer, 1))
        self.budget = RecordBudget(limit: max(1024, 4 * configuration.maxInFlight))
        self.publishedCounters = PublishedEventCounters(metrics)
    }

    /// What the pipeline has done so far.
    public var progress: PipelineProgress.Snapshot { counters.snapshot }

    /// The port of the monitoring server, once `run()` started it (useful with port 0).
    public var metricsPort: Int? {
        let port = monitoringPort.load(ordering: .relaxed)
        return port == 0 ? nil : port
    }

    /// Starts a graceful shutdown: stop taking records, let in-flight ones finish within
    /// `configuration.shutdownTimeout`, commit, close. Returns at once; `run()` returns when it
    /// is done. Idempotent; before `run()` it makes `run()` stop at once.
    public func shutdown() {
        requestShutdown(.graceful)
    }

    func requestShutdown(_ reason: WorkerTermination) {
        let deadline = ContinuousClock.now + configuration.shutdownTimeout
        let action = lifecycle.withLock { $0.requestShutdown(reason, deadline: deadline) }
        switch action {
        case .startDrain:
            health.enter(.draining)
            budget.open()
            logShutdownReason(reason)
            shutdownRequested.fire()
        case .escalate:
            logShutdownReason(reason)
        case .none:
            break
        }
    }

    private func logShutdownReason(_ reason: WorkerTermination) {
        switch reason {
        case .graceful:
            logger.info("shutting down: draining in-flight records", metadata: ["timeout": .string("\(configuration.shutdownTimeout)")])
        case .apiConfigurationProblem(let why):
            logger.critical("the Cloudflare API refuses the worker's credentials or account; stopping (fix CLOUDFLARE_ACCOUNT_ID / CLOUDFLARE_API_TOKEN / CLOUDFLARE_API_BASE_URL)", metadata: [
                "error": .string(why), "exit_code": .string("\(reason.exitCode)"),
            ])
        case .kafkaFatal(let why):
            logger.critical("Kafka failed fatally; stopping without committing unfinished records", metadata: [
                "error": .string(why), "exit_code": .string("\(reason.exitCode)"),
            ])
        }
    }

    /// Runs the worker until a shutdown finished; see the type's documentation.
    /// - Throws: `UploadWorkerServiceError` when the worker cannot start (store, Kafka clients,
    ///   Images client or monitoring server), or when called a second time.
    public func run() async throws -> WorkerTermination {
        guard lifecycle.withLock({ $0.start() }) else {
            throw UploadWorkerServiceError("run() was called more than once")
        }
        let parts = try await start()
        let pipeline = parts.pipeline
        logger.info("upload worker started", metadata: [
            "request_topic": .string(configuration.requestTopic), "max_in_flight": .string("\(configuration.maxInFlight)"),
            "image_id_mode": .string(configuration.imageIDMode.rawValue),
        ])
        await withTaskGroup(of: Void.self) { services in
            services.addTask { await self.reportProgress() }
            services.addTask {
                await self.shutdownRequested.wait()
                await self.drainAndClose(pipeline)
            }
            await withDiscardingTaskGroup { records in
                await self.consume(pipeline, into: &records)
                // The sequence ends when the consumer closes (after the drain) or fails.
                if !self.shutdownRequested.hasFired {
                    self.requestShutdown(.kafkaFatal("the consumer stopped delivering records"))
                }
                await self.drainFinished.wait()
                // Whatever is left is past the deadline: it stays uncommitted.
                records.cancelAll()
            }
            services.cancelAll()
        }
        await parts.stop(logger: logger)
        let termination = lifecycle.withLock { s -> WorkerTermination in
            s.finish()
            return s.termination
        }
        health.enter(.stopped)
        let p = progress
        logger.info("upload worker stopped", metadata: [
            "termination": .string(termination.description), "exit_code": .string("\(termination.exitCode)"),
            "records": .string("\(p.recordsTaken)"), "results": .string("\(p.results)"), "errors": .string("\(p.errors)"),
            "deduplicated": .string("\(p.deduplicated)"), "uploads": .string("\(p.uploads)"),
        ])
        return termination
    }
}

/// The worker could not start (or `run()` was misused).
public struct UploadWorkerServiceError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

import CloudflareImages
import Foundation
import HTTPClient
import HTTPServer
import Kafka
import Logging

/// The parts one record goes through, made by `run()`.
struct Pipeline: Sendable {
    let consumer: KafkaConsumer
    let producer: KafkaProducer
    let processor: RecordProcessor
    let publisher: EventPublisher
}

/// Everything `run()` started, stopped in reverse order of start.
struct RunningParts: Sendable {
    let pipeline: Pipeline
    let store: any IdempotencyStore
    let ownsStore: Bool
    let ownedHTTPClient: (any HTTPClient)?
    let server: HTTPServer?

    /// After the consumer closed: flush and close the producer, then the rest.
    func stop(logger: Logger) async {
        let outstanding = pipeline.producer.outstandingCount
        if outstanding > 0 { logger.info("flushing the producer", metadata: ["outstanding": .string("\(outstanding)")]) }
        await pipeline.producer.close()
        ownedHTTPClient?.shutdown()
        if ownsStore { await store.close() }
        await server?.shutdown(gracePeriod: .seconds(1))
    }
}

extension UploadWorkerService {
    /// Consumer-only librdkafka properties, left out of the producer's configuration (librdkafka
    /// would warn about each of them).
    static let consumerOnlyProperties: Set<String> = [
        "group.id", "group.instance.id", "auto.offset.reset", "enable.auto.commit", "auto.commit.interval.ms",
        "enable.auto.offset.store", "session.timeout.ms", "heartbeat.interval.ms", "max.poll.interval.ms",
        "partition.assignment.strategy", "fetch.wait.max.ms", "fetch.min.bytes", "fetch.max.bytes",
        "max.partition.fetch.bytes", "fetch.message.max.bytes", "queued.min.messages", "queued.max.messages.kbytes",
        "enable.partition.eof", "isolation.level", "check.crcs", "fetch.error.backoff.ms", "allow.auto.create.topics",
    ]
    /// Producer-only properties, left out of the consumer's configuration.
    static let producerOnlyProperties: Set<String> = [
        "acks", "request.required.acks", "enable.idempotence", "linger.ms", "queue.buffering.max.ms",
        "queue.buffering.max.messages", "queue.buffering.max.kbytes", "batch.num.messages", "batch.size",
        "message.timeout.ms", "delivery.timeout.ms", "compression.type", "compression.codec", "retries",
        "message.send.max.retries", "max.in.flight.requests.per.connection", "max.in.flight", "partitioner",
    ]

    /// A logger for a part, at the service logger's level.
    func childLogger(_ label: String) -> Logger {
        var child = Logger(label: label)
        child.logLevel = logger.logLevel
        return child
    }

    /// Opens the store, makes the clients, starts the monitoring server. Undoes what it did when
    /// a later step fails.
    func start() async throws -> RunningParts {
        let store: any IdempotencyStore
        if let injectedStore {
            store = injectedStore
        } else {
            do {
                switch configuration.idempotency.store {
                case .sqlite(let path): store = try await SQLiteIdempotencyStore(path: path)
                case .memory: store = InMemoryIdempotencyStore()
                }
            } catch {
                throw UploadWorkerServiceError("cannot open the idempotency store \(configuration.idempotency.store): \(error)")
            }
        }
        let ownsStore = injectedStore == nil
        let ownedHTTPClient: (any HTTPClient)? = injectedHTTPClient == nil ? CurlHTTPClient() : nil
        var producer: KafkaProducer?
        var consumer: KafkaConsumer?
        do {
            let client = try ImagesClient(
                configuration: .init(
                    accountID: configuration.cloudflare.accountID, apiToken: configuration.cloudflare.apiToken.exposedValue,
                    baseURL: configuration.cloudflare.baseURL.absoluteString),
                httpClient: injectedHTTPClient ?? ownedHTTPClient!, logger: childLogger("cloudflare-images"))
            let uploader = Uploader(
                client: client, pacer: Pacer(configuration.pacer), limiter: InFlightLimiter(limit: max(configuration.maxInFlight, 1)),
                retry: configuration.retry, imageIDMode: configuration.imageIDMode, metrics: metrics, logger: logger)
            let processor = RecordProcessor(
                store: store, uploader: uploader, coalescer: UploadCoalescer(), idempotency: configuration.idempotency,
                limits: .default, metrics: metrics, progress: counters, logger: logger)

            let kafkaProperties = configuration.kafka.properties
            let producerConfig = KafkaConfig(properties: kafkaProperties.filter { !Self.consumerOnlyProperties.contains($0.key) })
            producer = try KafkaProducer(config: producerConfig, logger: childLogger("kafka.producer"))
            var consumerOptions = KafkaConsumer.Options()
            // The consumer's own buffer adds to what the partition caps bound: keep it near one cap.
            consumerOptions.bufferCapacity = max(2_000, min(configuration.partitionBuffer, 20_000))
            consumerOptions.rebalanceHandlerTimeout = configuration.shutdownTimeout + .seconds(5)
            consumer = try KafkaConsumer(
                config: KafkaConfig(properties: kafkaProperties.filter { !Self.producerOnlyProperties.contains($0.key) }),
                topics: [configuration.requestTopic], rebalanceHandler: rebalanceHandler(),
                options: consumerOptions, logger: childLogger("kafka.consumer"))
            let pipeline = Pipeline(
                consumer: consumer!, producer: producer!, processor: processor,
                publisher: EventPublisher(producer: producer!, logger: logger))
            let server = try startMonitoringServer()
            return RunningParts(pipeline: pipeline, store: store, ownsStore: ownsStore, ownedHTTPClient: ownedHTTPClient, server: server)
        } catch {
            await consumer?.close()
            await producer?.close()
            ownedHTTPClient?.shutdown()
            if ownsStore { await store.close() }
            throw UploadWorkerServiceError("cannot start: \(error)")
        }
    }

    /// `/metrics`, `/healthz`, `/readyz` on METRICS_LISTEN (none when it is off).
    private func startMonitoringServer() throws -> HTTPServer? {
        guard let listen = configuration.metricsListen else { return nil }
        let endpoints = MonitoringEndpoints(health: health, metrics: metrics.registry)
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: listen.host, port: Int(listen.port), connectionLimit: 256),
            logger: childLogger("monitoring")) { request in endpoints.handle(request) }
        do {
            try server.start()
        } catch {
            throw UploadWorkerServiceError("cannot serve metrics on \(listen): \(error)")
        }
        monitoringPort.store(server.port, ordering: .relaxed)
        logger.info("monitoring endpoints listening", metadata: ["address": .string("\(listen.host):\(server.port)")])
        return server
    }
}

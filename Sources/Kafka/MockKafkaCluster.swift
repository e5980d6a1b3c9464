import CRdKafka
import Foundation
import Logging
import Synchronization

/// The embedded Kafka: librdkafka's mock cluster (`rdkafka_mock.h`), N brokers in this process,
/// each listening on a random port of 127.0.0.1. Other processes (kcat, confluent-kafka, another
/// worker) can connect while this object lives. See docs/kafka.md for what the mock does not do
/// (transactions' semantics, CreateTopics, retention beyond 5 MiB per partition).
///
/// Threading: a dedicated host thread polls the librdkafka handle that hosts the cluster (for its
/// log lines) and tears everything down in the required order (cluster, then host handle).
/// The control methods send a request to the mock's own thread and wait for its short reply.
public final class MockKafkaCluster: Sendable {
    /// `127.0.0.1:port,127.0.0.1:port,...`, for `bootstrap.servers`.
    public let bootstrapServers: String
    /// Broker ids are `1...brokerCount`.
    public let brokerCount: Int

    private let core: MockClusterCore

    public init(brokers: Int = 1, logger: Logger = Logger(label: "kafka.mock")) throws(KafkaError) {
        guard brokers >= 1 else { throw .invalidArgument("a mock cluster needs at least one broker, not \(brokers)") }
        let context = KafkaClientContext(logger: logger)
        let host = try KafkaHandle(type: RD_KAFKA_PRODUCER, config: KafkaConfig(properties: [
            "client.id": "mock-cluster-host",
            // The host is no client: skip its notice about the missing bootstrap.servers.
            "log_level": "4",
        ]), context: context)
        guard let cluster = withSignalsBlocked({ rd_kafka_mock_cluster_new(host.pointer, Int32(brokers)) }) else {
            throw KafkaError(code: .unknown, message: "cannot start the mock cluster", isRetriable: false)
        }
        self.bootstrapServers = String(cString: rd_kafka_mock_cluster_bootstraps(cluster))
        self.brokerCount = brokers
        self.core = MockClusterCore(cluster: cluster, host: host, logger: logger)
    }

    deinit {
        core.requestShutdown()
    }

    /// Creates a topic with `partitions` partitions (a metadata request naming an unknown topic
    /// would create it with 4).
    public func createTopic(_ name: String, partitions: Int = 1, replicationFactor: Int = 1) throws(KafkaError) {
        try core.call("create topic \(name)") { rd_kafka_mock_topic_create($0, name, Int32(partitions), Int32(replicationFactor)) }
    }

    /// The next `errors.count` requests of `api` fail with these codes, in order. `.transport`
    /// makes the broker drop the connection instead of answering.
    public func pushRequestErrors(_ api: KafkaAPI, _ errors: [KafkaError.Code]) throws(KafkaError) {
        let native = errors.map(\.native)
        try core.call("push request errors") { cluster in
            native.withUnsafeBufferPointer { rd_kafka_mock_push_request_errors_array(cluster, api.rawValue, $0.count, $0.baseAddress) }
            return RD_KAFKA_RESP_ERR_NO_ERROR
        }
    }

    /// Forgets errors pushed for `api` that no request consumed yet.
    public func clearRequestErrors(_ api: KafkaAPI) throws(KafkaError) {
        try core.call("clear request errors") { cluster in
            rd_kafka_mock_clear_request_errors(cluster, api.rawValue)
            return RD_KAFKA_RESP_ERR_NO_ERROR
        }
    }

    /// Disconnects a broker (nil: all) and refuses new connections. No leader change.
    public func setBrokerDown(_ broker: Int32? = nil) throws(KafkaError) {
        try core.call("set broker down") { rd_kafka_mock_broker_set_down($0, broker ?? -1) }
    }

    /// Lets a broker (nil: all) accept connections again.
    public func setBrokerUp(_ broker: Int32? = nil) throws(KafkaError) {
        try core.call("set broker up") { rd_kafka_mock_broker_set_up($0, broker ?? -1) }
    }

    /// Delays every answer of a broker (nil: all) by `rtt`.
    public func setRoundTripTime(_ rtt: Duration, broker: Int32? = nil) throws(KafkaError) {
        let ms = Int32(clamping: KafkaConfig.milliseconds(of: rtt))
        try core.call("set rtt") { rd_kafka_mock_broker_set_rtt($0, broker ?? -1, ms) }
    }

    /// Moves a partition's leadership to `broker` (nil: no leader).
    public func setPartitionLeader(topic: String, partition: Int32, broker: Int32?) throws(KafkaError) {
        try core.call("set partition leader") { rd_kafka_mock_partition_set_leader($0, topic, partition, broker ?? -1) }
    }

    /// Makes `broker` the coordinator of a consumer group.
    public func setGroupCoordinator(group: String, broker: Int32) throws(KafkaError) {
        try core.call("set coordinator") { rd_kafka_mock_coordinator_set($0, "group", group, broker) }
    }

    /// Every request about `topic` fails with `code` (`.noError` to stop).
    public func setTopicError(_ topic: String, _ code: KafkaError.Code) throws(KafkaError) {
        try core.call("set topic error") { cluster in
            rd_kafka_mock_topic_set_error(cluster, topic, code.native)
            return RD_KAFKA_RESP_ERR_NO_ERROR
        }
    }

    /// Stops the brokers (clients connected to them see transport errors) and frees everything.
    /// Safe to call more than once; later control calls throw `destroyed`.
    public func shutdown() async {
        await core.shutdown()
    }
}

/// A Kafka protocol request type (ApiKey), for fault injection.
public struct KafkaAPI: RawRepresentable, Hashable, Sendable {
    public let rawValue: Int16
    public init(rawValue: Int16) { self.rawValue = rawValue }

    public static let produce = KafkaAPI(rawValue: 0)
    public static let fetch = KafkaAPI(rawValue: 1)
    public static let listOffsets = KafkaAPI(rawValue: 2)
    public static let metadata = KafkaAPI(rawValue: 3)
    public static let offsetCommit = KafkaAPI(rawValue: 8)
    public static let offsetFetch = KafkaAPI(rawValue: 9)
    public static let findCoordinator = KafkaAPI(rawValue: 10)
    public static let joinGroup = KafkaAPI(rawValue: 11)
    public static let heartbeat = KafkaAPI(rawValue: 12)
    public static let leaveGroup = KafkaAPI(rawValue: 13)
    public static let syncGroup = KafkaAPI(rawValue: 14)
    public static let apiVersions = KafkaAPI(rawValue: 18)
    public static let initProducerID = KafkaAPI(rawValue: 22)
}

/// Owns the `rd_kafka_mock_cluster_t` and its host handle, and the thread that polls and finally
/// destroys them (cluster first, or librdkafka asserts).
final class MockClusterCore: Sendable {
    /// `@unchecked Sendable`: the pointer is only dereferenced under `state`'s lock (or by the
    /// host thread after it took it out of the state).
    private struct ClusterPointer: @unchecked Sendable { let raw: OpaquePointer }

    private struct State: Sendable {
        /// nil once shutdown started: control calls then fail instead of touching freed memory.
        var cluster: ClusterPointer?
        var finished = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    // The pointer is only used under this lock, so a control call never overlaps the destroy.
    private let state: Mutex<State>
    private let stop = Atomic<Bool>(false)

    init(cluster: OpaquePointer, host: KafkaHandle, logger: Logger) {
        state = Mutex(State(cluster: ClusterPointer(raw: cluster)))
        PollThread.start("kafka-mock-host") { [self] in
            while !stop.load(ordering: .acquiring) {
                rd_kafka_poll(host.pointer, 100)
            }
            let cluster = state.withLock { state -> ClusterPointer? in
                defer { state.cluster = nil }
                return state.cluster
            }
            if let cluster { rd_kafka_mock_cluster_destroy(cluster.raw) }
            rd_kafka_poll(host.pointer, 0)
            // `host` is destroyed when this closure releases the last reference to it.
            let waiters = state.withLock { state in
                state.finished = true
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }
    }

    func call(_ what: String, _ body: (OpaquePointer) -> rd_kafka_resp_err_t) throws(KafkaError) {
        let result = state.withLock { state -> rd_kafka_resp_err_t? in
            guard let cluster = state.cluster else { return nil }
            return body(cluster.raw)
        }
        guard let result else { throw KafkaError(code: .destroyed, message: "the mock cluster is shut down", isRetriable: false) }
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR else { throw KafkaError(result, message: "\(what): \(String(cString: rd_kafka_err2str(result)))") }
    }

    func requestShutdown() {
        stop.store(true, ordering: .releasing)
    }

    func shutdown() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state -> Bool in
                if state.finished { return true }
                state.waiters.append(continuation)
                return false
            }
            requestShutdown()
            if done { continuation.resume() }
        }
    }
}

/// Runs `body` with every signal blocked on the calling thread, so that threads it starts inherit
/// that mask. librdkafka 2.0.2's mock cluster treats an interrupted poll() as fatal ("Mock cluster
/// failed to poll ...: Interrupted system call") and its brokers go away; a process that spawns
/// children gets SIGCHLD at any time. (librdkafka blocks signals in its clients' threads, not in
/// the mock's.)
private func withSignalsBlocked<T>(_ body: () -> T) -> T {
    var all = sigset_t()
    var previous = sigset_t()
    sigfillset(&all)
    pthread_sigmask(SIG_BLOCK, &all, &previous)
    defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
    return body()
}

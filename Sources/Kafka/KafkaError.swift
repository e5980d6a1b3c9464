import CRdKafka

/// An error from librdkafka or from this wrapper, with what a caller needs to decide what to do.
public struct KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    /// librdkafka's error code (`rd_kafka_resp_err_t`): negative values are client-side errors,
    /// positive values are Kafka protocol errors.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: Int32
        public init(rawValue: Int32) { self.rawValue = rawValue }
        init(_ native: rd_kafka_resp_err_t) { self.rawValue = native.rawValue }

        var native: rd_kafka_resp_err_t { rd_kafka_resp_err_t(rawValue: rawValue) }

        /// librdkafka's short name, e.g. `_MSG_TIMED_OUT` or `NOT_LEADER_FOR_PARTITION`; fit for a
        /// metric label.
        public var name: String { String(cString: rd_kafka_err2name(native)) }
        public var description: String { name }

        public static let noError = Code(RD_KAFKA_RESP_ERR_NO_ERROR)
        public static let unknown = Code(RD_KAFKA_RESP_ERR_UNKNOWN)
        // Client-side errors.
        public static let destroyed = Code(RD_KAFKA_RESP_ERR__DESTROY)
        public static let transport = Code(RD_KAFKA_RESP_ERR__TRANSPORT)
        public static let messageTimedOut = Code(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
        public static let allBrokersDown = Code(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        public static let invalidArgument = Code(RD_KAFKA_RESP_ERR__INVALID_ARG)
        public static let timedOut = Code(RD_KAFKA_RESP_ERR__TIMED_OUT)
        public static let queueFull = Code(RD_KAFKA_RESP_ERR__QUEUE_FULL)
        public static let unknownPartition = Code(RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION)
        public static let unknownTopic = Code(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
        public static let state = Code(RD_KAFKA_RESP_ERR__STATE)
        public static let noOffset = Code(RD_KAFKA_RESP_ERR__NO_OFFSET)
        public static let purgeQueue = Code(RD_KAFKA_RESP_ERR__PURGE_QUEUE)
        public static let purgeInflight = Code(RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
        public static let fatal = Code(RD_KAFKA_RESP_ERR__FATAL)
        public static let assignmentLost = Code(RD_KAFKA_RESP_ERR__ASSIGNMENT_LOST)
        // Broker (protocol) errors.
        public static let unknownTopicOrPartition = Code(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
        public static let leaderNotAvailable = Code(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE)
        public static let notLeaderForPartition = Code(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
        public static let requestTimedOut = Code(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
        public static let brokerNotAvailable = Code(RD_KAFKA_RESP_ERR_BROKER_NOT_AVAILABLE)
        public static let messageSizeTooLarge = Code(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE)
        public static let coordinatorNotAvailable = Code(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE)
        public static let notCoordinator = Code(RD_KAFKA_RESP_ERR_NOT_COORDINATOR)
        public static let notEnoughReplicas = Code(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)
        public static let rebalanceInProgress = Code(RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS)
        public static let unknownMemberID = Code(RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID)
        public static let illegalGeneration = Code(RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION)
        public static let topicAuthorizationFailed = Code(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
        public static let groupAuthorizationFailed = Code(RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED)
        public static let outOfOrderSequence = Code(RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER)

        /// Codes after which the same request may succeed later (transient broker or network state).
        var isTransient: Bool {
            Self.transientCodes.contains(self)
        }
        private static let transientCodes: Set<Code> = [
            .transport, .messageTimedOut, .allBrokersDown, .timedOut, .queueFull, .leaderNotAvailable,
            .notLeaderForPartition, .requestTimedOut, .brokerNotAvailable, .coordinatorNotAvailable,
            .notCoordinator, .notEnoughReplicas, .rebalanceInProgress, .purgeQueue, .purgeInflight,
            Code(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND),
            Code(RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION),
            Code(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS),
        ]
    }

    public let code: Code
    /// What went wrong, in words (librdkafka's reason or ours). Never contains secrets.
    public let message: String
    /// The same operation may succeed if tried again (e.g. a timeout, a leader change).
    public let isRetriable: Bool
    /// The client instance is unusable (e.g. the idempotent producer lost its guarantees);
    /// close it and create a new one, or stop the process.
    public let isFatal: Bool

    public init(code: Code, message: String, isRetriable: Bool? = nil, isFatal: Bool = false) {
        self.code = code
        self.message = message
        self.isRetriable = isRetriable ?? (!isFatal && code.isTransient)
        self.isFatal = isFatal || code == .fatal
    }

    init(_ native: rd_kafka_resp_err_t, message: String? = nil) {
        self.init(code: Code(native), message: message ?? String(cString: rd_kafka_err2str(native)))
    }

    /// Takes ownership of `error` and destroys it.
    init(consuming error: OpaquePointer) {
        defer { rd_kafka_error_destroy(error) }
        self.init(
            code: Code(rd_kafka_error_code(error)),
            message: String(cString: rd_kafka_error_string(error)),
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            isFatal: rd_kafka_error_is_fatal(error) != 0
        )
    }

    public var description: String { "\(code.name): \(message)" }

    static func invalidArgument(_ message: String) -> KafkaError {
        KafkaError(code: .invalidArgument, message: message, isRetriable: false)
    }

    static let closed = KafkaError(code: .destroyed, message: "the client is closed", isRetriable: false)
}

import CRdKafka
import Logging
import Synchronization

/// What the C callbacks of one librdkafka client reach through its opaque pointer
/// (`rd_kafka_conf_set_opaque`): the logger and the fatal-error state. Consumers and producers
/// subclass it. The handle keeps it alive (retained) until `rd_kafka_destroy` has returned, so a
/// callback never sees a freed context.
///
/// `@unchecked Sendable`: subclasses keep every mutable field behind a `Mutex` or an `Atomic`.
class KafkaClientContext: @unchecked Sendable {
    let logger: Logger
    private let fatal = Mutex<KafkaError?>(nil)
    /// Lets the hot path (every send) skip the lock.
    private let fatalRaised = Atomic<Bool>(false)

    init(logger: Logger) {
        self.logger = logger
    }

    /// The fatal error librdkafka raised, if any; the client is unusable after one.
    var fatalError: KafkaError? {
        guard fatalRaised.load(ordering: .acquiring) else { return nil }
        return fatal.withLock { $0 }
    }

    /// Called by the error callback, on the thread that polls the client.
    func clientError(_ rk: OpaquePointer, code: KafkaError.Code, reason: String) {
        if code == .fatal {
            var buffer = [CChar](repeating: 0, count: 512)
            let underlying = rd_kafka_fatal_error(rk, &buffer, buffer.count)
            let error = KafkaError(
                code: KafkaError.Code(underlying), message: String(cBuffer: buffer), isRetriable: false, isFatal: true)
            fatal.withLock { if $0 == nil { $0 = error } }
            fatalRaised.store(true, ordering: .releasing)
            logger.critical("librdkafka raised a fatal error", metadata: ["error": "\(error)"])
            fatalErrorRaised(error)
        } else if code == .transport {
            // librdkafka's own log line (facility FAIL) already says this, on every reconnect.
            logger.debug("kafka: \(reason)", metadata: ["code": "\(code.name)"])
        } else if code == .allBrokersDown {
            logger.warning("kafka: \(reason)", metadata: ["code": "\(code.name)"])
        } else {
            logger.error("kafka: \(reason)", metadata: ["code": "\(code.name)"])
        }
    }

    /// Hook for subclasses (the consumer ends its record stream).
    func fatalErrorRaised(_ error: KafkaError) {}
}

/// librdkafka's log callback. With `log.queue=true` it runs on the thread that polls the client,
/// so librdkafka never writes to stderr on its own threads.
let kafkaLogCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?) -> Void = {
    rk, level, facility, line in
    guard let rk, let opaque = rd_kafka_opaque(rk) else { return }
    let context = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
    let message = line.map { String(cString: $0) } ?? ""
    let metadata: Logger.Metadata = [
        "facility": .string(facility.map { String(cString: $0) } ?? ""),
        "client": .string(String(cString: rd_kafka_name(rk))),
    ]
    // syslog levels: 0 emerg ... 7 debug.
    switch level {
    case ...2: context.logger.critical(message, metadata: metadata)
    case 3: context.logger.error(message, metadata: metadata)
    case 4: context.logger.warning(message, metadata: metadata)
    case 5: context.logger.notice(message, metadata: metadata)
    case 6: context.logger.info(message, metadata: metadata)
    default: context.logger.debug(message, metadata: metadata)
    }
}

/// librdkafka's error callback: runs on the thread that polls the client.
let kafkaErrorCallback: @convention(c) (OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void = {
    rk, err, reason, opaque in
    guard let rk, let opaque else { return }
    let context = Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
    context.clientError(rk, code: KafkaError.Code(rawValue: err), reason: reason.map { String(cString: $0) } ?? "")
}

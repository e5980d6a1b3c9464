import CRdKafka
import Logging

/// Owns one `rd_kafka_t`; deinit destroys it. Ownership rules of librdkafka kept here:
/// - `rd_kafka_new` takes over the `rd_kafka_conf_t` only on success.
/// - The context given as opaque is retained by this handle and released after `rd_kafka_destroy`
///   has returned, because callbacks may run until then.
/// - `rd_kafka_destroy` blocks until librdkafka's threads have stopped; callers close the client
///   (flush, consumer close) on a dedicated thread first, so that destroying is quick.
///
/// `@unchecked Sendable`: librdkafka's API is thread-safe for a handle.
final class KafkaHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    private let context: Unmanaged<KafkaClientContext>

    /// - Parameter configure: sets callbacks and properties on the native conf before `rd_kafka_new`.
    init(
        type: rd_kafka_type_t,
        config: KafkaConfig,
        context: KafkaClientContext,
        configure: (OpaquePointer) -> Void = { _ in }
    ) throws(KafkaError) {
        let conf = try config.makeNativeConf()
        // librdkafka's log lines go to the main queue (then the consumer queue), served by our poll
        // thread, and from there to Logging.
        rd_kafka_conf_set(conf, "log.queue", "true", nil, 0)
        rd_kafka_conf_set_log_cb(conf, kafkaLogCallback)
        rd_kafka_conf_set_error_cb(conf, kafkaErrorCallback)
        let unmanaged = Unmanaged.passRetained(context)
        rd_kafka_conf_set_opaque(conf, unmanaged.toOpaque())
        configure(conf)

        var errstr = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            unmanaged.release()
            throw .invalidArgument("cannot create the Kafka client: \(String(cBuffer: errstr))")
        }
        rd_kafka_set_log_queue(rk, nil)
        self.pointer = rk
        self.context = unmanaged
    }

    deinit {
        rd_kafka_destroy(pointer)
        context.release()
    }

    /// Sets a property on a native conf we built ourselves; our own names and values are valid.
    static func set(_ conf: OpaquePointer, _ name: String, _ value: String) {
        var errstr = [CChar](repeating: 0, count: 256)
        let result = rd_kafka_conf_set(conf, name, value, &errstr, errstr.count)
        precondition(result == RD_KAFKA_CONF_OK, "\(name)=\(value): \(String(cBuffer: errstr))")
    }
}

extension String {
    /// A string from a NUL-terminated C buffer filled by librdkafka (an `errstr`).
    init(cBuffer buffer: [CChar]) {
        self = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

import Foundation
import Kafka
import Logging

/// `upload-worker dev-kafka`: an embedded Kafka for machines without Docker, and for tests in
/// other processes that share one broker.
enum DevKafkaCommand: Command {
    static let name = "dev-kafka"
    static let abstract = "Run an embedded Kafka (librdkafka's mock cluster) on loopback."
    static let options: [Option] = [
        .value("brokers", "n", default: "1", help: "Number of brokers."),
        .value("partitions", "p", default: "8", help: "Partitions per topic."),
        .value("topics", "a,b,c", default: defaultTopics.joined(separator: ","), help: "Topics to create."),
    ]
    static let discussion = """
        The first line on stdout is the bootstrap servers (127.0.0.1:port,...), alone; then it runs
        until SIGINT or SIGTERM and exits 0. Other topics are created on first use with 4 partitions.
        The mock keeps at most 5 MiB per partition, committed offsets in memory, and does not
        implement transactions' semantics.
        """
    static let defaultTopics = ["image-upload-requests", "image-upload-results", "image-upload-errors"]

    static func run(_ options: ParsedOptions) async throws -> Int32 {
        let brokers = try options.value("brokers", default: 1) { Int($0).flatMap { (1...32).contains($0) ? $0 : nil } }
        let partitions = try options.value("partitions", default: 8) { Int($0).flatMap { (1...10_000).contains($0) ? $0 : nil } }
        let topics = try options.value("topics", default: defaultTopics) { raw -> [String]? in
            let names = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            return names.isEmpty || names.contains(where: \.isEmpty) ? nil : names
        }
        let logger = Logger(label: "dev-kafka")
        let cluster = try MockKafkaCluster(brokers: brokers, logger: logger)
        for topic in topics { try cluster.createTopic(topic, partitions: partitions) }
        print(cluster.bootstrapServers)
        fflush(nil)  // all C streams: `stdout` itself is not concurrency-safe to name
        logger.info("embedded Kafka running", metadata: [
            "bootstrap": .string(cluster.bootstrapServers), "brokers": "\(brokers)",
            "topics": .string(topics.joined(separator: ",")), "partitions": "\(partitions)",
        ])
        let signal = await ShutdownSignal.wait()
        logger.info("stopping", metadata: ["signal": "\(signal)"])
        await cluster.shutdown()
        return 0
    }
}

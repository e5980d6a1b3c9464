import Foundation

/// `upload-worker dev-kafka`: an embedded Kafka for machines without Docker.
enum DevKafkaCommand: Command {
    static let name = "dev-kafka"
    static let abstract = "Run an embedded Kafka (librdkafka's mock cluster) on loopback."
    static let options: [Option] = [
        .value("brokers", "n", default: "1", help: "Number of brokers."),
        .value("partitions", "p", default: "8", help: "Partitions per topic."),
        .value("topics", "a,b,c", default: "image-upload-requests,image-upload-results,image-upload-errors", help: "Topics to create."),
    ]

    static func run(_ options: ParsedOptions) async throws -> Int32 {
        throw UsageError("dev-kafka is being built")
    }
}

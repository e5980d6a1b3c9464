import Foundation
@testable import Kafka
import Testing

@Suite("Producer fatal errors")
struct ProducerFatalErrorTests {
    @Test("a fatal error is detected: fatalError is set and every send fails with isFatal")
    func fatalErrorDetected() async throws {
        let cluster = try MockKafkaCluster(brokers: 1, logger: testLogger("mock"))
        let topic = uniqueName("fatal")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(config: producerConfig(cluster), logger: testLogger("producer"))
        _ = try await producer.send(topic: topic, value: Data("before".utf8))
        #expect(producer.fatalError == nil)

        producer.raiseFatalErrorForTesting(.outOfOrderSequence, reason: "injected by the test")
        try await eventually("fatal error seen", timeout: .seconds(10)) { producer.fatalError != nil }
        let fatal = try #require(producer.fatalError)
        #expect(fatal.isFatal)
        #expect(!fatal.isRetriable)
        #expect(fatal.code == .outOfOrderSequence)
        do {
            _ = try await producer.send(topic: topic, value: Data("after".utf8))
            Issue.record("send succeeded after a fatal error")
        } catch {
            #expect(error.isFatal)
        }
        await producer.close()
        await cluster.shutdown()
    }
}

import Foundation
import Kafka
import Testing

@Suite("KafkaConfig")
struct KafkaConfigTests {
    @Test("KAFKA_* variables map to librdkafka properties")
    func environmentMapping() throws {
        let environment = [
            "KAFKA_BOOTSTRAP_SERVERS": "10.0.0.1:9092,10.0.0.2:9092",
            "KAFKA_SASL_MECHANISMS": "PLAIN",
            "KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
            "KAFKA_SASL_USERNAME": "user",
            "KAFKA_SASL_PASSWORD": "hunter2",
            "KAFKA_GROUP_ID": "workers",
            "KAFKA_": "ignored",
            "KAFKAESQUE": "ignored",
            "PATH": "/usr/bin",
        ]
        let properties = KafkaConfig.properties(fromEnvironment: environment)
        #expect(properties == [
            "bootstrap.servers": "10.0.0.1:9092,10.0.0.2:9092",
            "sasl.mechanisms": "PLAIN",
            "security.protocol": "sasl_ssl",
            "sasl.username": "user",
            "sasl.password": "hunter2",
            "group.id": "workers",
        ])
        #expect(KafkaConfig.propertyName(forVariable: "KAFKA_SSL_CA_LOCATION") == "ssl.ca.location")
        #expect(KafkaConfig.propertyName(forVariable: "UPLOAD_KAFKA_X") == nil)

        var base = KafkaConfig(bootstrapServers: "127.0.0.1:1")
        base.clientID = "upload-worker"
        let config = try KafkaConfig(environment: environment, base: base)
        #expect(config.bootstrapServers == "10.0.0.1:9092,10.0.0.2:9092")
        #expect(config.groupID == "workers")
        #expect(config.clientID == "upload-worker")
        #expect(config["sasl.mechanisms"] == "PLAIN")

        let ignoring = KafkaConfig.properties(fromEnvironment: environment, ignoring: ["KAFKA_GROUP_ID"])
        #expect(ignoring["group.id"] == nil)
    }

    @Test("errors name the variable, the property and the value, and mask secrets")
    func environmentErrors() {
        do {
            _ = try KafkaConfig(environment: ["KAFKA_SESSION_TIMEOUT_MS": "soon"])
            Issue.record("accepted an invalid value")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("KAFKA_SESSION_TIMEOUT_MS"))
            #expect(error.message.contains("session.timeout.ms"))
            #expect(error.message.contains("soon"))
        }
        do {
            _ = try KafkaConfig(environment: ["KAFKA_NO_SUCH_THING": "1"])
            Issue.record("accepted an unknown property")
        } catch {
            #expect(error.message.contains("KAFKA_NO_SUCH_THING"))
            #expect(error.message.contains("unknown property"))
        }
        do {
            _ = try KafkaConfig(environment: ["KAFKA_SSL_KEY_PASSWORD": "s3cret", "KAFKA_SSL_KEYSTORE_PASSWORD": "s3cret", "KAFKA_SECURITY_PROTOCOL": "nonsense"])
            Issue.record("accepted an invalid security protocol")
        } catch {
            #expect(error.message.contains("security.protocol"))
            #expect(!error.message.contains("s3cret"))
        }
    }

    @Test("typed settings read and write the raw properties")
    func typedAccessors() throws {
        var config = KafkaConfig(bootstrapServers: "127.0.0.1:9092")
        config.sessionTimeout = .seconds(6)
        config.fetchWaitMax = .milliseconds(50)
        config.assignmentStrategy = .cooperativeSticky
        config.autoOffsetReset = .earliest
        config.acks = .all
        config.enableIdempotence = true
        config.linger = .microseconds(1500)
        #expect(config.properties["session.timeout.ms"] == "6000")
        #expect(config.properties["fetch.wait.max.ms"] == "50")
        #expect(config.properties["partition.assignment.strategy"] == "cooperative-sticky")
        #expect(config.properties["auto.offset.reset"] == "earliest")
        #expect(config.properties["linger.ms"] == "1")
        #expect(config.sessionTimeout == .seconds(6))
        #expect(config.enableIdempotence == true)
        try config.validate()

        config["linger.ms"] = "-5"
        #expect(throws: KafkaError.self) { try config.validate() }
        var bad = KafkaConfig()
        bad.groupID = "g"
        bad["fetch.wait.max.ms"] = "many"
        do {
            try bad.validate()
        } catch {
            #expect(error.message.contains("fetch.wait.max.ms"))
            #expect(error.message.contains("many"))
        }
    }

    @Test("a consumer without group.id is refused with a named property")
    func consumerNeedsGroup() {
        #expect {
            _ = try KafkaConsumer(config: KafkaConfig(bootstrapServers: "127.0.0.1:1"), topics: ["t"])
        } throws: { error in
            (error as? KafkaError)?.message.contains("group.id") == true
        }
    }
}

import Foundation
import Kafka
import Synchronization
import Testing

@Suite("Consumer groups, offsets, rebalances, pause and close")
struct ConsumerGroupTests {
    @Test("commit, close, restart: the group resumes at the committed offset")
    func resumesAtCommittedOffset() async throws {
        let cluster = try MockKafkaCluster(brokers: 1, logger: testLogger("mock"))
        let topic = uniqueName("resume")
        try cluster.createTopic(topic, partitions: 1)
        let producer = try KafkaProducer(config: producerConfig(cluster), logger: testLogger("producer"))
        for i in 0..<10 { _ = try await producer.send(topic: topic, value: Data("r\(i)".utf8)) }

        var config = consumerConfig(cluster, group: uniqueName("g"))
        config.enableAutoCommit = false
        let first = try KafkaConsumer(config: config, topics: [topic], options: quickConsumerOptions(), logger: testLogger("c1"))
        let collector = RecordCollector(first)
        let records = try await collector.waitFor(10)
        // Only the first 4 are "finished".
        for record in records.prefix(4) { try first.storeOffset(for: record) }
        try await first.commit()
        collector.stop()
        #expect(await first.close())

        let second = try KafkaConsumer(config: config, topics: [topic], options: quickConsumerOptions(), logger: testLogger("c2"))
        let again = RecordCollector(second)
        let resumed = try await again.waitFor(6)
        #expect(resumed.first?.offset == 4)
        #expect(resumed.map { $0.value!.utf8String } == (4..<10).map { "r\($0)" })

        // An explicit-offset commit (awaited) works as well.
        try await second.commit([KafkaTopicPartition(topic: topic, partition: 0): 8])
        again.stop()
        await second.close()
        let third = try KafkaConsumer(config: config, topics: [topic], options: quickConsumerOptions(), logger: testLogger("c3"))
        let last = RecordCollector(third)
        #expect(try await last.waitFor(2).first?.offset == 8)
        last.stop()
        await third.close()
        await producer.close()
        await cluster.shutdown()
    }

    @Test(
        "two members share partitions; a third joining triggers a rebalance whose revocation waits for in-flight work",
        arguments: [KafkaConfig.AssignmentStrategy.range, .cooperativeSticky])
    func rebalanceWaitsForInFlightWork(strategy: KafkaConfig.AssignmentStrategy) async throws {
        let cluster = try MockKafkaCluster(brokers: 1, logger: testLogger("mock"))
        let topic = uniqueName("rebalance")
        try cluster.createTopic(topic, partitions: 6)
        let group = uniqueName("g")
        let log = EventLog()
        let consumers = Mutex<[String: KafkaConsumer]>([:])

        func member(_ name: String) throws -> KafkaConsumer {
            let handler = KafkaRebalanceHandler(
                partitionsAssigned: { partitions in
                    for p in partitions { log.append("\(name) assigned \(p)") }
                },
                partitionsRevoked: { revocation in
                    for p in revocation.partitions { log.append("\(name) revoking \(p)") }
                    // In-flight work on the revoked partitions finishes before the handler returns.
                    try? await Task.sleep(for: .milliseconds(300))
                    if let me = consumers.withLock({ $0[name] }) {
                        let offsets = Dictionary(uniqueKeysWithValues: revocation.partitions.map { ($0, Int64(0)) })
                        do {
                            try me.storeOffsets(offsets)
                        } catch {
                            log.append("\(name) store failed: \(error)")
                        }
                    }
                    for p in revocation.partitions { log.append("\(name) finished \(p)") }
                })
            let consumer = try KafkaConsumer(
                config: consumerConfig(cluster, group: group, strategy: strategy), topics: [topic],
                rebalanceHandler: handler, options: quickConsumerOptions(), logger: testLogger(name))
            consumers.withLock { $0[name] = consumer }
            return consumer
        }

        let a = try member("a")
        let b = try member("b")
        let all = Set((0..<6).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) })
        try await eventually("a and b share the partitions", timeout: .seconds(40)) {
            !a.assignment.isEmpty && !b.assignment.isEmpty && a.assignment.union(b.assignment) == all
                && a.assignment.isDisjoint(with: b.assignment)
        }

        let c = try member("c")
        try await eventually("c gets partitions", timeout: .seconds(40)) {
            !c.assignment.isEmpty && a.assignment.union(b.assignment).union(c.assignment) == all
                && a.assignment.count + b.assignment.count + c.assignment.count == 6
        }
        let events = log.all
        // Revoked partitions are still assigned while the handler runs: storing works.
        #expect(!events.contains { $0.contains("store failed") }, "\(events)")
        // Every partition c got from a or b was released only after its in-flight work finished.
        for p in c.assignment {
            let assigned = try #require(events.lastIndex(of: "c assigned \(p)"))
            let finished = events.indices.filter { events[$0] == "a finished \(p)" || events[$0] == "b finished \(p)" }
            #expect(!finished.isEmpty, "\(p) moved to c without a revocation: \(events)")
            #expect(finished.allSatisfy { $0 < assigned }, "\(p): \(events)")
            let revoking = events.indices.filter { events[$0] == "a revoking \(p)" || events[$0] == "b revoking \(p)" }
            #expect(revoking.allSatisfy { $0 < assigned })
        }
        if strategy == .cooperativeSticky {
            // Incremental: a and b kept what they did not give up.
            #expect(a.assignment.count == 2 && b.assignment.count == 2 && c.assignment.count == 2)
        }

        await withTaskGroup(of: Void.self) { group in
            for consumer in [a, b, c] { group.addTask { await consumer.close() } }
        }
        await cluster.shutdown()
    }

    @Test("pause stops a partition's records, resume brings them back")
    func pauseResume() async throws {
        let cluster = try MockKafkaCluster(brokers: 1, logger: testLogger("mock"))
        let topic = uniqueName("pause")
        try cluster.createTopic(topic, partitions: 2)
        let producer = try KafkaProducer(config: producerConfig(cluster), logger: testLogger("producer"))
        for i in 0..<4 { _ = try await producer.send(topic: topic, value: Data("p0-\(i)".utf8), partition: 0) }
        let consumer = try KafkaConsumer(
            config: consumerConfig(cluster, group: uniqueName("g")), topics: [topic],
            options: quickConsumerOptions(), logger: testLogger("consumer"))
        let collector = RecordCollector(consumer)
        try await collector.waitFor(4)

        let p0 = KafkaTopicPartition(topic: topic, partition: 0)
        try consumer.pause([p0])
        for i in 4..<8 { _ = try await producer.send(topic: topic, value: Data("p0-\(i)".utf8), partition: 0) }
        // A record on the other partition arrives while partition 0 is paused: fetching goes on.
        _ = try await producer.send(topic: topic, value: Data("p1-0".utf8), partition: 1)
        try await collector.waitFor(5)
        try await Task.sleep(for: .milliseconds(500))
        #expect(collector.records.filter { $0.partition == 0 }.count == 4)

        try consumer.resume([p0])
        let all = try await collector.waitFor(9)
        #expect(all.filter { $0.partition == 0 }.map { $0.value!.utf8String } == (0..<8).map { "p0-\($0)" })

        #expect(throws: KafkaError.self) {
            try consumer.pause([KafkaTopicPartition(topic: "not-assigned", partition: 9)])
        }
        collector.stop()
        await consumer.close()
        await producer.close()
        await cluster.shutdown()
    }

    @Test("close returns within its bound, also with the brokers down or before the first assignment",
          arguments: [KafkaConfig.AssignmentStrategy.range, .cooperativeSticky])
    func closeIsBounded(strategy: KafkaConfig.AssignmentStrategy) async throws {
        let cluster = try MockKafkaCluster(brokers: 1, logger: testLogger("mock"))
        let topic = uniqueName("close")
        try cluster.createTopic(topic, partitions: 2)
        var options = quickConsumerOptions()
        options.closeTimeout = .seconds(3)
        options.rebalanceHandlerTimeout = .seconds(1)

        // Closed at once, before the group assigned anything (2.0.2's cooperative assert).
        let early = try KafkaConsumer(
            config: consumerConfig(cluster, group: uniqueName("g"), strategy: strategy), topics: [topic],
            options: options, logger: testLogger("early"))
        _ = try await withTimeout(.seconds(20), "early close") { await early.close() }

        // Closed with an assignment, after every broker went away.
        let consumer = try KafkaConsumer(
            config: consumerConfig(cluster, group: uniqueName("g"), strategy: strategy), topics: [topic],
            options: options, logger: testLogger("consumer"))
        try await eventually("assignment", timeout: .seconds(30)) { !consumer.assignment.isEmpty }
        try cluster.setBrokerDown()
        _ = try await withTimeout(.seconds(20), "close with brokers down") { await consumer.close() }
        #expect(consumer.assignment.isEmpty)
        try cluster.setBrokerUp()
        await cluster.shutdown()
    }
}

@Suite("Lost assignments")
struct LostAssignmentTests {
    @Test("a member the group forgot sees its partitions revoked as lost, then rejoins")
    func lostAssignmentIsSurfaced() async throws {
        let cluster = try MockKafkaCluster(brokers: 1, logger: testLogger("mock"))
        let topic = uniqueName("lost")
        try cluster.createTopic(topic, partitions: 2)
        let revocations = Mutex<[KafkaRevocation]>([])
        let assignments = Mutex(0)
        let handler = KafkaRebalanceHandler(
            partitionsAssigned: { _ in assignments.withLock { $0 += 1 } },
            partitionsRevoked: { revocation in revocations.withLock { $0.append(revocation) } })
        let consumer = try KafkaConsumer(
            config: consumerConfig(cluster, group: uniqueName("g")), topics: [topic],
            rebalanceHandler: handler, options: quickConsumerOptions(), logger: testLogger("consumer"))
        try await eventually("first assignment", timeout: .seconds(30)) { assignments.withLock { $0 } == 1 }

        // The coordinator no longer knows the member: its assignment is lost.
        try cluster.pushRequestErrors(.heartbeat, [.unknownMemberID])
        try await eventually("lost revocation", timeout: .seconds(30)) { revocations.withLock { !$0.isEmpty } }
        let first = try #require(revocations.withLock { $0.first })
        #expect(first.isLost)
        #expect(Set(first.partitions) == Set((0..<2).map { KafkaTopicPartition(topic: topic, partition: Int32($0)) }))
        try await eventually("assigned again", timeout: .seconds(30)) { assignments.withLock { $0 } >= 2 && consumer.assignment.count == 2 }

        await consumer.close()
        await cluster.shutdown()
    }
}

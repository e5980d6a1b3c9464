import Foundation
import Kafka
import Logging

extension UploadWorkerService {
    /// Reads batches until the consumer closes, takes each record into the offset tracker, and
    /// starts one child task per record. What is pending is bounded by the partition caps: a
    /// partition at its cap is paused, and resumed when it drains to half.
    func consume(_ pipeline: Pipeline, into records: inout DiscardingTaskGroup) async {
        var batches = pipeline.consumer.batches.makeAsyncIterator()
        while true {
            intakeWaiting.store(true, ordering: .relaxed)
            await budget.waitForRoom()
            let next: [KafkaRecord]?
            do {
                next = try await batches.next()
            } catch {
                intakeWaiting.store(false, ordering: .relaxed)
                requestShutdown(.kafkaFatal("consumer: \(error)"))
                return
            }
            intakeWaiting.store(false, ordering: .relaxed)
            guard let batch = next else { return }
            health.recordPoll()
            take(batch, pipeline, into: &records)
        }
    }

    private func take(_ batch: [KafkaRecord], _ pipeline: Pipeline, into records: inout DiscardingTaskGroup) {
        var taken: [(KafkaRecord, OffsetTicket<KafkaTopicPartition>)] = []
        taken.reserveCapacity(batch.count)
        flowControl.withLock { _ in
            var toPause: [KafkaTopicPartition] = []
            // Under the lifecycle lock, so that a revocation or shutdown that starts now sees
            // every record taken before it (the drain then waits for them) and none after.
            lifecycle.withLock { state in
                guard state.isTaking else { return }
                for record in batch {
                    let partition = record.topicPartition
                    guard state.mayTake(from: partition) else { continue }
                    do {
                        let action = try tracker.take(partition, offset: record.offset)
                        if action.pause { toPause.append(partition) }
                        taken.append((record, action.ticket))
                    } catch {
                        // A record of a partition revoked meanwhile: its next owner reads it again.
                        logger.debug("record not taken", metadata: ["partition": .string("\(partition)"), "error": .string("\(error)")])
                    }
                }
                counters.inFlight.add(taken.count, ordering: .relaxed)
                budget.take(taken.count)
            }
            guard !toPause.isEmpty else { return }
            do {
                try pipeline.consumer.pause(toPause)
                metrics.pausedPartitions.increment(by: Double(toPause.count))
                logger.debug("partitions paused: buffer full", metadata: ["partitions": .string("\(toPause)")])
            } catch {
                logger.warning("pausing partitions failed", metadata: ["error": .string("\(error)")])
            }
        }
        guard !taken.isEmpty else { return }
        counters.recordsTaken.add(taken.count, ordering: .relaxed)
        metrics.recordsConsumed.increment(by: taken.count)
        for (record, ticket) in taken {
            records.addTask { await self.handle(record, ticket, pipeline) }
        }
    }

    /// One record from taken to finished: process, publish, finish, store the offset.
    private func handle(_ record: KafkaRecord, _ ticket: OffsetTicket<KafkaTopicPartition>, _ pipeline: Pipeline) async {
        defer {
            counters.inFlight.subtract(1, ordering: .relaxed)
            budget.release()
        }
        let started = ContinuousClock.now
        let outcome = await pipeline.processor.process(record)
        let event: EncodedEvent
        let topic: String
        switch outcome {
        case .result(let result):
            event = result.encoded()
            topic = configuration.resultTopic
        case .error(let error):
            event = error.encoded()
            topic = configuration.errorTopic
        case .abandon(let termination):
            if let termination { requestShutdown(termination) }
            logger.debug("record abandoned: stays uncommitted", metadata: ["partition": .string("\(record.topicPartition)"), "offset": .string("\(record.offset)")])
            return
        }
        switch await pipeline.publisher.publish(event, topic: topic, key: record.key) {
        case .acknowledged:
            break
        case .failed(let error):
            requestShutdown(.kafkaFatal("publishing to \(topic): \(error)"))
            return
        case .cancelled:
            return
        }
        finished(outcome, record, duration: ContinuousClock.now - started)
        do {
            let action = try flowControl.withLock { _ throws(OffsetTrackerError) -> FinishAction in
                let action = try tracker.finish(ticket)
                if action.resume {
                    do {
                        try pipeline.consumer.resume([ticket.partition])
                        metrics.pausedPartitions.decrement()
                    } catch {
                        logger.warning("resuming a partition failed", metadata: ["partition": .string("\(ticket.partition)"), "error": .string("\(error)")])
                    }
                }
                return action
            }
            if let position = action.commitPosition {
                do {
                    try pipeline.consumer.storeOffsets([ticket.partition: position])
                } catch {
                    logger.debug("offset not stored", metadata: ["partition": .string("\(ticket.partition)"), "error": .string("\(error)")])
                }
            }
        } catch {
            logger.error("offset tracker refused a finish", metadata: ["error": .string("\(error)")])
        }
    }
}

import Foundation
import Kafka
import Logging

extension UploadWorkerService {
    /// What the consumer's poll thread calls on rebalances (and awaits, see
    /// `KafkaRebalanceHandler`): assigned partitions start being tracked; revoked ones stop being
    /// taken, drain within SHUTDOWN_TIMEOUT, and have their offsets stored before the consumer
    /// commits and lets them go. A lost assignment is dropped at once, uncommitted.
    func rebalanceHandler() -> KafkaRebalanceHandler {
        KafkaRebalanceHandler(
            partitionsAssigned: { [self] partitions in
                tracker.assign(partitions)
                health.enter(.ready)
            },
            partitionsRevoked: { [self] revocation in
                await revoke(revocation)
            })
    }

    private func revoke(_ revocation: KafkaRevocation) async {
        let partitions = revocation.partitions
        lifecycle.withLock { $0.beginRevoking(partitions) }
        defer { lifecycle.withLock { $0.endRevoking(partitions) } }
        if !revocation.isLost {
            let (deadline, shuttingDown) = lifecycle.withLock { ($0.drainDeadline, $0.shutdownRequested) }
            if shuttingDown {
                // The shutdown drain already waits for every record (abandoned ones included).
                _ = await waitForInFlightRecords(until: deadline ?? .now)
            } else {
                let outcome = await tracker.waitUntilDrained(Set(partitions), deadline: .now + configuration.shutdownTimeout)
                if case .timedOut(let unfinished) = outcome {
                    logger.warning("revoked partitions did not drain in time; their unfinished records will be redelivered", metadata: [
                        "unfinished": .string("\(unfinished.values.reduce(0) { $0 + $1.count })"),
                        "partitions": .string(unfinished.keys.sorted().map(\.description).joined(separator: ",")),
                    ])
                }
            }
        }
        let revoked = tracker.revoke(partitions)
        for partition in revoked {
            metrics.removePartition(topic: partition.partition.topic, partition: partition.partition.partition)
            if partition.wasPaused { metrics.pausedPartitions.decrement() }
        }
        let unfinished = revoked.reduce(0) { $0 + $1.unfinished.count }
        if revocation.isLost {
            logger.warning("partitions lost: dropped without committing", metadata: [
                "partitions": .string(partitions.sorted().map(\.description).joined(separator: ",")),
                "unfinished": .string("\(unfinished)"),
            ])
        }
    }

    /// The shutdown: stop taking (already done by `requestShutdown`), let in-flight records
    /// finish until the deadline, commit what finished, close the consumer (which revokes, commits
    /// again and leaves the group). Records past the deadline stay uncommitted.
    func drainAndClose(_ pipeline: Pipeline) async {
        let deadline = lifecycle.withLock { $0.drainDeadline } ?? .now + configuration.shutdownTimeout
        let drained = await waitForInFlightRecords(until: deadline)
        let unfinished = tracker.unfinished()
        let count = unfinished.values.reduce(0) { $0 + $1.count }
        if !drained || count > 0 {
            logger.warning("shutdown: records left unfinished stay uncommitted and will be redelivered", metadata: [
                "unfinished": .string("\(count)"),
                "partitions": .string(unfinished.keys.sorted().map(\.description).joined(separator: ",")),
            ])
        } else {
            logger.info("shutdown: in-flight records drained")
        }
        drainFinished.fire()
        do {
            try await pipeline.consumer.commit()
        } catch {
            logger.warning("commit at shutdown failed", metadata: ["error": .string("\(error)")])
        }
        if await !pipeline.consumer.close() {
            logger.warning("the consumer did not close in time")
        }
    }

    /// Waits until no record task is running, or until `deadline`; true when none is left.
    func waitForInFlightRecords(until deadline: ContinuousClock.Instant) async -> Bool {
        while counters.inFlight.load(ordering: .relaxed) > 0 {
            guard ContinuousClock.now < deadline else { return false }
            // Polled: drains are rare and short, and this needs no bookkeeping on the hot path.
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}

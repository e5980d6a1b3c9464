/// A bounded map of stored outcomes in front of the SQLite store, so that the duplicate path (a
/// URL seen again by this process) costs a dictionary lookup instead of a trip to the database
/// thread. Safe to cache because a live success is never replaced (IdempotencyStore's rules), and
/// every entry keeps its expiry. Evicts the oldest insertion first. Not thread-safe: its owner
/// keeps it behind a Mutex.
struct OutcomeCache {
    private var entries: [IdempotencyKey: StoredOutcome] = [:]
    /// Insertion order; `head` is the oldest key still to consider for eviction.
    private var order: [IdempotencyKey] = []
    private var head = 0
    let capacity: Int

    init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    var count: Int { entries.count }

    subscript(key: IdempotencyKey) -> StoredOutcome? {
        entries[key]
    }

    mutating func insert(_ outcome: StoredOutcome, for key: IdempotencyKey) {
        guard capacity > 0 else { return }
        if entries.updateValue(outcome, forKey: key) == nil {
            order.append(key)
        }
        while entries.count > capacity, head < order.count {
            let oldest = order[head]
            head += 1
            entries[oldest] = nil
        }
        // Drop evicted and removed keys from `order` now and then, so it stays O(capacity).
        if head > capacity || order.count > 2 * capacity + 16 {
            order = order[head...].filter { entries[$0] != nil }
            head = 0
        }
    }

    mutating func remove(_ key: IdempotencyKey) {
        entries[key] = nil
    }

    mutating func removeAll() {
        entries.removeAll()
        order.removeAll()
        head = 0
    }
}

import Synchronization

/// Generated image IDs: UUID-shaped (8-4-4-4-12 lower-case hex) like Cloudflare's, unique per
/// emulator. Foundation's `UUID()` reads /dev/urandom on every call (three system calls); this
/// mixes a counter with a random per-emulator key instead. SplitMix64's finalizer is a
/// bijection, so distinct counters give distinct IDs.
final class ImageIDGenerator: Sendable {
    private let prefix: UInt64
    private let counter = Atomic<UInt64>(0)

    init() { prefix = UInt64.random(in: 0...UInt64.max) }

    func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        // `low` alone is unique (a bijection of n); `high` only makes every digit vary.
        let low = FaultInjector.splitMix64(n &+ prefix), high = FaultInjector.splitMix64(low ^ prefix)
        var bytes = [UInt8]()
        bytes.reserveCapacity(36)
        let digits = Array("0123456789abcdef".utf8)
        for i in 0..<32 {
            if i == 8 || i == 12 || i == 16 || i == 20 { bytes.append(UInt8(ascii: "-")) }
            let word = i < 16 ? high : low
            let nibble = Int(word >> UInt64(60 - (i % 16) * 4) & 0xF)
            bytes.append(digits[nibble])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

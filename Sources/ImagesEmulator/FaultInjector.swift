/// Decides, reproducibly, which API requests get a fault: the n-th request since start (or the
/// last reset) draws one number from a SplitMix64 hash of (seed, n), so the same seed gives the
/// same sequence of faults whatever the timing.
struct FaultInjector: Sendable {
    enum Fault: Sendable, Equatable {
        case none, drop, fail, slow
    }

    let seed: UInt64

    func fault(forRequest n: UInt64, knobs: ImagesEmulator.Knobs) -> Fault {
        let total = knobs.dropRate + knobs.failRate + knobs.slowRate
        guard total > 0 else { return .none }
        let u = Self.unitInterval(seed: seed, n: n)
        if u < knobs.dropRate { return .drop }
        if u < knobs.dropRate + knobs.failRate { return .fail }
        if u < total { return .slow }
        return .none
    }

    /// A number in [0, 1) that depends only on the seed and n.
    static func unitInterval(seed: UInt64, n: UInt64) -> Double {
        Double(splitMix64(seed &+ n &* 0x9E37_79B9_7F4A_7C15) >> 11) * 0x1.0p-53
    }

    static func splitMix64(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

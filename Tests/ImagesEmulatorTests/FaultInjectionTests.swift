import Foundation
import Testing
import HTTPServer
@testable import ImagesEmulator

@Suite struct FaultInjectionTests {
    /// What each of `count` sequential detail requests got: a status, or "dropped".
    static func outcomes(seed: UInt64, count: Int = 200) async -> [String] {
        let h = EmulatorHarness {
            $0.seed = seed
            $0.knobs = ImagesEmulator.Knobs(failRate: 0.2, dropRate: 0.1, slowRate: 0.05, slowDelay: .milliseconds(1))
        }
        var out: [String] = []
        for _ in 0..<count {
            let r = await h.get("missing")
            out.append(r.dropsConnection ? "dropped" : String(r.status))
        }
        return out
    }

    @Test func sameSeedSameFaults() async {
        let a = await Self.outcomes(seed: 42)
        let b = await Self.outcomes(seed: 42)
        #expect(a == b)
        #expect(a.contains("500"))
        #expect(a.contains("dropped"))
        #expect(a.contains("404"))
        #expect(await Self.outcomes(seed: 43) != a)
    }

    @Test func resetRestartsTheSequence() async {
        let h = EmulatorHarness { $0.seed = 7; $0.knobs.failRate = 0.5 }
        var first: [Int] = []
        for _ in 0..<50 { first.append(await h.get("x").status) }
        h.emulator.reset()
        var second: [Int] = []
        for _ in 0..<50 { second.append(await h.get("x").status) }
        #expect(first == second)
    }

    @Test func injected500IsCloudflaresEnvelope() async {
        let h = EmulatorHarness { $0.knobs.failRate = 1 }
        let answer = Answer(await h.upload([("url", "\(h.origin)/a.png")]))
        #expect(answer.status == 500)
        #expect(answer.errorCodes == [5500])
        #expect(h.emulator.stats().uploads.isEmpty)
    }

    @Test(arguments: [(0.3, 0.0, 0.0), (0.0, 0.3, 0.0), (0.0, 0.0, 0.3), (0.1, 0.1, 0.1)])
    func faultSharesFollowTheKnobs(fail: Double, drop: Double, slow: Double) {
        let knobs = ImagesEmulator.Knobs(failRate: fail, dropRate: drop, slowRate: slow)
        let injector = FaultInjector(seed: 99)
        var counts: [FaultInjector.Fault: Int] = [:]
        let n = 20_000
        for i in 1...n { counts[injector.fault(forRequest: UInt64(i), knobs: knobs), default: 0] += 1 }
        for (fault, share) in [(FaultInjector.Fault.fail, fail), (.drop, drop), (.slow, slow)] {
            #expect(abs(Double(counts[fault, default: 0]) / Double(n) - share) < 0.02)
        }
    }
}

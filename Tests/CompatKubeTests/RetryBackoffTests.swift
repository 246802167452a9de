import CompatCore
import Testing
@testable import CompatKube

@Suite struct RetryBackoffTests {
    @Test func delaysDoubleWithJitterUpToTheMaximum() {
        var backoff = RetryBackoff()
        var random = SeededRandom(seed: 7)
        var bases: [Double] = []
        for _ in 0..<9 {
            let delay = backoff.nextDelay(healthyFor: .zero, using: &random).inSeconds
            bases.append(delay)
        }
        // Each delay lies in [base, 2·base) of 0.8 s · 2^n, capped at 30 s.
        let expectedBases = [0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 30, 30, 30]
        for (delay, base) in zip(bases, expectedBases) {
            #expect(delay >= base && delay <= min(2 * base, 30), "delay \(delay) for base \(base)")
        }
        #expect(backoff.consecutiveFailures == 9)
    }

    @Test func healthyPeriodResetsTheSequence() {
        var backoff = RetryBackoff()
        var random = SeededRandom(seed: 1)
        for _ in 0..<5 { _ = backoff.nextDelay(healthyFor: .seconds(5), using: &random) }
        let afterHealth = backoff.nextDelay(healthyFor: .seconds(121), using: &random).inSeconds
        #expect(afterHealth >= 0.8 && afterHealth < 1.6)
        #expect(backoff.consecutiveFailures == 1)
    }
}

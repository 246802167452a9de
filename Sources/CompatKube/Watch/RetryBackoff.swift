/// Delays between failed list/watch attempts: exponential from `initialDelay` to `maximumDelay` with
/// jitter, back to the start once a connection has been healthy for `resetAfter` (client-go's
/// reflector: 800 ms, 30 s, 2 min).
///
/// Jitter spreads the reconnects of many replicas after an API server restart; the reset keeps one
/// blip after hours of health from costing a 30 s gap.
package struct RetryBackoff: Sendable, Equatable {
    package var initialDelay: Duration
    package var maximumDelay: Duration
    package var resetAfter: Duration
    /// Failures since the last healthy period.
    package private(set) var consecutiveFailures = 0

    package init(initialDelay: Duration = .milliseconds(800), maximumDelay: Duration = .seconds(30), resetAfter: Duration = .seconds(120)) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.resetAfter = resetAfter
    }

    /// The wait before the next attempt, after an attempt that stayed healthy (connected and streaming)
    /// for `healthyFor`. The delay is the exponential base times a factor in [1, 2), capped at the maximum.
    package mutating func nextDelay<Random: RandomNumberGenerator>(healthyFor: Duration, using random: inout Random) -> Duration {
        if healthyFor >= resetAfter { consecutiveFailures = 0 }
        var base = initialDelay
        var doublings = consecutiveFailures
        while doublings > 0, base < maximumDelay {
            base = base * 2
            doublings -= 1
        }
        consecutiveFailures += 1
        let jittered = base * Double.random(in: 1..<2, using: &random)
        return min(jittered, maximumDelay)
    }

    /// Forgets past failures (after a stream that stayed healthy for `resetAfter`).
    package mutating func reset() {
        consecutiveFailures = 0
    }
}

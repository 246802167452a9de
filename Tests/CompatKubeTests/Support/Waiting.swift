import Foundation

/// Polls `condition` every few milliseconds until it holds or `timeout` passes; returns whether it held.
/// A deadline, not a sleep: the test continues as soon as the condition is true.
func waitUntil(timeout: Duration, _ condition: () -> Bool) -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return condition()
}

/// How long replay tests wait for the watcher to reach a state. Normally reached in milliseconds; the
/// margin is for a loaded two-core machine.
let replayDeadline: Duration = .seconds(10)

import CompatCore
import Foundation
import Synchronization

/// A dedicated OS thread for blocking loops (a watch stream, a directory poll), with waits that end
/// early when a stop is requested.
///
/// Blocking libcurl transfers and sleeps must not run on Swift's cooperative pool, which has one thread
/// per core; a thread of its own keeps admission tasks unaffected.
final class WorkerThread: Sendable {
    let name: String
    private let condition = NSCondition()
    private let stopRequested = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)

    init(name: String) {
        self.name = name
    }

    var isStopRequested: Bool { stopRequested.load(ordering: .acquiring) }
    var isFinished: Bool { finished.load(ordering: .acquiring) }

    /// Runs `body` once on a new thread. A second call does nothing.
    func start(_ body: @escaping @Sendable (WorkerThread) -> Void) {
        guard started.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        let thread = Thread { [self] in
            body(self)
            condition.lock()
            finished.store(true, ordering: .releasing)
            condition.broadcast()
            condition.unlock()
        }
        thread.name = name
        thread.start()
    }

    /// Waits up to `duration`; returns `false` when a stop was requested (before or during the wait).
    @discardableResult
    func pause(for duration: Duration) -> Bool {
        let deadline = Date().addingTimeInterval(duration.inSeconds)
        condition.lock()
        defer { condition.unlock() }
        while !isStopRequested {
            if !condition.wait(until: deadline) { break }
        }
        return !isStopRequested
    }

    /// Asks the loop to end and wakes any ``pause(for:)``.
    func requestStop() {
        condition.lock()
        stopRequested.store(true, ordering: .releasing)
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the body has returned, at most `timeout`. Returns whether it has.
    @discardableResult
    func waitUntilFinished(timeout: Duration) -> Bool {
        guard started.load(ordering: .acquiring) else { return true }
        let deadline = Date().addingTimeInterval(timeout.inSeconds)
        condition.lock()
        defer { condition.unlock() }
        while !isFinished {
            if !condition.wait(until: deadline) { break }
        }
        return isFinished
    }
}


import Foundation

extension ChildProcess {
    /// Sends SIGTERM, as a kubelet stopping a pod does; `true` when the process then exits with status 0 within
    /// `timeout` seconds.
    func terminatesCleanly(within timeout: Double) -> Bool {
        kill(pid, SIGTERM)
        return waitForExit(timeout: timeout) && process.terminationStatus == 0
    }
}

import CompatCore
import Foundation
import Logging
import Synchronization

/// Keeps a ``TLSCertificateStore`` in step with a certificate file and a key file, such as a mounted
/// `kubernetes.io/tls` Secret (`tls.crt`, `tls.key`).
///
/// Kubelet updates a mounted Secret 60–90 s after a change by swapping a `..data` symlink, and a server
/// that reads its certificate once serves it until it expires (linkerd/linkerd2#5888). The reloader
/// reads both files every poll interval and installs them when their content changed. A pair that does
/// not parse or does not match is refused, the current certificate stays, and the error is logged once
/// per distinct content; the files are tried again when they change. Mount the Secret's directory, not
/// `subPath` files, which kubelet never updates.
public final class CertificateReloader: Sendable {
    /// What one check did.
    public enum Outcome: Sendable, Equatable {
        /// The files hold what is already installed (or what was already refused).
        case unchanged
        /// A new pair is being served to new connections.
        case reloaded(CertificateInfo)
        /// The new pair was refused; the previous certificate is still served.
        case rejected(String)
        /// A file could not be read; the previous certificate is still served.
        case unreadable(String)
    }

    public let certificatePath: String
    public let privateKeyPath: String
    /// The store to give the server; it starts with the pair read at initialization.
    public let store: TLSCertificateStore
    public let pollInterval: Duration
    private let logger: Logger
    private let lastSeen: Mutex<[UInt8]>
    /// The last read failure logged, so a missing file is reported once, not on every poll.
    private let lastReadFailure = Mutex<String?>(nil)
    private let poller = Mutex<PollerState>(PollerState())

    private struct PollerState {
        var running = false
        var thread: ConditionBox?
    }

    /// Reads both files and creates the store; throws when they are unreadable or do not form a pair.
    public init(certificatePath: String, privateKeyPath: String, pollInterval: Duration = .seconds(2), logger: Logger) throws(TLSCertificateError) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
        self.pollInterval = pollInterval
        self.logger = logger
        let files: (certificate: String, key: String)
        do {
            files = try Self.read(certificatePath, privateKeyPath)
        } catch {
            throw .rejected(error.message)
        }
        store = try TLSCertificateStore(certificatePEM: files.certificate, privateKeyPEM: files.key)
        lastSeen = Mutex(Self.fingerprint(files))
        logger.info("serving certificate loaded", metadata: Self.metadata(store.certificate, certificatePath))
    }

    /// Signals the poller without waiting: the last reference may be dropped on the poller thread itself.
    deinit { stopPolling(wait: false) }

    /// Reads the files once and installs them if their content changed since the last check.
    @discardableResult
    public func checkNow() -> Outcome {
        let files: (certificate: String, key: String)
        do {
            files = try Self.read(certificatePath, privateKeyPath)
        } catch {
            let isNew = lastReadFailure.withLock { last -> Bool in
                defer { last = error.message }
                return last != error.message
            }
            if isNew {
                logger.error("serving certificate files unreadable; keeping the current certificate", metadata: [
                    "error": "\(error.message)", "certificate": "\(certificatePath)",
                ])
            }
            return .unreadable(error.message)
        }
        lastReadFailure.withLock { $0 = nil }
        let fingerprint = Self.fingerprint(files)
        let changed = lastSeen.withLock { seen -> Bool in
            defer { seen = fingerprint }
            return seen != fingerprint
        }
        guard changed else { return .unchanged }
        do {
            let previous = store.certificate
            let info = try store.replace(certificatePEM: files.certificate, privateKeyPEM: files.key)
            var metadata = Self.metadata(info, certificatePath)
            metadata["previousSerial"] = "\(previous.serialNumberHex)"
            logger.notice("serving certificate reloaded", metadata: metadata)
            return .reloaded(info)
        } catch {
            logger.error("new serving certificate refused; keeping the current certificate", metadata: [
                "error": "\(error)", "certificate": "\(certificatePath)", "key": "\(privateKeyPath)",
                "servedSerial": "\(store.certificate.serialNumberHex)",
            ])
            return .rejected(error.description)
        }
    }

    /// Starts polling on a background thread. Does nothing if already polling.
    public func start() {
        let box = ConditionBox()
        let shouldStart = poller.withLock { state -> Bool in
            guard !state.running else { return false }
            state.running = true
            state.thread = box
            return true
        }
        guard shouldStart else { return }
        let interval = pollInterval
        Thread.detachNewThread { [weak self] in
            while box.sleep(for: interval) {
                guard let self else { break }
                self.checkNow()
            }
            box.markExited()
        }
    }

    /// Stops polling and waits for the poller thread to leave.
    public func stop() { stopPolling(wait: true) }

    private func stopPolling(wait: Bool) {
        let box = poller.withLock { state -> ConditionBox? in
            defer { state = PollerState() }
            return state.thread
        }
        box?.stop(wait: wait)
    }

    private struct ReadFailure: Error {
        let message: String
    }

    private static func read(_ certificatePath: String, _ keyPath: String) throws(ReadFailure) -> (certificate: String, key: String) {
        func contents(_ path: String, _ what: String) throws(ReadFailure) -> String {
            // Read in chunks through a handle: the file may be rewritten while it is being read.
            guard let handle = FileHandle(forReadingAtPath: path) else {
                throw ReadFailure(message: "cannot read the \(what) file '\(path)' (missing or not readable)")
            }
            defer { try? handle.close() }
            do {
                return String(decoding: try handle.readToEnd() ?? Data(), as: UTF8.self)
            } catch {
                throw ReadFailure(message: "cannot read the \(what) file '\(path)': \(error)")
            }
        }
        return (try contents(certificatePath, "certificate"), try contents(keyPath, "private key"))
    }

    private static func fingerprint(_ files: (certificate: String, key: String)) -> [UInt8] {
        Digest.sha256Bytes(Array(files.certificate.utf8) + [0] + Array(files.key.utf8))
    }

    private static func metadata(_ info: CertificateInfo, _ path: String) -> Logger.Metadata {
        [
            "file": "\(path)", "serial": "\(info.serialNumberHex)", "subject": "\(info.subjectCommonName ?? "")",
            "notAfter": "\(ISO8601DateFormatter().string(from: info.notAfter))", "sha256": "\(info.sha256Fingerprint)",
        ]
    }
}

/// Sleep-until-stopped for the poller thread, with a handshake so ``CertificateReloader/stop()``
/// returns only after the thread has left its loop.
private final class ConditionBox: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false
    private var exited = false

    /// Sleeps for `duration`; false when stopped meanwhile.
    func sleep(for duration: Duration) -> Bool {
        let seconds = duration.inSeconds
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !stopped {
            if !condition.wait(until: deadline) { break }
        }
        return !stopped
    }

    func markExited() {
        condition.lock()
        exited = true
        condition.broadcast()
        condition.unlock()
    }

    func stop(wait: Bool) {
        condition.lock()
        stopped = true
        condition.broadcast()
        while wait && !exited { condition.wait() }
        condition.unlock()
    }
}

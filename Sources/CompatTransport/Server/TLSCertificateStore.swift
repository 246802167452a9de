import CMHDSupport
import Synchronization

/// Why a serving certificate was not installed.
public enum TLSCertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Every certificate slot of the process is taken by running TLS servers.
    case noFreeSlot(limit: Int)
    /// The certificate or key was refused; the previous pair (if any) stays in use.
    case rejected(String)

    public var description: String {
        switch self {
        case .noFreeSlot(let limit):
            return "no free TLS certificate slot: at most \(limit) TLS certificate stores can exist in one process; stop unused servers first"
        case .rejected(let detail):
            return "serving certificate refused: \(detail)"
        }
    }
}

/// The certificate chain and key a TLS ``HTTPSServer`` presents, replaceable while the server runs.
///
/// GnuTLS asks for the pair on every handshake (libmicrohttpd's `MHD_OPTION_HTTPS_CERT_CALLBACK`), so
/// after ``replace(certificatePEM:privateKeyPEM:)`` every new connection gets the new certificate and
/// open connections keep working. A replacement that does not parse, or whose key does not belong to
/// its certificate, is refused and the current pair stays. Create the store before the server and
/// keep it for at least as long.
public final class TLSCertificateStore: Sendable {
    let slot: Int32
    private let currentInfo: Mutex<CertificateInfo>

    /// Installs the first pair. `certificatePEM` may hold a chain, leaf first.
    public init(certificatePEM: String, privateKeyPEM: String) throws(TLSCertificateError) {
        let slot = tls_cert_slot_acquire()
        guard slot >= 0 else { throw .noFreeSlot(limit: Int(TLS_CERT_SLOT_COUNT)) }
        do {
            let info = try Self.install(slot: slot, certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM)
            self.slot = slot
            currentInfo = Mutex(info)
        } catch {
            tls_cert_slot_release(slot)
            throw error
        }
    }

    deinit { tls_cert_slot_release(slot) }

    /// Makes `certificatePEM`/`privateKeyPEM` the pair for new handshakes, or throws and keeps the current one.
    @discardableResult
    public func replace(certificatePEM: String, privateKeyPEM: String) throws(TLSCertificateError) -> CertificateInfo {
        let info = try Self.install(slot: slot, certificatePEM: certificatePEM, privateKeyPEM: privateKeyPEM)
        currentInfo.withLock { $0 = info }
        return info
    }

    /// The leaf certificate new handshakes get.
    public var certificate: CertificateInfo { currentInfo.withLock { $0 } }

    /// How many pairs have been installed (1 after creation).
    public var generation: UInt64 { tls_cert_slot_generation(slot) }

    /// How many handshakes asked for the certificate.
    public var handshakes: UInt64 { tls_cert_slot_handshakes(slot) }

    /// The retrieve function to hand to libmicrohttpd.
    var callback: UnsafeMutableRawPointer? { tls_cert_slot_callback(slot) }

    private static func install(slot: Int32, certificatePEM: String, privateKeyPEM: String) throws(TLSCertificateError) -> CertificateInfo {
        // OpenSSL reads the leaf for logging and metrics; GnuTLS parses the pair it will actually serve
        // and checks that the key belongs to the leaf.
        let info: CertificateInfo
        do {
            info = try CertificateInfo(pem: certificatePEM)
        } catch {
            throw .rejected("the certificate is unreadable: \(error)")
        }
        var message = [CChar](repeating: 0, count: 512)
        let cert = Array(certificatePEM.utf8)
        let key = Array(privateKeyPEM.utf8)
        let rc = cert.withUnsafeBufferPointer { c in
            key.withUnsafeBufferPointer { k in
                c.withMemoryRebound(to: CChar.self) { c in
                    k.withMemoryRebound(to: CChar.self) { k in
                        tls_cert_slot_set_pem(slot, c.baseAddress, c.count, k.baseAddress, k.count, &message, message.count)
                    }
                }
            }
        }
        guard rc == 0 else { throw .rejected(stringFromNulTerminated(message)) }
        return info
    }
}

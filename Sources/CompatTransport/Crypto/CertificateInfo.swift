import COpenSSL
import Foundation

/// What a certificate says, read with OpenSSL: enough to log a reload, export an expiry metric, or
/// check in a test which certificate a server presented.
public struct CertificateInfo: Sendable, Equatable, CustomStringConvertible {
    /// The serial number as lowercase hex without leading zeros.
    public let serialNumberHex: String
    /// Lowercase hex SHA-256 of the DER encoding (what `openssl x509 -fingerprint -sha256` prints, without colons).
    public let sha256Fingerprint: String
    public let subjectCommonName: String?
    public let issuerCommonName: String?
    /// DNS names from the subject alternative name extension, in certificate order.
    public let dnsNames: [String]
    /// IP addresses from the subject alternative name extension, in certificate order.
    public let ipAddresses: [String]
    public let notBefore: Date
    public let notAfter: Date
    /// Whether the basic constraints mark it as a certificate authority.
    public let isCertificateAuthority: Bool

    /// The first certificate in `pem`.
    public init(pem: String) throws(CertificateError) {
        guard let first = try OwnedCertificate.parseAll(pem: pem, what: "the PEM text").first else {
            throw .unreadablePEM("the PEM text holds no certificate")
        }
        self.init(first)
    }

    /// Every certificate in `pem`, in order (a chain is leaf first).
    public static func all(inPEM pem: String) throws(CertificateError) -> [CertificateInfo] {
        try OwnedCertificate.parseAll(pem: pem, what: "the PEM text").map(CertificateInfo.init)
    }

    init(_ certificate: OwnedCertificate) {
        let x = certificate.raw
        serialNumberHex = Self.serialHex(x)
        var md = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        sha256Fingerprint = X509_digest(x, EVP_sha256(), &md, &length) == 1 ? hexString(md.prefix(Int(length))) : ""
        subjectCommonName = Self.commonName(X509_get_subject_name(x))
        issuerCommonName = Self.commonName(X509_get_issuer_name(x))
        (dnsNames, ipAddresses) = Self.subjectAlternativeNames(x)
        notBefore = Self.date(X509_get0_notBefore(x))
        notAfter = Self.date(X509_get0_notAfter(x))
        isCertificateAuthority = X509_check_ca(x) >= 1
        _ = drainOpenSSLErrors()
    }

    public var description: String {
        "CN=\(subjectCommonName ?? "-") serial=\(serialNumberHex) notAfter=\(ISO8601DateFormatter().string(from: notAfter)) "
            + "sha256=\(sha256Fingerprint) SANs=\((dnsNames + ipAddresses).joined(separator: ","))"
    }

    private static func serialHex(_ x: OpaquePointer) -> String {
        guard let bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(x), nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { ossl_free(hex) }
        let text = String(cString: hex).lowercased()
        let trimmed = text.drop { $0 == "0" }
        return trimmed.isEmpty ? "0" : String(trimmed)
    }

    private static func commonName(_ name: OpaquePointer?) -> String? {
        guard let name else { return nil }
        let index = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry) else { return nil }
        return utf8String(data)
    }

    private static func utf8String(_ string: UnsafePointer<ASN1_STRING>) -> String? {
        var out: UnsafeMutablePointer<UInt8>? = nil
        let count = ASN1_STRING_to_UTF8(&out, string)
        guard count >= 0, let out else { return nil }
        defer { ossl_free(out) }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(count)), as: UTF8.self)
    }

    private static func subjectAlternativeNames(_ x: OpaquePointer) -> (dns: [String], ip: [String]) {
        guard let raw = X509_get_ext_d2i(x, NID_subject_alt_name, nil, nil) else { return ([], []) }
        let names = OpaquePointer(raw)
        defer { GENERAL_NAMES_free(names) }
        var dns: [String] = []
        var ip: [String] = []
        for i in 0..<OPENSSL_sk_num(names) {
            guard let element = OPENSSL_sk_value(names, i) else { continue }
            let name = element.assumingMemoryBound(to: GENERAL_NAME.self).pointee
            switch name.type {
            case GEN_DNS:
                if let value = name.d.dNSName, let text = utf8String(value) { dns.append(text) }
            case GEN_IPADD:
                if let value = name.d.iPAddress, let text = ipText(value) { ip.append(text) }
            default:
                continue
            }
        }
        return (dns, ip)
    }

    private static func ipText(_ octets: UnsafePointer<ASN1_STRING>) -> String? {
        guard let data = ASN1_STRING_get0_data(octets) else { return nil }
        let count = Int(ASN1_STRING_length(octets))
        let family: Int32
        switch count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, data, &buffer, socklen_t(buffer.count)) != nil else { return nil }
        return stringFromNulTerminated(buffer)
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else { return Date(timeIntervalSince1970: 0) }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
    }
}

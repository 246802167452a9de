import COpenSSL
import Foundation

/// Why a certificate could not be generated, loaded or issued.
public enum CertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A DNS name, IP address or common name that cannot go into a certificate.
    case invalidName(String)
    /// PEM text that does not hold what it should.
    case unreadablePEM(String)
    /// A private key that does not belong to the certificate it was paired with.
    case keyMismatch(String)
    /// A certificate used to issue others that is not marked as a CA.
    case notACertificateAuthority(String)
    /// OpenSSL failed an operation that should not fail (usually memory or an OpenSSL bug).
    case openSSL(operation: String, detail: String)

    public var description: String {
        switch self {
        case .invalidName(let detail): return "invalid certificate name: \(detail)"
        case .unreadablePEM(let detail): return "unreadable PEM: \(detail)"
        case .keyMismatch(let detail): return "key does not match certificate: \(detail)"
        case .notACertificateAuthority(let detail): return "not a certificate authority: \(detail)"
        case .openSSL(let operation, let detail): return "OpenSSL failed while \(operation): \(detail)"
        }
    }
}

/// A certificate and its private key, both PEM. `certificatePEM` is the leaf alone; serve
/// `chainPEM` when clients only trust the issuing CA and need no intermediates (the usual case).
public struct IssuedCertificate: Sendable, Equatable {
    public let certificatePEM: String
    /// PKCS#8 PEM (`BEGIN PRIVATE KEY`), readable by OpenSSL, GnuTLS and Go.
    public let privateKeyPEM: String
    /// What the certificate says (serial, fingerprint, names, validity).
    public let info: CertificateInfo
}

/// A small ECDSA P-256 certificate authority for webhook serving certificates and test peers.
///
/// The API server verifies a webhook against the `caBundle` of its configuration and the name
/// `<service>.<namespace>.svc`, which must be a SAN (Go rejects Common-Name-only certificates), so
/// serving certificates always carry their names as SANs. ECDSA P-256 handshakes cost about 2.5× less
/// than RSA-2048 (measured in docs/swift-c-libs.md §5.3).
public struct CertificateAuthority: Sendable {
    public let certificatePEM: String
    public let privateKeyPEM: String
    public let info: CertificateInfo
    private let certificate: OwnedCertificate
    private let key: OwnedKey

    /// Ten years, the usual lifetime of a self-managed webhook CA.
    public static let defaultCAValidity: Duration = .seconds(10 * 365 * 86_400)
    /// One year, the usual lifetime of a webhook serving certificate.
    public static let defaultLeafValidity: Duration = .seconds(365 * 86_400)

    /// A new self-signed CA with a fresh P-256 key.
    public static func generate(commonName: String, validity: Duration = defaultCAValidity) throws(CertificateError) -> CertificateAuthority {
        let key = try OwnedKey.generateP256()
        let certificate = try CertificateBuilder.build(
            subjectKey: key, commonName: commonName, issuer: nil, validity: validity,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE"),
                (NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ]
        )
        return try CertificateAuthority(certificate: certificate, key: key)
    }

    /// An existing CA from PEM (for example one kept in a Secret). The first certificate in
    /// `certificatePEM` must be a CA certificate and `privateKeyPEM` its key.
    public init(certificatePEM: String, privateKeyPEM: String) throws(CertificateError) {
        guard let certificate = try OwnedCertificate.parseAll(pem: certificatePEM, what: "the CA certificate").first else {
            throw .unreadablePEM("the CA certificate holds no PEM certificate")
        }
        let key = try OwnedKey.parse(pem: privateKeyPEM, what: "the CA private key")
        guard X509_check_ca(certificate.raw) >= 1 else {
            throw .notACertificateAuthority("the certificate '\(CertificateInfo(certificate).subjectCommonName ?? "")' has no CA:TRUE basic constraint; use a CA certificate to issue others")
        }
        try self.init(certificate: certificate, key: key)
    }

    private init(certificate: OwnedCertificate, key: OwnedKey) throws(CertificateError) {
        guard X509_check_private_key(certificate.raw, key.raw) == 1 else {
            _ = drainOpenSSLErrors()
            throw .keyMismatch("the CA private key does not belong to the CA certificate")
        }
        self.certificate = certificate
        self.key = key
        self.certificatePEM = try certificate.pem()
        self.privateKeyPEM = try key.pem()
        self.info = CertificateInfo(certificate)
    }

    /// A TLS server certificate for `dnsNames` (and optionally IP addresses), all as SANs, with key
    /// usage `digitalSignature` and extended key usage `serverAuth`. The common name is the first DNS
    /// name unless given.
    public func issueServingCertificate(
        dnsNames: [String], ipAddresses: [String] = [], validity: Duration = defaultLeafValidity, commonName: String? = nil
    ) throws(CertificateError) -> IssuedCertificate {
        guard !dnsNames.isEmpty || !ipAddresses.isEmpty else {
            throw .invalidName("a serving certificate needs at least one DNS name or IP address (for a webhook: <service>.<namespace>.svc)")
        }
        var sans: [String] = []
        for name in dnsNames { sans.append("DNS:" + (try Self.checkedDNSName(name))) }
        for address in ipAddresses { sans.append("IP:" + (try Self.checkedIPAddress(address))) }
        return try issue(
            commonName: commonName ?? dnsNames.first ?? ipAddresses[0], organizations: [], validity: validity,
            extensions: [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature"),
                (NID_ext_key_usage, "serverAuth"),
                (NID_subject_alt_name, sans.joined(separator: ",")),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ]
        )
    }

    /// A TLS client certificate (extended key usage `clientAuth`). Kubernetes reads the user from the
    /// common name and the groups from the organizations.
    public func issueClientCertificate(
        commonName: String, organizations: [String] = [], validity: Duration = defaultLeafValidity
    ) throws(CertificateError) -> IssuedCertificate {
        try issue(
            commonName: commonName, organizations: organizations, validity: validity,
            extensions: [
                (NID_basic_constraints, "critical,CA:FALSE"),
                (NID_key_usage, "critical,digitalSignature"),
                (NID_ext_key_usage, "clientAuth"),
                (NID_subject_key_identifier, "hash"),
                (NID_authority_key_identifier, "keyid:always"),
            ]
        )
    }

    private func issue(
        commonName: String, organizations: [String], validity: Duration, extensions: [(Int32, String)]
    ) throws(CertificateError) -> IssuedCertificate {
        let leafKey = try OwnedKey.generateP256()
        let leaf = try CertificateBuilder.build(
            subjectKey: leafKey, commonName: commonName, organizations: organizations,
            issuer: (certificate, key), validity: validity, extensions: extensions
        )
        return IssuedCertificate(certificatePEM: try leaf.pem(), privateKeyPEM: try leafKey.pem(), info: CertificateInfo(leaf))
    }

    /// Letters, digits, '-', '.', and a leading '*.' wildcard label; the SAN configuration syntax
    /// would otherwise let a ',' smuggle in extra names.
    private static func checkedDNSName(_ name: String) throws(CertificateError) -> String {
        let body = name.hasPrefix("*.") ? String(name.dropFirst(2)) : name
        let allowed = body.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2d || $0 == 0x2e }
        guard !body.isEmpty, body.utf8.count <= 253, allowed, !body.hasPrefix("."), !body.hasSuffix("."), !body.contains("..") else {
            throw .invalidName("'\(name)' is not a DNS name (letters, digits, '-' and '.', at most 253 characters, optional leading '*.')")
        }
        return name
    }

    private static func checkedIPAddress(_ address: String) throws(CertificateError) -> String {
        var v4 = in_addr()
        var v6 = in6_addr()
        guard inet_pton(AF_INET, address, &v4) == 1 || inet_pton(AF_INET6, address, &v6) == 1 else {
            throw .invalidName("'\(address)' is not an IPv4 or IPv6 address")
        }
        return address
    }
}

/// Builds and signs X.509 v3 certificates.
private enum CertificateBuilder {
    static func build(
        subjectKey: OwnedKey, commonName: String, organizations: [String] = [],
        issuer: (certificate: OwnedCertificate, key: OwnedKey)?, validity: Duration, extensions: [(Int32, String)]
    ) throws(CertificateError) -> OwnedCertificate {
        guard !commonName.isEmpty, commonName.utf8.count <= 64 else {
            throw .invalidName("common name '\(commonName)' must have 1 to 64 bytes")
        }
        guard let raw = X509_new() else { throw .openSSL(operation: "allocating a certificate", detail: drainOpenSSLErrors()) }
        let certificate = OwnedCertificate(raw)
        func check(_ ok: Bool, _ operation: String) throws(CertificateError) {
            if !ok { throw .openSSL(operation: operation, detail: drainOpenSSLErrors()) }
        }
        try check(X509_set_version(raw, Int(X509_VERSION_3)) == 1, "setting the certificate version")

        var serial = [UInt8](repeating: 0, count: 16)
        try check(RAND_bytes(&serial, 16) == 1, "drawing a random serial number")
        serial[0] = (serial[0] & 0x7f) | 0x10   // positive, and all 16 bytes significant
        let bn = BN_bin2bn(serial, 16, nil)
        defer { BN_free(bn) }
        try check(bn != nil && BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(raw)) != nil, "setting the serial number")

        // Back-dated five minutes so a client whose clock is slightly behind accepts a fresh certificate.
        try check(X509_gmtime_adj(X509_getm_notBefore(raw), -300) != nil, "setting notBefore")
        try check(X509_gmtime_adj(X509_getm_notAfter(raw), Int(validity.components.seconds)) != nil, "setting notAfter")
        try check(X509_set_pubkey(raw, subjectKey.raw) == 1, "setting the public key")

        let name = X509_get_subject_name(raw)
        try check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, commonName, -1, -1, 0) == 1, "setting the common name")
        for organization in organizations {
            try check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, organization, -1, -1, 0) == 1, "setting an organization")
        }
        let issuerCertificate = issuer?.certificate.raw ?? raw
        try check(X509_set_issuer_name(raw, X509_get_subject_name(issuerCertificate)) == 1, "setting the issuer name")

        var context = X509V3_CTX()
        _ = ossl_X509V3_set_ctx_nodb(&context)
        X509V3_set_ctx(&context, issuerCertificate, raw, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                throw .openSSL(operation: "building extension \(stringFromNID(nid)) = \(value)", detail: drainOpenSSLErrors())
            }
            defer { X509_EXTENSION_free(ext) }
            try check(X509_add_ext(raw, ext, -1) == 1, "adding extension \(stringFromNID(nid))")
        }
        try check(X509_sign(raw, issuer?.key.raw ?? subjectKey.raw, EVP_sha256()) > 0, "signing the certificate")
        return certificate
    }

    private static func stringFromNID(_ nid: Int32) -> String {
        guard let name = OBJ_nid2sn(nid) else { return "nid \(nid)" }
        return String(cString: name)
    }
}

import COpenSSL

/// An OpenSSL `EVP_PKEY` owned by Swift. Immutable after creation, so sharing it across threads is
/// safe (OpenSSL 3 key objects are read-only once generated or parsed).
final class OwnedKey: @unchecked Sendable {
    let raw: OpaquePointer

    init(_ raw: OpaquePointer) { self.raw = raw }

    deinit { EVP_PKEY_free(raw) }

    /// A fresh ECDSA key on the NIST P-256 curve.
    static func generateP256() throws(CertificateError) -> OwnedKey {
        guard let raw = ossl_EC_gen("P-256") else {
            throw .openSSL(operation: "generating a P-256 key", detail: drainOpenSSLErrors())
        }
        return OwnedKey(raw)
    }

    /// The first private key in `pem` (PKCS#8, SEC1 EC or PKCS#1 RSA, unencrypted).
    static func parse(pem: String, what: String) throws(CertificateError) -> OwnedKey {
        let parsed: OpaquePointer? = withMemoryBIO(pem) { bio in PEM_read_bio_PrivateKey(bio, nil, nil, nil) }
        guard let parsed else {
            throw .unreadablePEM("\(what) is not an unencrypted PEM private key (\(drainOpenSSLErrors()))")
        }
        return OwnedKey(parsed)
    }

    /// PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), which both OpenSSL and GnuTLS read.
    func pem() throws(CertificateError) -> String {
        try writePEM("writing a private key") { PEM_write_bio_PrivateKey($0, raw, nil, nil, 0, nil, nil) }
    }
}

/// An OpenSSL `X509` owned by Swift; immutable once signed or parsed.
final class OwnedCertificate: @unchecked Sendable {
    let raw: OpaquePointer

    init(_ raw: OpaquePointer) { self.raw = raw }

    deinit { X509_free(raw) }

    /// Every certificate in `pem`, in order. Fails when there is none.
    static func parseAll(pem: String, what: String) throws(CertificateError) -> [OwnedCertificate] {
        let certificates: [OwnedCertificate] = withMemoryBIO(pem) { bio in
            var found: [OwnedCertificate] = []
            while let bio, let x = PEM_read_bio_X509(bio, nil, nil, nil) { found.append(OwnedCertificate(x)) }
            return found
        }
        // The read that ends the loop leaves "no start line" on the error queue; it is not an error here.
        let detail = drainOpenSSLErrors()
        guard !certificates.isEmpty else {
            throw .unreadablePEM("\(what) holds no PEM certificate (\(detail))")
        }
        return certificates
    }

    func pem() throws(CertificateError) -> String {
        try writePEM("writing a certificate") { PEM_write_bio_X509($0, raw) }
    }
}

/// Runs `body` with a read-only memory BIO over the UTF-8 bytes of `text`. `BIO_new_mem_buf` does not
/// copy, so everything read from the BIO must happen inside `body`.
func withMemoryBIO<T>(_ text: String, _ body: (OpaquePointer?) -> T) -> T {
    var bytes = Array(text.utf8)
    if bytes.isEmpty { bytes = [0] }
    return bytes.withUnsafeBytes { buffer in
        let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(clamping: text.utf8.count))
        defer { if let bio { BIO_free(bio) } }
        return body(bio)
    }
}

/// Writes PEM into a memory BIO with `write` and returns the text.
func writePEM(_ operation: String, _ write: (OpaquePointer) -> Int32) throws(CertificateError) -> String {
    guard let bio = BIO_new(BIO_s_mem()) else {
        throw .openSSL(operation: operation, detail: drainOpenSSLErrors())
    }
    defer { BIO_free(bio) }
    guard write(bio) == 1 else { throw .openSSL(operation: operation, detail: drainOpenSSLErrors()) }
    var data: UnsafeMutablePointer<CChar>? = nil
    let count = ossl_BIO_get_mem_data(bio, &data)
    guard let data, count > 0 else { throw .openSSL(operation: operation, detail: "empty PEM output") }
    return String(decoding: UnsafeRawBufferPointer(start: data, count: count), as: UTF8.self)
}

/// Empties OpenSSL's thread-local error queue into one readable line.
func drainOpenSSLErrors() -> String {
    var parts: [String] = []
    while case let code = ERR_get_error(), code != 0 {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        parts.append(stringFromNulTerminated(buffer))
    }
    return parts.isEmpty ? "no detail from OpenSSL" : parts.joined(separator: "; ")
}

/// The text before the first NUL of a C character buffer.
func stringFromNulTerminated(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

import COpenSSL

/// Content digests in the OCI form `sha256:<64 lowercase hex digits>`, computed with OpenSSL's EVP
/// interface. Registries address blobs and manifests by this string, so every byte that comes from a
/// registry is checked against it before use.
public enum Digest {
    /// `sha256:` followed by the lowercase hex SHA-256 of `bytes`.
    public static func sha256<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        "sha256:" + sha256Hex(bytes)
    }

    /// The lowercase hex SHA-256 of `bytes` (64 characters), without the algorithm prefix.
    public static func sha256Hex<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        hexString(sha256Bytes(bytes))
    }

    /// The 32 raw SHA-256 bytes of `bytes`.
    public static func sha256Bytes<Bytes: Collection>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        if let digest = bytes.withContiguousStorageIfAvailable({ evpSHA256(UnsafeRawBufferPointer($0)) }) {
            return digest
        }
        return Array(bytes).withUnsafeBytes { evpSHA256($0) }
    }

    private static func evpSHA256(_ buffer: UnsafeRawBufferPointer) -> [UInt8] {
        var md = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // EVP_Digest only fails on allocation failure inside OpenSSL; an empty result then fails every
        // later comparison instead of matching anything.
        let ok = EVP_Digest(buffer.baseAddress, buffer.count, &md, &length, EVP_sha256(), nil)
        guard ok == 1 else { return [] }
        return Array(md.prefix(Int(length)))
    }
}

/// Lowercase hex of `bytes`.
func hexString<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
    let digits: [UInt8] = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.underestimatedCount * 2)
    for b in bytes {
        out.append(digits[Int(b >> 4)])
        out.append(digits[Int(b & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}

import CZlib

/// Why gzip data cannot be inflated.
public struct GzipError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// gzip (RFC 1952) decompression through zlib.
public enum Gzip {
    /// Whether `bytes` start with the gzip magic number `1f 8b`.
    public static func isGzip<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0x1f && iterator.next() == 0x8b
    }

    /// Default bound on the inflated size: 1 GiB. A few kilobytes of gzip can expand to gigabytes, so
    /// the output is capped instead of trusted.
    public static let defaultMaximumOutput = 1 << 30

    /// Inflates gzip data. Concatenated members (what `cat a.gz b.gz` produces, and what `gzip -d`
    /// accepts) are inflated one after another. zlib checks each member's CRC-32 and length, so a
    /// corrupted or truncated file is an error, never silently short output.
    public static func decompress(_ bytes: [UInt8], maximumOutput: Int = defaultMaximumOutput) throws(GzipError) -> [UInt8] {
        guard isGzip(bytes) else { throw GzipError("not gzip data (the file does not start with 1f 8b)") }
        var stream = z_stream()
        guard czlib_inflate_init_gzip(&stream) == Z_OK else {
            throw GzipError("zlib could not start inflating: \(message(stream))")
        }
        defer { inflateEnd(&stream) }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var consumed = 0
        while true {
            let status: Int32 = bytes.withUnsafeBufferPointer { input in
                chunk.withUnsafeMutableBufferPointer { buffer in
                    // zlib reads the input and writes the chunk only during this call.
                    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + consumed })
                    stream.avail_in = UInt32(clamping: input.count - consumed)
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    let before = stream.avail_in
                    let result = inflate(&stream, Z_NO_FLUSH)
                    consumed += Int(before - stream.avail_in)
                    return result
                }
            }
            let produced = chunk.count - Int(stream.avail_out)
            guard output.count + produced <= maximumOutput else {
                throw GzipError("inflated data exceeds the limit of \(maximumOutput) bytes")
            }
            output += chunk[0..<produced]
            switch status {
            case Z_OK:
                continue  // zlib returns Z_OK only after progress
            case Z_STREAM_END:
                guard consumed < bytes.count else { return output }
                // Another member may follow; anything else after a member's trailer is an error.
                guard isGzip(bytes[consumed...]) else {
                    throw GzipError("\(bytes.count - consumed) bytes of trailing data after the gzip stream")
                }
                guard inflateReset(&stream) == Z_OK else { throw GzipError("zlib could not reset: \(message(stream))") }
            case Z_BUF_ERROR:
                // No progress was possible: the input ended inside a member.
                throw GzipError("the gzip data is truncated")
            default:
                throw GzipError("corrupt gzip data: \(message(stream))")
            }
        }
    }

    private static func message(_ stream: z_stream) -> String {
        stream.msg.map { String(cString: $0) } ?? "no detail from zlib"
    }
}

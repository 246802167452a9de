import CompatTransport
import Foundation
import Testing

@Suite struct GzipTests {
    /// `../shared/data/hpcg-training/` beside the package.
    static let trainingData = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/hpcg-training")

    /// `gzip.compress(b'first member\n', mtime=0)` and `gzip.compress(b'second,member\r\n', mtime=0)` from
    /// Python 3's gzip module.
    static let firstMember: [UInt8] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 75, 203, 44, 42, 46, 81, 200, 77, 205, 77, 74, 45, 226, 2, 0, 167, 244, 133, 10,
        13, 0, 0, 0,
    ]
    static let secondMember: [UInt8] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 43, 78, 77, 206, 207, 75, 209, 201, 77, 205, 77, 74, 45, 226, 229, 2, 0, 193,
        189, 22, 84, 15, 0, 0, 0,
    ]

    @Test func inflatesTheRealStudyCSVToItsHeaderAnd4992DataRows() throws {
        let compressed = Array(try Data(contentsOf: Self.trainingData.appendingPathComponent("features_hpcg_fom.csv.gz")))
        #expect(Gzip.isGzip(compressed))
        let text = try Gzip.decompress(compressed)
        // `zcat features_hpcg_fom.csv.gz | wc -c`, and the size the gzip trailer records (ISIZE).
        #expect(text.count == 850_838)
        let trailerSize = compressed.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect(text.count == trailerSize)
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1 + 4992)
        #expect(lines[0].hasPrefix(",feature.node.kubernetes.io/cpu-hardware_multithreading,"))
        #expect(lines[0].hasSuffix(",y_actual"))
        #expect(lines[1] == "hpc7g.16xlarge.cortex-a72-Og.0.0,false,31,54273,ARM,6.1.134-152.225.amzn2023.aarch64,6,1,134,amzn,2023,2023,cortex-a72,1.0,Og,6530.0,116390.0,79795.0,32.3444")
    }

    @Test func inflatesConcatenatedMembersInOrder() throws {
        #expect(try Gzip.decompress(Self.firstMember) == Array("first member\n".utf8))
        #expect(try Gzip.decompress(Self.firstMember + Self.secondMember) == Array("first member\nsecond,member\r\n".utf8))
    }

    @Test func rejectsTruncatedData() {
        #expect(throws: GzipError.self) { try Gzip.decompress(Array(Self.firstMember.dropLast(3))) }
        #expect(throws: GzipError.self) { try Gzip.decompress(Array(Self.firstMember.prefix(12))) }
    }

    @Test func rejectsACorruptedChecksum() {
        var corrupted = Self.firstMember
        corrupted[corrupted.count - 8] ^= 0xff  // first byte of the CRC-32
        #expect(throws: GzipError.self) { try Gzip.decompress(corrupted) }
    }

    @Test func rejectsDataThatIsNotGzipOrHasTrailingGarbage() {
        #expect(!Gzip.isGzip(Array("a,b\n".utf8)))
        #expect(throws: GzipError("not gzip data (the file does not start with 1f 8b)")) { try Gzip.decompress(Array("a,b\n".utf8)) }
        #expect(throws: GzipError("3 bytes of trailing data after the gzip stream")) { try Gzip.decompress(Self.firstMember + [1, 2, 3]) }
    }

    @Test func stopsAtTheOutputLimit() {
        #expect(throws: GzipError("inflated data exceeds the limit of 5 bytes")) { try Gzip.decompress(Self.firstMember, maximumOutput: 5) }
    }
}

import CompatModels
import Testing

@Suite struct SHA256Tests {
    @Test func matchesTheFIPSTestVectors() {
        #expect(SHA256.hexDigest([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hexDigest(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hexDigest(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func matchesSha256sumOnTheRealTrainingFile() throws {
        let bytes = try TestData.bytes(TestData.shared.appendingPathComponent("data/hpcg-training/features_hpcg_fom.csv.gz"))
        #expect(SHA256.hexDigest(bytes) == "e92611e09ca886c19ac9a34c0673e2662664e25b73ea06d33a1d579ad203f8fa")
    }
}

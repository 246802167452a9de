import CompatTransport
import Testing

@Suite struct DigestTests {
    @Test func sha256OfABCMatchesFIPS180Vector() {
        #expect(Digest.sha256(Array("abc".utf8)) == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func sha256OfEmptyInputMatchesKnownValue() {
        #expect(Digest.sha256([UInt8]()) == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func sha256OfOCIEmptyDescriptorContent() {
        #expect(Digest.sha256(Array("{}".utf8)) == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a")
    }

    @Test func sha256OfTwoBlockMessageMatchesFIPS180Vector() {
        let message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(Digest.sha256Hex(Array(message.utf8)) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func nonContiguousCollectionsHashLikeArrays() {
        let bytes = Array("abc".utf8)
        #expect(Digest.sha256(bytes.reversed().reversed()) == Digest.sha256(bytes))
    }
}

import CompatAdmission
import Testing

@Suite struct Base64Tests {
    /// RFC 4648 §10 test vectors.
    let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func rfc4648VectorsEncode() {
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
        }
    }

    @Test func rfc4648VectorsDecode() throws {
        for (plain, encoded) in vectors {
            #expect(try Base64.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test func everyByteValueRoundTripsUsingTheStandardAlphabet() throws {
        let bytes = (0...255).map { UInt8($0) }
        let encoded = Base64.encode(bytes)
        #expect(encoded.contains("+") && encoded.contains("/"))
        #expect(try Base64.decode(encoded) == bytes)
    }

    @Test func malformedTextIsRejected() {
        #expect(throws: Base64DecodingError.invalidLength(3)) { try Base64.decode("Zm9") }
        #expect(throws: Base64DecodingError.invalidCharacter(offset: 2)) { try Base64.decode("Zm-v") }
        #expect(throws: Base64DecodingError.invalidCharacter(offset: 2)) { try Base64.decode("Zg=aZm9v") }
        #expect(throws: Base64DecodingError.invalidCharacter(offset: 1)) { try Base64.decode("Z===") }
        #expect(throws: Base64DecodingError.nonCanonicalPadding) { try Base64.decode("Zh==") }
    }
}

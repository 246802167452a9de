import CompatCore
import CompatRegistry
import Testing

@Suite struct ImageReferenceTests {
    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    struct Case: Sendable, CustomTestStringConvertible {
        let text: String
        let registry: String
        let repository: String
        let tag: String?
        let digest: String?
        var testDescription: String { text }
    }

    static let valid: [Case] = [
        Case(text: "ubuntu", registry: "docker.io", repository: "library/ubuntu", tag: "latest", digest: nil),
        Case(text: "ubuntu:22.04", registry: "docker.io", repository: "library/ubuntu", tag: "22.04", digest: nil),
        Case(text: "rse-ops/lammps-matrix:mpich-ubuntu-22.04-amd64", registry: "docker.io", repository: "rse-ops/lammps-matrix", tag: "mpich-ubuntu-22.04-amd64", digest: nil),
        Case(text: "ghcr.io/rse-ops/lammps-matrix:openmpi-ubuntu-gpu-22.04-arm64-compspec", registry: "ghcr.io", repository: "rse-ops/lammps-matrix", tag: "openmpi-ubuntu-gpu-22.04-arm64-compspec", digest: nil),
        Case(text: "localhost:5000/x", registry: "localhost:5000", repository: "x", tag: "latest", digest: nil),
        Case(text: "localhost/x:v1", registry: "localhost", repository: "x", tag: "v1", digest: nil),
        Case(text: "127.0.0.1:5000/a/b/c:t", registry: "127.0.0.1:5000", repository: "a/b/c", tag: "t", digest: nil),
        Case(text: "registry.example.com:443/team/app@\(digest)", registry: "registry.example.com:443", repository: "team/app", tag: nil, digest: digest),
        Case(text: "ghcr.io/org/app:1.0@\(digest)", registry: "ghcr.io", repository: "org/app", tag: "1.0", digest: digest),
        Case(text: "[::1]:5000/app:dev", registry: "[::1]:5000", repository: "app", tag: "dev", digest: nil),
        Case(text: "index.docker.io/library/busybox", registry: "docker.io", repository: "library/busybox", tag: "latest", digest: nil),
        Case(text: "Quay.IO/org/app", registry: "quay.io", repository: "org/app", tag: "latest", digest: nil),
        // Docker's grammar: a single component is a Docker Hub repository even when it looks like a host.
        Case(text: "localhost:5000", registry: "docker.io", repository: "library/localhost", tag: "5000", digest: nil),
        Case(text: "example.com/a__b/c-d/e.f/g---h", registry: "example.com", repository: "a__b/c-d/e.f/g---h", tag: "latest", digest: nil),
    ]

    @Test(arguments: valid)
    func parsesValidReference(_ c: Case) throws {
        let reference = try ImageReference.parse(c.text)
        #expect(reference.registry == c.registry)
        #expect(reference.repository == c.repository)
        #expect(reference.tag == c.tag)
        #expect(reference.digest == c.digest)
    }

    @Test func canonicalFormRoundTrips() throws {
        for c in Self.valid {
            let reference = try ImageReference.parse(c.text)
            #expect(try ImageReference.parse(reference.description) == reference)
        }
        #expect(try ImageReference.parse("ubuntu").description == "docker.io/library/ubuntu:latest")
    }

    @Test func digestTakesPrecedenceForFetching() throws {
        let reference = try ImageReference.parse("ghcr.io/org/app:1.0@\(Self.digest)")
        #expect(reference.manifestReference == Self.digest)
        #expect(try ImageReference.parse("ghcr.io/org/app").manifestReference == "latest")
    }

    @Test func dockerHubAPIHostIsRegistryOne() throws {
        #expect(try ImageReference.parse("ubuntu").apiHost == "registry-1.docker.io")
        #expect(try ImageReference.parse("localhost:5000/x").apiHost == "localhost:5000")
    }

    static let invalid: [(String, String)] = [
        ("", "empty"),
        ("Ubuntu", "lowercase"),
        ("ghcr.io/Org/app", "lowercase"),
        ("ghcr.io/org/app:", "tag ''"),
        ("ghcr.io/org/app:-bad", "tag '-bad'"),
        ("ghcr.io/org/app@sha256:abc", "64 lowercase hex"),
        ("ghcr.io/org/app@sha256:" + String(repeating: "AB", count: 32), "64 lowercase hex"),
        ("ghcr.io/org/app@md5:" + String(repeating: "a", count: 32), "not supported"),
        ("ghcr.io//app", "empty path component"),
        ("ghcr.io/org/app/", "empty path component"),
        ("localhost:99999/x", "port"),
        ("a:b:c", "repository component 'a:b'"),
        ("ghcr.io/org/a..b", "repository component 'a..b'"),
        ("ghcr.io/org/app tag", "whitespace"),
        ("ghcr.io/", "empty path component"),
        ("[::1/x", "unclosed"),
        ("-bad.example/x", "host"),
    ]

    @Test(arguments: invalid)
    func rejectsMalformedReference(_ text: String, _ expectedFragment: String) {
        #expect {
            try ImageReference.parse(text)
        } throws: { error in
            guard let error = error as? ImageReferenceError else { return false }
            return error.reference == text && error.description.contains(expectedFragment)
        }
    }
}

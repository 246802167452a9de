import CompatRegistry
import CompatTransport
import Foundation
import Testing

@Suite struct RegistryCredentialsTests {
    @Test func dockerConfigAuthsDecodeBothForms() throws {
        let auth = Data("robot:p@ss:word".utf8).base64EncodedString()
        let json = """
        {"auths":{"https://index.docker.io/v1/":{"auth":"\(auth)"},
                  "ghcr.io":{"username":"me","password":"token"},
                  "quay.io":{"auth":""}},
         "credsStore":"desktop"}
        """
        let credentials = try RegistryCredentials.dockerConfig(Array(json.utf8), source: "config.json")
        #expect(credentials.credentials(for: "docker.io") == BasicCredentials(username: "robot", password: "p@ss:word"))
        #expect(credentials.credentials(for: "GHCR.io") == BasicCredentials(username: "me", password: "token"))
        #expect(credentials.credentials(for: "quay.io") == nil)
        #expect(credentials.registries == ["docker.io", "ghcr.io"])
    }

    @Test func brokenAuthIsAnErrorNamingTheEntry() {
        let json = #"{"auths":{"ghcr.io":{"auth":"bm8gY29sb24="}}}"#
        #expect {
            try RegistryCredentials.dockerConfig(Array(json.utf8), source: "/secret/.dockerconfigjson")
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.kind == .credentials && error.subject == "/secret/.dockerconfigjson" && error.detail.contains("auths.ghcr.io.auth")
        }
    }

    @Test func basicAuthSecretDirectoryIsRead() throws {
        let directory = NSTemporaryDirectory() + "compat-creds-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data("puller\n".utf8).write(to: URL(fileURLWithPath: directory + "/username"))
        try Data("pw".utf8).write(to: URL(fileURLWithPath: directory + "/password"))

        let credentials = try RegistryCredentials.basicAuthDirectory(directory, registry: "registry.example.com:5000")
        #expect(credentials.credentials(for: "registry.example.com:5000") == BasicCredentials(username: "puller", password: "pw"))
    }

    @Test func environmentReadsTheAuthFileAndTheExplicitTriple() throws {
        let file = NSTemporaryDirectory() + "compat-auth-\(UUID().uuidString).json"
        try Data(#"{"auths":{"ghcr.io":{"username":"a","password":"b"}}}"#.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }

        let credentials = try RegistryCredentials.fromEnvironment([
            "REGISTRY_AUTH_FILE": file, "COMPAT_REGISTRY_HOST": "localhost:5000",
            "COMPAT_REGISTRY_USERNAME": "u", "COMPAT_REGISTRY_PASSWORD": "p",
        ])
        #expect(credentials.credentials(for: "ghcr.io") == BasicCredentials(username: "a", password: "b"))
        #expect(credentials.credentials(for: "localhost:5000") == BasicCredentials(username: "u", password: "p"))
        #expect(try RegistryCredentials.fromEnvironment([:]) == .none)
        #expect(throws: RegistryError.self) { try RegistryCredentials.fromEnvironment(["COMPAT_REGISTRY_USERNAME": "u"]) }
    }
}

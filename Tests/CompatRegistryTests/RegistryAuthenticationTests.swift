import CompatRegistry
import CompatTransport
import Foundation
import Testing

/// The registry authentication dance: Bearer challenges answered from the token realm, Basic with
/// configured credentials, tokens reused while valid.
@Suite struct RegistryAuthenticationTests {
    func registryClient(_ fake: FakeRegistry, credentials: RegistryCredentials = .none) -> RegistryClient {
        RegistryClient(configuration: .init(insecureRegistries: [fake.host], credentials: credentials), logger: quietLogger)
    }

    @Test func anonymousBearerTokenIsFetchedOnceAndReused() throws {
        let fake = try FakeRegistry(guard: .bearer(tokenServerCredentials: nil))
        defer { fake.stop() }
        let client = registryClient(fake)

        let first = try client.pullArtifact(try fake.reference())
        let second = try client.pullArtifact(try fake.reference())
        #expect(first.bytes == fake.layerBytes)
        #expect(second.bytes == fake.layerBytes)
        #expect(fake.tokenServerSaw.all == ["service=fake-registry&scope=repository:hpc/app:pull|"])
        let seen = fake.registrySaw.all
        #expect(seen.first == "")
        #expect(seen.dropFirst().allSatisfy { $0.hasPrefix("Bearer token-") })
        #expect(seen.count == 5)   // challenge, then manifest+blob twice with the cached token
    }

    @Test func credentialsGoToTheTokenRealmOfTheirRegistry() throws {
        let login = BasicCredentials(username: "robot", password: "s3cret")
        let fake = try FakeRegistry(guard: .bearer(tokenServerCredentials: login))
        defer { fake.stop() }

        let pulled = try registryClient(fake, credentials: RegistryCredentials([fake.host: login])).pullArtifact(try fake.reference())
        #expect(pulled.bytes == fake.layerBytes)
        #expect(fake.tokenServerSaw.all.map { $0.split(separator: "|").last.map(String.init) } == [FakeRegistry.basicHeader(login)])
        #expect(!fake.registrySaw.all.contains { $0.hasPrefix("Basic") })
    }

    @Test func credentialsForAnotherRegistryAreNotSent() throws {
        let fake = try FakeRegistry(guard: .bearer(tokenServerCredentials: BasicCredentials(username: "robot", password: "s3cret")))
        defer { fake.stop() }
        let elsewhere = RegistryCredentials(["ghcr.io": BasicCredentials(username: "robot", password: "s3cret")])

        #expect {
            try registryClient(fake, credentials: elsewhere).pullArtifact(try fake.reference())
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.kind == .unauthorized && error.detail.contains("anonymous access")
        }
        #expect(fake.tokenServerSaw.all.allSatisfy { $0.hasSuffix("|") })
    }

    @Test func wrongPasswordIsAnUnauthorizedError() throws {
        let fake = try FakeRegistry(guard: .bearer(tokenServerCredentials: BasicCredentials(username: "robot", password: "right")))
        defer { fake.stop() }
        let wrong = RegistryCredentials([fake.host: BasicCredentials(username: "robot", password: "wrong")])
        #expect {
            try registryClient(fake, credentials: wrong).pullArtifact(try fake.reference())
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.kind == .unauthorized && error.detail.contains("refused the credentials for \(fake.host)")
        }
    }

    @Test func basicChallengeIsAnsweredWithConfiguredCredentials() throws {
        let login = BasicCredentials(username: "puller", password: "pw")
        let fake = try FakeRegistry(guard: .basic(login))
        defer { fake.stop() }

        #expect(try registryClient(fake, credentials: RegistryCredentials([fake.host: login])).pullArtifact(try fake.reference()).bytes == fake.layerBytes)
        #expect {
            try registryClient(fake).pullArtifact(try fake.reference())
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.kind == .unauthorized && error.detail.contains("no credentials are configured for \(fake.host)")
        }
    }
}

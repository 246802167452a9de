import CompatCore
import CompatRegistry
import CompatTransport
import Foundation
import Testing

/// The admission-path cache: fresh hits, stale service during outages, allowlist, bounds.
@Suite struct ArtifactCacheTests {
    @Test func registryOutageServesTheLastVerifiedArtifactAndSaysSo() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let spec = try shippedCompspec()
        try pushCompspec(spec, to: registry, tag: "cached")
        let reference = try ImageReference.parse("\(registry.host)/rse-ops/lammps-matrix:cached")
        // A zero TTL makes every tag lookup go to the registry first.
        let cache = ArtifactCache(client: client(for: registry, timeout: .seconds(2)), configuration: .init(tagTTL: .zero), logger: quietLogger)

        let first = try cache.artifact(for: reference)
        #expect(first.source == .registry)
        registry.kill()
        let during = try cache.artifact(for: reference)

        #expect(during.artifact.bytes == spec)
        #expect(during.isStale)
        guard case .staleCache(let error) = during.source else {
            Issue.record("expected a stale result, got \(during.source)")
            return
        }
        #expect(error.kind == .transport(.connectionRefused))
    }

    @Test func freshTagIsServedWithoutAskingTheRegistry() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        try pushCompspec(try shippedCompspec(), to: registry, tag: "fresh")
        let reference = try ImageReference.parse("\(registry.host)/rse-ops/lammps-matrix:fresh")
        let cache = ArtifactCache(client: client(for: registry), logger: quietLogger)

        #expect(try cache.artifact(for: reference).source == .registry)
        registry.kill()
        #expect(try cache.artifact(for: reference).source == .cache)
    }

    @Test func digestReferencesAreServedFromCacheForever() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let pushed = try pushCompspec(try shippedCompspec(), to: registry, tag: "pinned")
        let cache = ArtifactCache(client: client(for: registry), configuration: .init(tagTTL: .zero), logger: quietLogger)
        let reference = pushed.reference

        #expect(try cache.artifact(for: reference).source == .registry)
        registry.kill()
        #expect(try cache.artifact(for: reference).source == .cache)
    }

    @Test func uncachedReferenceDuringOutageFails() throws {
        let port = try freeLoopbackPort()
        let host = "127.0.0.1:\(port)"
        let cache = ArtifactCache(
            client: RegistryClient(configuration: .init(insecureRegistries: [host]), logger: quietLogger), logger: quietLogger
        )
        #expect {
            try cache.artifact(for: try ImageReference.parse("\(host)/a/b:c"))
        } throws: { error in
            (error as? RegistryError)?.kind == .transport(.connectionRefused)
        }
    }

    @Test func registryOffTheAllowlistIsRefusedWithoutTraffic() throws {
        let fake = try FakeRegistry(guard: .bearer(tokenServerCredentials: nil))
        defer { fake.stop() }
        let client = RegistryClient(
            configuration: .init(allowedRegistries: ["ghcr.io/rse-ops", "registry.example.com"], insecureRegistries: [fake.host]), logger: quietLogger
        )
        let cache = ArtifactCache(client: client, logger: quietLogger)

        #expect {
            try cache.artifact(for: try fake.reference())
        } throws: { error in
            guard let error = error as? RegistryError else { return false }
            return error.kind == .notAllowed && error.detail.contains("not on the allowlist")
        }
        #expect(throws: RegistryError.self) { try client.referrers(of: try fake.reference()) }
        #expect(fake.registrySaw.all.isEmpty)
        #expect(fake.tokenServerSaw.all.isEmpty)
    }

    @Test func allowlistEntriesMatchRegistriesAndRepositoryPrefixes() throws {
        let client = RegistryClient(configuration: .init(allowedRegistries: ["ghcr.io/rse-ops", "localhost:5000"]), logger: quietLogger)
        try client.checkAllowed(try ImageReference.parse("ghcr.io/rse-ops/lammps-matrix:x"))
        try client.checkAllowed(try ImageReference.parse("localhost:5000/any/thing"))
        #expect(throws: RegistryError.self) { try client.checkAllowed(try ImageReference.parse("ghcr.io/rse-opsx/app")) }
        #expect(throws: RegistryError.self) { try client.checkAllowed(try ImageReference.parse("ghcr.io/other/app")) }
        #expect(throws: RegistryError.self) { try client.checkAllowed(try ImageReference.parse("ubuntu")) }
    }

    @Test func leastRecentlyUsedEntriesAreEvictedBeyondTheBound() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let tags = ["mpich-ubuntu-22.04-amd64", "openmpi-rocky-gpu-9-arm64", "intel-mpi-rocky-8-amd64"]
        for tag in tags { try pushCompspec(try shippedCompspec(tag), to: registry, tag: tag) }
        let cache = ArtifactCache(client: client(for: registry), configuration: .init(maxEntries: 2), logger: quietLogger)
        let references = try tags.map { try ImageReference.parse("\(registry.host)/rse-ops/lammps-matrix:\($0)") }

        _ = try cache.artifact(for: references[0])
        _ = try cache.artifact(for: references[1])
        _ = try cache.artifact(for: references[0])   // touch: references[1] is now the oldest
        _ = try cache.artifact(for: references[2])
        #expect(cache.usage.entries == 2)
        registry.kill()

        #expect(try cache.artifact(for: references[0]).source == .cache)
        #expect(try cache.artifact(for: references[2]).source == .cache)
        #expect(throws: RegistryError.self) { try cache.artifact(for: references[1]) }
    }

    @Test func fetchTimeoutBoundsASilentRegistry() throws {
        let port = try freeLoopbackPort()
        let listener = try SilentLoopbackListener(port: port)
        defer { listener.close() }
        let host = "127.0.0.1:\(port)"
        let client = RegistryClient(configuration: .init(insecureRegistries: [host], fetchTimeout: .seconds(1)), logger: quietLogger)

        #expect {
            try client.pullArtifact(try ImageReference.parse("\(host)/silent/registry:v1"))
        } throws: { error in
            (error as? RegistryError)?.kind == .transport(.timeout)
        }
    }

    /// The registry stops answering (a listener on its port that accepts nothing): the cached artifact is
    /// served as stale once the fetch timeout passes, so an admission still completes within its budget.
    @Test func silentRegistryServesTheCachedArtifactAfterTheFetchTimeout() throws {
        let registry = try RegistryProcess()
        defer { registry.stop() }
        let spec = try shippedCompspec()
        try pushCompspec(spec, to: registry, tag: "slow")
        let reference = try ImageReference.parse("\(registry.host)/rse-ops/lammps-matrix:slow")
        let cache = ArtifactCache(client: client(for: registry, timeout: .seconds(1)), configuration: .init(tagTTL: .zero), logger: quietLogger)
        #expect(try cache.artifact(for: reference).source == .registry)

        registry.kill()
        let listener = try SilentLoopbackListener(port: registry.port)
        defer { listener.close() }
        let during = try cache.artifact(for: reference)
        #expect(during.artifact.bytes == spec)
        guard case .staleCache(let error) = during.source else {
            Issue.record("expected a stale result, got \(during.source)")
            return
        }
        #expect(error.kind == .transport(.timeout))
    }
}

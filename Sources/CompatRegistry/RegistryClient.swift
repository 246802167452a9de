import CompatCore
import CompatTransport
import Foundation
import Logging
import Synchronization

/// An OCI distribution client over ``CurlClient``: pull manifests and blobs (always verified against
/// their SHA-256 digests before use), discover referrers, and push ORAS-compatible artifacts.
///
/// Every operation checks the allowlist before any network traffic and runs under one deadline
/// (``Configuration/fetchTimeout`` for reads, ``Configuration/pushTimeout`` for pushes) shared by all its
/// requests, token requests included. Calls block the calling thread.
public final class RegistryClient: Sendable {
    public struct Configuration: Sendable {
        /// Registries, or `registry/repository-prefix` entries, that may be contacted; nil allows any.
        public var allowedRegistries: [String]?
        /// Registries reached over plain HTTP (`host:port` as in references). Everything else is HTTPS.
        public var insecureRegistries: Set<String>
        public var credentials: RegistryCredentials
        /// Deadline for one pull, resolve or referrers lookup: well under the API server's admission
        /// timeout (10 s by default), so a slow registry cannot make the webhook miss its answer.
        public var fetchTimeout: Duration
        public var pushTimeout: Duration
        public var trust: CurlClient.TrustRoots
        public var maxManifestBytes: Int
        public var maxBlobBytes: Int
        public var userAgent: String

        public init(
            allowedRegistries: [String]? = nil, insecureRegistries: Set<String> = [], credentials: RegistryCredentials = .none,
            fetchTimeout: Duration = .seconds(2), pushTimeout: Duration = .seconds(60), trust: CurlClient.TrustRoots = .system,
            maxManifestBytes: Int = 4 << 20, maxBlobBytes: Int = 16 << 20, userAgent: String = "compat"
        ) {
            self.allowedRegistries = allowedRegistries
            self.insecureRegistries = insecureRegistries
            self.credentials = credentials
            self.fetchTimeout = fetchTimeout
            self.pushTimeout = pushTimeout
            self.trust = trust
            self.maxManifestBytes = maxManifestBytes
            self.maxBlobBytes = maxBlobBytes
            self.userAgent = userAgent
        }
    }

    public let configuration: Configuration
    let logger: Logger
    private let http: CurlClient
    private let tokens = Mutex<[String: CachedToken]>([:])

    private struct CachedToken {
        let value: String
        let expires: ContinuousClock.Instant
    }

    public init(configuration: Configuration = Configuration(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        http = CurlClient(
            configuration: .init(trust: configuration.trust, connectTimeout: configuration.fetchTimeout, userAgent: configuration.userAgent),
            logger: logger
        )
    }

    // MARK: - Allowlist

    /// Throws ``RegistryError/Kind/notAllowed`` unless the allowlist admits `reference`.
    public func checkAllowed(_ reference: ImageReference) throws(RegistryError) {
        guard let allowed = configuration.allowedRegistries else { return }
        let name = reference.name
        for entry in allowed {
            let prefix = entry.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            if reference.registry == prefix || name == prefix || name.hasPrefix(prefix + "/") { return }
        }
        throw RegistryError(
            .notAllowed, reference.description,
            "registry '\(reference.registry)' is not on the allowlist (\(allowed.joined(separator: ", "))); nothing was fetched. "
                + "Add it to the allowed registries or reference an allowed mirror"
        )
    }

    // MARK: - Reading

    /// The manifest or index at `reference`, verified: by digest it must hash to that digest, by tag it
    /// must hash to the registry's `Docker-Content-Digest` when one is sent.
    public func fetchManifest(_ reference: ImageReference) throws(RegistryError) -> FetchedManifest {
        try checkAllowed(reference)
        return try fetchManifest(reference, Operation(reference, timeout: configuration.fetchTimeout, actions: "pull"))
    }

    /// The descriptor (digest, media type, size) of the manifest at `reference`, from a HEAD request.
    public func resolve(_ reference: ImageReference) throws(RegistryError) -> OCIDescriptor {
        try checkAllowed(reference)
        return try resolve(reference, Operation(reference, timeout: configuration.fetchTimeout, actions: "pull"))
    }

    /// The blob `descriptor` names, from `reference`'s repository, verified by size and SHA-256.
    public func fetchBlob(_ reference: ImageReference, descriptor: OCIDescriptor) throws(RegistryError) -> [UInt8] {
        try checkAllowed(reference)
        return try fetchBlob(reference, descriptor, Operation(reference, timeout: configuration.fetchTimeout, actions: "pull"))
    }

    /// Pulls a compatibility artifact: its manifest, then the first layer whose media type is in
    /// `acceptedLayerTypes` (in that order of preference), verified. An index is followed to the entry
    /// for `platform`, else to its compatibility artifact entry, else to its only entry.
    public func pullArtifact(
        _ reference: ImageReference, acceptedLayerTypes: [String] = CompatibilityMediaType.layerPreference, platform: OCIPlatform? = nil
    ) throws(RegistryError) -> PulledArtifact {
        try checkAllowed(reference)
        let operation = Operation(reference, timeout: configuration.fetchTimeout, actions: "pull")
        var fetched = try fetchManifest(reference, operation)
        if case .index(let index) = fetched.document {
            let entry = try Self.indexEntry(index, platform: platform, reference: reference)
            fetched = try fetchManifest(reference.pinned(to: entry.digest), operation)
        }
        guard case .manifest(let manifest) = fetched.document else {
            throw RegistryError(.malformedDocument, reference.description, "an index entry points at another index; reference the artifact manifest directly")
        }
        guard let layer = Self.selectLayer(manifest, accepted: acceptedLayerTypes) else {
            let found = manifest.layers.map(\.mediaType)
            throw RegistryError(
                .noMatchingLayer, reference.description,
                "the manifest has no layer of an accepted media type (layers: \(found.isEmpty ? "none" : found.joined(separator: ", ")); "
                    + "accepted: \(acceptedLayerTypes.joined(separator: ", "))). Push the artifact with one of the accepted layer media types"
            )
        }
        let bytes = try fetchBlob(reference, layer, operation)
        logger.debug("artifact pulled", metadata: [
            "reference": "\(reference)", "manifest": "\(fetched.descriptor.digest)", "layer": "\(layer.digest)", "mediaType": "\(layer.mediaType)",
        ])
        return PulledArtifact(reference: reference, manifestDigest: fetched.descriptor.digest, manifest: manifest, layer: layer, bytes: bytes)
    }

    /// The layer to read: the first accepted media type (by preference) that some layer has.
    public static func selectLayer(_ manifest: OCIManifest, accepted: [String]) -> OCIDescriptor? {
        for wanted in accepted.map(OCIMediaType.essence) {
            if let layer = manifest.layers.first(where: { OCIMediaType.essence($0.mediaType) == wanted }) { return layer }
        }
        return nil
    }

    private static func indexEntry(_ index: OCIIndex, platform: OCIPlatform?, reference: ImageReference) throws(RegistryError) -> OCIDescriptor {
        if let platform {
            let match = index.manifests.first {
                $0.platform?.os == platform.os && $0.platform?.architecture == platform.architecture
                    && (platform.variant == nil || $0.platform?.variant == platform.variant)
            }
            guard let match else {
                let available = index.manifests.compactMap { $0.platform.map { "\($0.os)/\($0.architecture)" + ($0.variant.map { "/\($0)" } ?? "") } }
                throw RegistryError(.notFound, reference.description, "the index has no manifest for \(platform.os)/\(platform.architecture) (available: \(available.joined(separator: ", ")))")
            }
            return match
        }
        let artifactTypes = Set(CompatibilityMediaType.artifactTypes.map(OCIMediaType.essence))
        if let artifact = index.manifests.first(where: { $0.artifactType.map { artifactTypes.contains(OCIMediaType.essence($0)) } ?? false }) {
            return artifact
        }
        guard index.manifests.count == 1, let only = index.manifests.first else {
            throw RegistryError(
                .noMatchingLayer, reference.description,
                "the reference is an image index with \(index.manifests.count) manifests and no compatibility artifact entry; reference the artifact manifest or pass a platform"
            )
        }
        return only
    }

    // MARK: - Referrers

    /// Artifacts that refer to `reference` (its `subject`), optionally only of `artifactType`: the
    /// referrers API, and when the registry lacks it (404/405, as docker-registry 2.8) the referrers tag
    /// `sha256-<hex>`. A tag reference is resolved to its digest first.
    public func referrers(of reference: ImageReference, artifactType: String? = nil) throws(RegistryError) -> [OCIDescriptor] {
        try checkAllowed(reference)
        let operation = Operation(reference, timeout: configuration.fetchTimeout, actions: "pull")
        let subjectDigest: String
        if let digest = reference.digest { subjectDigest = digest } else { subjectDigest = try resolve(reference, operation).digest }
        var url = baseURL(reference) + "/referrers/" + subjectDigest
        if let artifactType { url += "?artifactType=" + queryEncoded(artifactType) }
        let response = try exchange(operation, method: "GET", url: url, headers: ["Accept": OCIMediaType.imageIndex], maxBytes: configuration.maxManifestBytes)
        let descriptors: [OCIDescriptor]
        switch response.status {
        case 200:
            let document = try decodeDocument(response, reference)
            guard case .index(let index) = document else {
                throw RegistryError(.malformedDocument, url, "the referrers API returned a manifest instead of an image index")
            }
            let filtered = response.headers["OCI-Filters-Applied"]?.contains("artifactType") ?? false
            descriptors = filtered ? index.manifests : index.manifests.filter { Self.matches($0, artifactType) }
        case 404, 405:
            descriptors = try referrersFromTag(reference, subjectDigest: subjectDigest, operation).filter { Self.matches($0, artifactType) }
        default:
            throw unexpected(response, url, "listing referrers")
        }
        return descriptors
    }

    /// The newest referrer of `artifactType` by its `org.opencontainers.image.created` annotation
    /// (missing or unparsable dates count as oldest; ties go to the larger digest, so the choice is
    /// deterministic), or nil when there is none.
    public func newestReferrer(of reference: ImageReference, artifactType: String) throws(RegistryError) -> OCIDescriptor? {
        Self.newest(try referrers(of: reference, artifactType: artifactType))
    }

    public static func newest(_ descriptors: [OCIDescriptor]) -> OCIDescriptor? {
        descriptors.max { a, b in
            let (da, db) = (a.created ?? .distantPast, b.created ?? .distantPast)
            return da != db ? da < db : a.digest < b.digest
        }
    }

    private static func matches(_ descriptor: OCIDescriptor, _ artifactType: String?) -> Bool {
        guard let artifactType else { return true }
        return descriptor.artifactType.map(OCIMediaType.essence) == OCIMediaType.essence(artifactType)
    }

    private func referrersFromTag(_ reference: ImageReference, subjectDigest: String, _ operation: Operation) throws(RegistryError) -> [OCIDescriptor] {
        let tagReference = reference.tagged(Self.referrersTag(for: subjectDigest))
        let fetched: FetchedManifest
        do {
            fetched = try fetchManifest(tagReference, operation)
        } catch where error.kind == .notFound {
            return []
        }
        guard case .index(let index) = fetched.document else {
            throw RegistryError(.malformedDocument, tagReference.description, "the referrers tag holds a manifest instead of an image index")
        }
        return index.manifests
    }

    /// `sha256:<hex>` → `sha256-<hex>` (the OCI referrers tag schema).
    public static func referrersTag(for digest: String) -> String {
        digest.replacingOccurrences(of: ":", with: "-")
    }

    // MARK: - Internals shared with pushing

    struct Operation {
        let reference: ImageReference
        let deadline: ContinuousClock.Instant
        let timeout: Duration
        /// Token scope actions: `pull` or `pull,push`.
        let actions: String

        init(_ reference: ImageReference, timeout: Duration, actions: String) {
            self.reference = reference
            self.timeout = timeout
            self.deadline = ContinuousClock.now + timeout
            self.actions = actions
        }
    }

    func baseURL(_ reference: ImageReference) -> String {
        let scheme = configuration.insecureRegistries.contains(reference.registry) ? "http" : "https"
        return "\(scheme)://\(reference.apiHost)/v2/\(reference.repository)"
    }

    func fetchManifest(_ reference: ImageReference, _ operation: Operation) throws(RegistryError) -> FetchedManifest {
        let url = baseURL(reference) + "/manifests/" + reference.manifestReference
        let response = try exchange(operation, method: "GET", url: url, headers: ["Accept": OCIMediaType.manifestAccept], maxBytes: configuration.maxManifestBytes)
        guard response.status == 200 else {
            if response.status == 404 {
                throw RegistryError(.notFound, reference.description, "manifest not found (\(registryMessage(response))); check the tag or digest and the repository name")
            }
            throw unexpected(response, url, "fetching the manifest")
        }
        let digest = Digest.sha256(response.body)
        if let expected = reference.digest, expected != digest {
            throw RegistryError(.digestMismatch, reference.description, "the manifest hashes to \(digest), not to the requested digest; it was not used")
        }
        if let announced = response.headers["Docker-Content-Digest"], announced.hasPrefix("sha256:"), announced != digest {
            throw RegistryError(.digestMismatch, reference.description, "the registry announced \(announced) but the manifest hashes to \(digest); it was not used")
        }
        let document = try decodeDocument(response, reference)
        let mediaType: String
        switch document {
        case .manifest(let m): mediaType = m.mediaType ?? OCIMediaType.essence(response.headers["Content-Type"] ?? OCIMediaType.imageManifest)
        case .index(let i): mediaType = i.mediaType ?? OCIMediaType.essence(response.headers["Content-Type"] ?? OCIMediaType.imageIndex)
        }
        let descriptor = OCIDescriptor(mediaType: mediaType, digest: digest, size: response.body.count)
        return FetchedManifest(reference: reference.pinned(to: digest), descriptor: descriptor, bytes: response.body, document: document)
    }

    func resolve(_ reference: ImageReference, _ operation: Operation) throws(RegistryError) -> OCIDescriptor {
        let url = baseURL(reference) + "/manifests/" + reference.manifestReference
        let response = try exchange(operation, method: "HEAD", url: url, headers: ["Accept": OCIMediaType.manifestAccept], maxBytes: 0)
        switch response.status {
        case 200:
            if let digest = response.headers["Docker-Content-Digest"], ImageReference.digestProblem(digest) == nil,
               let size = response.headers["Content-Length"].flatMap({ Int($0) }),
               reference.digest == nil || reference.digest == digest {
                let mediaType = OCIMediaType.essence(response.headers["Content-Type"] ?? OCIMediaType.imageManifest)
                return OCIDescriptor(mediaType: mediaType, digest: digest, size: size)
            }
            // No usable digest header: fetch and hash the manifest instead.
            return try fetchManifest(reference, operation).descriptor
        case 404:
            throw RegistryError(.notFound, reference.description, "manifest not found; check the tag or digest and the repository name")
        default:
            throw unexpected(response, url, "resolving the manifest")
        }
    }

    func fetchBlob(_ reference: ImageReference, _ descriptor: OCIDescriptor, _ operation: Operation) throws(RegistryError) -> [UInt8] {
        guard descriptor.size <= configuration.maxBlobBytes else {
            throw RegistryError(.tooLarge, reference.description, "blob \(descriptor.digest) has \(descriptor.size) bytes, above the \(configuration.maxBlobBytes)-byte limit")
        }
        let url = baseURL(reference) + "/blobs/" + descriptor.digest
        let response = try exchange(operation, method: "GET", url: url, headers: [:], maxBytes: configuration.maxBlobBytes)
        guard response.status == 200 else {
            if response.status == 404 {
                throw RegistryError(.notFound, reference.description, "blob \(descriptor.digest) not found in \(reference.name)")
            }
            throw unexpected(response, url, "fetching a blob")
        }
        let digest = Digest.sha256(response.body)
        guard digest == descriptor.digest, response.body.count == descriptor.size else {
            throw RegistryError(
                .digestMismatch, reference.description,
                "blob \(descriptor.digest) (\(descriptor.size) bytes) arrived as \(response.body.count) bytes hashing to \(digest); it was not used"
            )
        }
        return response.body
    }

    private func decodeDocument(_ response: HTTPClientResponse, _ reference: ImageReference) throws(RegistryError) -> OCIDocument {
        do {
            return try OCIDocument.decode(response.body, contentType: response.headers["Content-Type"])
        } catch {
            throw RegistryError(.malformedDocument, reference.description, "the manifest does not decode: \(error)")
        }
    }

    func unexpected(_ response: HTTPClientResponse, _ url: String, _ what: String) -> RegistryError {
        if response.status == 401 || response.status == 403 {
            return RegistryError(.unauthorized, url, "access denied while \(what) (HTTP \(response.status): \(registryMessage(response))); check the registry credentials")
        }
        return RegistryError(.unexpectedStatus(response.status), url, "HTTP \(response.status) while \(what): \(registryMessage(response))")
    }

    /// The registry's error messages (`{"errors":[{"code","message"}]}`), or the start of the body.
    func registryMessage(_ response: HTTPClientResponse) -> String {
        if let value = try? JSONParser(maximumDepth: 16).parse(response.body), let errors = value["errors"]?.arrayValue {
            let messages = errors.compactMap { error -> String? in
                let code = error["code"]?.stringValue
                let message = error["message"]?.stringValue
                return [code, message].compactMap { $0 }.joined(separator: ": ")
            }
            if !messages.isEmpty { return messages.joined(separator: "; ") }
        }
        let text = String(decoding: response.body.prefix(200), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "no message" : text
    }

    // MARK: - HTTP with registry authentication

    /// One request with the registry's authentication dance: a cached bearer token when there is one;
    /// on 401 a `Bearer` challenge is answered with a token from its realm (basic credentials sent
    /// there only if we have them for this registry), a `Basic` challenge with our credentials; then
    /// one retry.
    func exchange(
        _ operation: Operation, method: String, url: String, headers: HTTPHeaders, body: [UInt8]? = nil, maxBytes: Int
    ) throws(RegistryError) -> HTTPClientResponse {
        let reference = operation.reference
        let tokenKey = "\(reference.registry)|\(reference.repository)|\(operation.actions)"
        var request = HTTPClientRequest(method: method, url: url, headers: headers, body: body, maxResponseBytes: maxBytes)
        if let token = cachedToken(tokenKey) { request.headers.set("Authorization", "Bearer \(token)") }
        var response = try send(&request, operation)
        guard response.status == 401 else { return response }

        let credentials = configuration.credentials.credentials(for: reference.registry)
        guard let challenge = AuthChallenge.parse(response.headers["WWW-Authenticate"]) else {
            throw RegistryError(.unauthorized, url, "HTTP 401 without an authentication challenge (\(registryMessage(response)))")
        }
        switch challenge.scheme {
        case "bearer":
            let token = try fetchToken(challenge, credentials: credentials, operation)
            tokens.withLock { $0[tokenKey] = token }
            request.headers.set("Authorization", "Bearer \(token.value)")
        case "basic":
            guard let credentials else {
                throw RegistryError(.unauthorized, url, "the registry requires a login and no credentials are configured for \(reference.registry)")
            }
            request.headers.remove("Authorization")
            request.basicAuth = credentials
        default:
            throw RegistryError(.unauthorized, url, "unsupported authentication scheme '\(challenge.scheme)'")
        }
        response = try send(&request, operation)
        if response.status == 401 {
            throw RegistryError(
                .unauthorized, url,
                credentials == nil
                    ? "the registry requires credentials for \(reference.registry) and none are configured (\(registryMessage(response)))"
                    : "the registry refused the credentials for \(reference.registry) (\(registryMessage(response)))"
            )
        }
        return response
    }

    private func cachedToken(_ key: String) -> String? {
        tokens.withLock { cache in
            guard let token = cache[key] else { return nil }
            guard token.expires > ContinuousClock.now else {
                cache[key] = nil
                return nil
            }
            return token.value
        }
    }

    private func fetchToken(_ challenge: AuthChallenge, credentials: BasicCredentials?, _ operation: Operation) throws(RegistryError) -> CachedToken {
        let reference = operation.reference
        guard let realm = challenge.parameters["realm"], !realm.isEmpty else {
            throw RegistryError(.unauthorized, reference.description, "the Bearer challenge has no realm")
        }
        let lowerRealm = realm.lowercased()
        let insecure = configuration.insecureRegistries.contains(reference.registry)
        guard lowerRealm.hasPrefix("https://") || (insecure && lowerRealm.hasPrefix("http://")) else {
            throw RegistryError(.unauthorized, reference.description, "token realm '\(realm)' must be an https URL (plain http only for registries configured as insecure)")
        }
        var query: [String] = []
        if let service = challenge.parameters["service"] { query.append("service=" + queryEncoded(service)) }
        let scopes = challenge.parameters["scope"].map { $0.split(separator: " ").map(String.init) }
            ?? ["repository:\(reference.repository):\(operation.actions)"]
        query += scopes.map { "scope=" + queryEncoded($0) }
        let url = realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&")
        var request = HTTPClientRequest(url: url, basicAuth: credentials, maxResponseBytes: 1 << 20)
        let response = try send(&request, operation)
        guard response.status == 200 else {
            if response.status == 401 || response.status == 403 {
                throw RegistryError(.unauthorized, realm, "the token service refused \(credentials == nil ? "anonymous access" : "the credentials for \(reference.registry)") (HTTP \(response.status))")
            }
            throw unexpected(response, realm, "fetching a registry token")
        }
        guard let value = try? JSONParser(maximumDepth: 16).parse(response.body),
              let token = value["token"]?.stringValue ?? value["access_token"]?.stringValue, !token.isEmpty else {
            throw RegistryError(.malformedDocument, realm, "the token response has no 'token' or 'access_token' string")
        }
        // Tokens without expires_in are valid for 60 s (distribution token spec); renew 10 s early.
        let lifetime = value["expires_in"].flatMap { v -> Int? in if case .number(let n) = v { return Int(n) } else { return nil } } ?? 60
        return CachedToken(value: token, expires: ContinuousClock.now + .seconds(max(0, lifetime - 10)))
    }

    private func send(_ request: inout HTTPClientRequest, _ operation: Operation) throws(RegistryError) -> HTTPClientResponse {
        let remaining = operation.deadline - ContinuousClock.now
        guard remaining > .zero else {
            throw RegistryError(.transport(.timeout), operation.reference.description, "the \(operation.timeout) time limit ran out before \(request.method) \(request.url)")
        }
        request.timeout = remaining
        do {
            return try http.send(request)
        } catch {
            throw RegistryError(.transport(error.kind), operation.reference.description, error.description)
        }
    }
}

/// A verified manifest or index.
public struct FetchedManifest: Sendable, Equatable {
    /// The requested reference pinned to the content digest.
    public let reference: ImageReference
    public let descriptor: OCIDescriptor
    public let bytes: [UInt8]
    public let document: OCIDocument
}

/// A compatibility artifact's chosen layer, verified.
public struct PulledArtifact: Sendable, Equatable {
    public let reference: ImageReference
    public let manifestDigest: String
    public let manifest: OCIManifest
    public let layer: OCIDescriptor
    public let bytes: [UInt8]

    public init(reference: ImageReference, manifestDigest: String, manifest: OCIManifest, layer: OCIDescriptor, bytes: [UInt8]) {
        self.reference = reference
        self.manifestDigest = manifestDigest
        self.manifest = manifest
        self.layer = layer
        self.bytes = bytes
    }
}

/// Percent-encodes everything but unreserved characters and `:/,` (kept for readable scopes).
func queryEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~:/,")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}

import CompatCore
import CompatTransport
import Foundation

/// Basic credentials per registry host, from the places clusters and developers keep them.
///
/// Credentials are only ever sent to the registry they are listed for (and to the token realm that
/// registry names), never to another host. Credential helpers (`credsStore`, `credHelpers`) are not
/// run; a registry that only has a helper entry is accessed anonymously.
public struct RegistryCredentials: Sendable, Equatable {
    private var entries: [String: BasicCredentials]

    public init(_ entries: [String: BasicCredentials] = [:]) {
        self.entries = Dictionary(entries.map { (Self.normalizedHost($0.key), $0.value) }, uniquingKeysWith: { _, last in last })
    }

    public static let none = RegistryCredentials()

    /// The credentials for `registry` (`docker.io` also matches Docker Hub's legacy keys).
    public func credentials(for registry: String) -> BasicCredentials? {
        entries[Self.normalizedHost(registry)]
    }

    /// The hosts that have credentials.
    public var registries: [String] { entries.keys.sorted() }

    /// `self` with `other`'s entries added; `other` wins for a host both have.
    public func merging(_ other: RegistryCredentials) -> RegistryCredentials {
        RegistryCredentials(entries.merging(other.entries) { _, theirs in theirs })
    }

    /// The `auths` of a Docker `config.json` (also the `.dockerconfigjson` key of a
    /// `kubernetes.io/dockerconfigjson` Secret). Each entry has `auth` (base64 `user:password`) or
    /// `username` and `password`; keys may be hosts or URLs such as `https://index.docker.io/v1/`.
    public static func dockerConfig(_ bytes: [UInt8], source: String) throws(RegistryError) -> RegistryCredentials {
        func fail(_ problem: String) -> RegistryError {
            RegistryError(.credentials, source, "\(problem). Expected a Docker config.json with {\"auths\": {\"<registry>\": {\"auth\": \"<base64 user:password>\"}}}")
        }
        do {
            var root = try StrictObject(try DocumentDecoder.decode(bytes, format: .json), at: FieldPath())
            guard var auths = try root.optionalObject("auths") else { return .none }
            var entries: [String: BasicCredentials] = [:]
            for key in auths.object.keys {
                var entry = try auths.object(key)
                if let auth = try entry.optionalString("auth"), !auth.isEmpty {
                    guard let decoded = Data(base64Encoded: auth).map({ String(decoding: $0, as: UTF8.self) }),
                          let colon = decoded.firstIndex(of: ":") else {
                        throw fail("auths.\(key).auth is not base64 of 'user:password'")
                    }
                    entries[key] = BasicCredentials(username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]))
                } else if let username = try entry.optionalString("username"), let password = try entry.optionalString("password") {
                    entries[key] = BasicCredentials(username: username, password: password)
                }
            }
            return RegistryCredentials(entries)
        } catch let error as ArtifactDecodingError {
            throw fail("\(error)")
        } catch let error as RegistryError {
            throw error
        } catch {
            throw fail("\(error)")
        }
    }

    /// A Docker config file (for example a mounted `.dockerconfigjson`).
    public static func dockerConfigFile(_ path: String) throws(RegistryError) -> RegistryCredentials {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RegistryError(.credentials, path, "cannot read the Docker config file (missing or not readable)")
        }
        return try dockerConfig(Array(data), source: path)
    }

    /// A mounted `kubernetes.io/basic-auth` Secret: files `username` and `password` in `directory`,
    /// used for `registry`.
    public static func basicAuthDirectory(_ directory: String, registry: String) throws(RegistryError) -> RegistryCredentials {
        func read(_ name: String) throws(RegistryError) -> String {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw RegistryError(.credentials, path, "cannot read '\(name)' of the basic-auth secret directory")
            }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        }
        return RegistryCredentials([registry: BasicCredentials(username: try read("username"), password: try read("password"))])
    }

    /// Credentials from the environment, in the places other tools use:
    /// `REGISTRY_AUTH_FILE` (podman, skopeo), else `$DOCKER_CONFIG/config.json`, else
    /// `~/.docker/config.json` when it exists; plus `COMPAT_REGISTRY_USERNAME`/`COMPAT_REGISTRY_PASSWORD`
    /// for the registry in `COMPAT_REGISTRY_HOST` (all three required together).
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws(RegistryError) -> RegistryCredentials {
        var credentials = RegistryCredentials.none
        if let file = environment["REGISTRY_AUTH_FILE"], !file.isEmpty {
            credentials = try dockerConfigFile(file)
        } else if let directory = environment["DOCKER_CONFIG"], !directory.isEmpty {
            credentials = try dockerConfigFile((directory as NSString).appendingPathComponent("config.json"))
        } else if let home = environment["HOME"], FileManager.default.fileExists(atPath: home + "/.docker/config.json") {
            credentials = try dockerConfigFile(home + "/.docker/config.json")
        }
        let explicit = [environment["COMPAT_REGISTRY_HOST"], environment["COMPAT_REGISTRY_USERNAME"], environment["COMPAT_REGISTRY_PASSWORD"]]
        let given = explicit.compactMap { $0 }.filter { !$0.isEmpty }
        if given.count == 3, let host = explicit[0], let user = explicit[1], let password = explicit[2] {
            credentials = credentials.merging(RegistryCredentials([host: BasicCredentials(username: user, password: password)]))
        } else if !given.isEmpty {
            throw RegistryError(.credentials, "environment", "COMPAT_REGISTRY_HOST, COMPAT_REGISTRY_USERNAME and COMPAT_REGISTRY_PASSWORD must be set together (found \(given.count) of 3)")
        }
        return credentials
    }

    /// `https://index.docker.io/v1/` → `docker.io`; `ghcr.io/` → `ghcr.io`.
    static func normalizedHost(_ key: String) -> String {
        var host = key.lowercased()
        for scheme in ["https://", "http://"] where host.hasPrefix(scheme) { host.removeFirst(scheme.count) }
        if let slash = host.firstIndex(of: "/") { host = String(host[..<slash]) }
        if host == "index.docker.io" || host == "registry-1.docker.io" || host == "registry.hub.docker.com" { host = ImageReference.dockerHub }
        return host
    }
}

import CompatCore
import Foundation

/// A parsed kubeconfig file (`apiVersion: v1`, `kind: Config`).
///
/// Parsing is pure: bytes in, values out. Relative file references (`certificate-authority`,
/// `client-certificate`, `client-key`, `tokenFile`, an exec `command` containing a `/`) are resolved
/// against the directory of the file they appear in, as kubectl does, so that merged files keep
/// their meaning. Fields outside the kubeconfig v1 schema are errors naming their path; schema fields
/// this client does not implement are kept so that selecting them gives an actionable error.
package struct KubeConfig: Sendable, Equatable {
    package struct Cluster: Sendable, Equatable {
        /// `https://host:port`
        package var server: String
        /// A PEM file path (absolute after parsing).
        package var certificateAuthority: String?
        /// PEM bytes, decoded from base64.
        package var certificateAuthorityData: [UInt8]?
        package var insecureSkipTLSVerify: Bool
        /// Name to verify the server certificate against instead of the host in `server`.
        package var tlsServerName: String?
        /// Set when the cluster needs an HTTP proxy, which this client does not implement.
        package var proxyURL: String?

        package init(server: String, certificateAuthority: String? = nil, certificateAuthorityData: [UInt8]? = nil,
                    insecureSkipTLSVerify: Bool = false, tlsServerName: String? = nil, proxyURL: String? = nil) {
            self.server = server
            self.certificateAuthority = certificateAuthority
            self.certificateAuthorityData = certificateAuthorityData
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.tlsServerName = tlsServerName
            self.proxyURL = proxyURL
        }
    }

    package struct User: Sendable, Equatable {
        package var token: String?
        /// A file holding the token, re-read as it rotates.
        package var tokenFile: String?
        package var clientCertificate: String?
        package var clientCertificateData: [UInt8]?
        package var clientKey: String?
        package var clientKeyData: [UInt8]?
        package var exec: ExecPlugin?
        /// Schema fields that select an authentication method this client does not implement
        /// (`auth-provider`, `username`/`password`, impersonation), by name.
        package var unsupportedFields: [String]

        package init(token: String? = nil, tokenFile: String? = nil, clientCertificate: String? = nil, clientCertificateData: [UInt8]? = nil,
                    clientKey: String? = nil, clientKeyData: [UInt8]? = nil, exec: ExecPlugin? = nil, unsupportedFields: [String] = []) {
            self.token = token
            self.tokenFile = tokenFile
            self.clientCertificate = clientCertificate
            self.clientCertificateData = clientCertificateData
            self.clientKey = clientKey
            self.clientKeyData = clientKeyData
            self.exec = exec
            self.unsupportedFields = unsupportedFields
        }
    }

    /// A `client.authentication.k8s.io` credential plugin (`aws eks get-token`, `gke-gcloud-auth-plugin`,
    /// `kubelogin`).
    package struct ExecPlugin: Sendable, Equatable {
        package var command: String
        package var args: [String]
        package var env: [(name: String, value: String)]
        /// `client.authentication.k8s.io/v1` or `/v1beta1`; the plugin's answer must use the same.
        package var apiVersion: String
        package var installHint: String?
        package var provideClusterInfo: Bool

        package init(command: String, args: [String] = [], env: [(name: String, value: String)] = [], apiVersion: String,
                    installHint: String? = nil, provideClusterInfo: Bool = false) {
            self.command = command
            self.args = args
            self.env = env
            self.apiVersion = apiVersion
            self.installHint = installHint
            self.provideClusterInfo = provideClusterInfo
        }

        package static func == (lhs: ExecPlugin, rhs: ExecPlugin) -> Bool {
            lhs.command == rhs.command && lhs.args == rhs.args && lhs.env.map(\.name) == rhs.env.map(\.name)
                && lhs.env.map(\.value) == rhs.env.map(\.value) && lhs.apiVersion == rhs.apiVersion
                && lhs.installHint == rhs.installHint && lhs.provideClusterInfo == rhs.provideClusterInfo
        }
    }

    package struct Context: Sendable, Equatable {
        package var cluster: String
        package var user: String
        package var namespace: String?

        package init(cluster: String, user: String, namespace: String? = nil) {
            self.cluster = cluster
            self.user = user
            self.namespace = namespace
        }
    }

    package var currentContext: String?
    package var clusters: [String: Cluster]
    package var users: [String: User]
    package var contexts: [String: Context]

    package init(currentContext: String? = nil, clusters: [String: Cluster] = [:], users: [String: User] = [:], contexts: [String: Context] = [:]) {
        self.currentContext = currentContext
        self.clusters = clusters
        self.users = users
        self.contexts = contexts
    }

    /// Merges files in `KUBECONFIG` order: the first file that sets `current-context` or defines a
    /// cluster, user or context of a given name wins (kubectl's rule).
    package static func merged(_ configs: [KubeConfig]) -> KubeConfig {
        var result = KubeConfig()
        for config in configs {
            if result.currentContext == nil { result.currentContext = config.currentContext }
            result.clusters.merge(config.clusters) { first, _ in first }
            result.users.merge(config.users) { first, _ in first }
            result.contexts.merge(config.contexts) { first, _ in first }
        }
        return result
    }
}

// MARK: - Decoding

extension KubeConfig {
    /// Parses kubeconfig YAML (or JSON). `directory` is the directory of the file, used to make relative
    /// file references absolute; `nil` leaves them as written.
    package init<Bytes: Collection>(parsing bytes: Bytes, directory: String?) throws(ArtifactDecodingError) where Bytes.Element == UInt8 {
        let document = try DocumentDecoder.decode(bytes)
        if document == .null {
            self.init()
            return
        }
        var root = try StrictObject(document, at: FieldPath())
        if let kind = try root.optionalString("kind"), kind != "Config" {
            throw ArtifactDecodingError(path: FieldPath([.key("kind")]), problem: "expected kind 'Config', found '\(kind)'")
        }
        if let apiVersion = try root.optionalString("apiVersion"), apiVersion != "v1" {
            throw ArtifactDecodingError(path: FieldPath([.key("apiVersion")]), problem: "expected apiVersion 'v1', found '\(apiVersion)'")
        }
        root.ignore("preferences", "extensions")
        let current = try root.optionalString("current-context")
        let resolve = PathResolver(directory: directory)
        let clusters = try Self.namedEntries(&root, "clusters", entryKey: "cluster") { (entry: inout StrictObject) throws(ArtifactDecodingError) in
            try Self.cluster(&entry, resolve)
        }
        let users = try Self.namedEntries(&root, "users", entryKey: "user") { (entry: inout StrictObject) throws(ArtifactDecodingError) in
            try Self.user(&entry, resolve)
        }
        let contexts = try Self.namedEntries(&root, "contexts", entryKey: "context") { (entry: inout StrictObject) throws(ArtifactDecodingError) in
            Context(cluster: try entry.string("cluster"), user: try entry.string("user"), namespace: try entry.optionalString("namespace"))
        }
        try root.finish()
        self.init(currentContext: current.flatMap { $0.isEmpty ? nil : $0 }, clusters: clusters, users: users, contexts: contexts)
    }

    /// Reads `[{name: …, <entryKey>: {…}}]`; within one file the first entry of a name wins.
    private static func namedEntries<Entry>(
        _ root: inout StrictObject, _ key: String, entryKey: String,
        _ decode: (inout StrictObject) throws(ArtifactDecodingError) -> Entry
    ) throws(ArtifactDecodingError) -> [String: Entry] {
        var entries: [String: Entry] = [:]
        for (element, path) in try root.optionalArray(key) ?? [] {
            var named = try StrictObject(element, at: path)
            let name = try named.string("name")
            var body = try named.object(entryKey)
            let entry = try decode(&body)
            body.ignore("extensions")
            try body.finish()
            try named.finish()
            if entries[name] == nil { entries[name] = entry }
        }
        return entries
    }

    private static func cluster(_ entry: inout StrictObject, _ resolve: PathResolver) throws(ArtifactDecodingError) -> Cluster {
        entry.ignore("disable-compression")
        let server = try entry.string("server")
        guard server.hasPrefix("https://") || server.hasPrefix("http://") else {
            throw ArtifactDecodingError(path: entry.path.appending("server"), problem: "expected an http(s):// URL, found '\(server)'")
        }
        return Cluster(
            server: server,
            certificateAuthority: try entry.optionalString("certificate-authority").map(resolve.absolute),
            certificateAuthorityData: try base64(&entry, "certificate-authority-data"),
            insecureSkipTLSVerify: try entry.optionalBool("insecure-skip-tls-verify") ?? false,
            tlsServerName: try entry.optionalString("tls-server-name"),
            proxyURL: try entry.optionalString("proxy-url")
        )
    }

    private static func user(_ entry: inout StrictObject, _ resolve: PathResolver) throws(ArtifactDecodingError) -> User {
        var unsupported: [String] = []
        for field in ["auth-provider", "username", "password", "as", "as-uid", "as-groups", "as-user-extra"] where entry.contains(field) {
            unsupported.append(field)
            entry.ignore(field)
        }
        var exec: ExecPlugin?
        if var plugin = try entry.optionalObject("exec") {
            exec = try execPlugin(&plugin, resolve)
            try plugin.finish()
        }
        return User(
            token: try entry.optionalString("token"),
            tokenFile: try entry.optionalString("tokenFile").map(resolve.absolute),
            clientCertificate: try entry.optionalString("client-certificate").map(resolve.absolute),
            clientCertificateData: try base64(&entry, "client-certificate-data"),
            clientKey: try entry.optionalString("client-key").map(resolve.absolute),
            clientKeyData: try base64(&entry, "client-key-data"),
            exec: exec,
            unsupportedFields: unsupported
        )
    }

    private static func execPlugin(_ plugin: inout StrictObject, _ resolve: PathResolver) throws(ArtifactDecodingError) -> ExecPlugin {
        plugin.ignore("interactiveMode")
        var command = try plugin.string("command")
        if command.contains("/") { command = resolve.absolute(command) }
        var args: [String] = []
        for (element, path) in try plugin.optionalArray("args") ?? [] {
            args.append(try StrictObject.string(element, at: path))
        }
        var env: [(name: String, value: String)] = []
        for (element, path) in try plugin.optionalArray("env") ?? [] {
            var variable = try StrictObject(element, at: path)
            env.append((try variable.string("name"), try variable.string("value")))
            try variable.finish()
        }
        let apiVersion = try plugin.string("apiVersion")
        let supported = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]
        guard supported.contains(apiVersion) else {
            throw ArtifactDecodingError(
                path: plugin.path.appending("apiVersion"),
                problem: "unsupported exec plugin apiVersion '\(apiVersion)' (supported: \(supported.joined(separator: ", ")))")
        }
        return ExecPlugin(
            command: command, args: args, env: env, apiVersion: apiVersion,
            installHint: try plugin.optionalString("installHint"),
            provideClusterInfo: try plugin.optionalBool("provideClusterInfo") ?? false
        )
    }

    private static func base64(_ entry: inout StrictObject, _ key: String) throws(ArtifactDecodingError) -> [UInt8]? {
        guard let text = try entry.optionalString(key) else { return nil }
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines), options: .ignoreUnknownCharacters) else {
            throw ArtifactDecodingError(path: entry.path.appending(key), problem: "not valid base64")
        }
        return Array(data)
    }

    /// Makes kubeconfig file references absolute against the file's own directory.
    private struct PathResolver {
        var directory: String?

        func absolute(_ path: String) -> String {
            guard let directory, !path.isEmpty, !path.hasPrefix("/") else { return path }
            return directory.hasSuffix("/") ? directory + path : directory + "/" + path
        }
    }
}

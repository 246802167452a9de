import CompatCore
import Foundation

/// PEM material given either as a file (read when a connection is made, so a rotated file is picked
/// up by the next client) or inline (kubeconfig `*-data` fields).
package enum PEMSource: Sendable, Equatable {
    case file(String)
    case inline([UInt8])
}

/// How requests prove their identity.
package enum BearerTokenSource: Sendable, Equatable {
    /// A fixed token (kubeconfig `token`).
    case literal(String)
    /// A file re-read as it rotates (the in-cluster service-account token, kubeconfig `tokenFile`).
    case file(String)
    /// A credential plugin run on demand; its token is cached until its `expirationTimestamp`.
    case exec(KubeConfig.ExecPlugin)
}

/// Everything needed to talk to one API server: address, trust, credentials, default namespace.
package struct KubeConnection: Sendable, Equatable {
    /// Base URL without a trailing slash: `https://10.96.0.1:443`.
    package var server: String
    /// CA that signed the API server's certificate; `nil` uses the system trust store.
    package var certificateAuthority: PEMSource?
    package var insecureSkipTLSVerify: Bool
    package var tlsServerName: String?
    package var bearerToken: BearerTokenSource?
    package var clientCertificate: PEMSource?
    package var clientKey: PEMSource?
    /// The namespace requests default to (in-cluster: the pod's namespace; kubeconfig: the context's).
    package var namespace: String?

    package init(server: String, certificateAuthority: PEMSource? = nil, insecureSkipTLSVerify: Bool = false, tlsServerName: String? = nil,
                bearerToken: BearerTokenSource? = nil, clientCertificate: PEMSource? = nil, clientKey: PEMSource? = nil, namespace: String? = nil) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.certificateAuthority = certificateAuthority
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
        self.bearerToken = bearerToken
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.namespace = namespace
    }
}

/// Why no connection could be configured, phrased so the operator knows what to fix.
package struct KubeConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}

// MARK: - In cluster

extension KubeConnection {
    /// Where Kubernetes mounts a pod's service-account credentials.
    package static let serviceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The connection of a pod to its own cluster (client-go's `InClusterConfig`):
    /// `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`, the service-account token (re-read
    /// as kubelet rotates it), `ca.crt` and `namespace` from `serviceAccountDirectory`.
    package static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = KubeConnection.serviceAccountDirectory
    ) throws(KubeConfigurationError) -> KubeConnection {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
              let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw KubeConfigurationError(
                "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set; "
                    + "run inside a pod or pass a kubeconfig (--kubeconfig or KUBECONFIG)")
        }
        let tokenPath = serviceAccountDirectory + "/token"
        let caPath = serviceAccountDirectory + "/ca.crt"
        for (path, what) in [(tokenPath, "service-account token"), (caPath, "cluster CA certificate")]
        where !FileManager.default.isReadableFile(atPath: path) {
            throw KubeConfigurationError(
                "in-cluster \(what) \(path) is missing or unreadable; check that the pod mounts its service-account token "
                    + "(automountServiceAccountToken must not be false)")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let namespace = (try? String(contentsOfFile: serviceAccountDirectory + "/namespace", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return KubeConnection(
            server: "https://\(hostPart):\(port)",
            certificateAuthority: .file(caPath),
            bearerToken: .file(tokenPath),
            namespace: namespace.flatMap { $0.isEmpty ? nil : $0 }
        )
    }
}

// MARK: - Kubeconfig

extension KubeConfig {
    /// The connection of a context (`nil`: `current-context`).
    package func connection(context requested: String? = nil) throws(KubeConfigurationError) -> KubeConnection {
        guard let contextName = requested ?? currentContext else {
            throw KubeConfigurationError(
                "the kubeconfig sets no current-context; pick one with --context or `kubectl config use-context NAME` "
                    + "(contexts: \(contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let context = contexts[contextName] else {
            throw KubeConfigurationError(
                "context '\(contextName)' is not in the kubeconfig (contexts: \(contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let cluster = clusters[context.cluster] else {
            throw KubeConfigurationError("context '\(contextName)' names cluster '\(context.cluster)', which the kubeconfig does not define")
        }
        guard let user = users[context.user] else {
            throw KubeConfigurationError("context '\(contextName)' names user '\(context.user)', which the kubeconfig does not define")
        }
        if let proxy = cluster.proxyURL {
            throw KubeConfigurationError(
                "cluster '\(context.cluster)' needs proxy \(proxy), which this client does not support; reach the API server directly")
        }
        if let field = user.unsupportedFields.first {
            throw KubeConfigurationError(
                "user '\(context.user)' uses '\(field)', which this client does not support; use a token, tokenFile, "
                    + "client certificate or exec credential plugin instead")
        }
        var connection = KubeConnection(
            server: cluster.server,
            certificateAuthority: cluster.certificateAuthorityData.map(PEMSource.inline) ?? cluster.certificateAuthority.map(PEMSource.file),
            insecureSkipTLSVerify: cluster.insecureSkipTLSVerify,
            tlsServerName: cluster.tlsServerName,
            namespace: context.namespace
        )
        if let token = user.token, !token.isEmpty {
            connection.bearerToken = .literal(token)
        } else if let file = user.tokenFile {
            connection.bearerToken = .file(file)
        } else if let exec = user.exec {
            connection.bearerToken = .exec(exec)
        }
        let certificate = user.clientCertificateData.map(PEMSource.inline) ?? user.clientCertificate.map(PEMSource.file)
        let key = user.clientKeyData.map(PEMSource.inline) ?? user.clientKey.map(PEMSource.file)
        switch (certificate, key) {
        case (nil, nil):
            break
        case (let certificate?, let key?):
            connection.clientCertificate = certificate
            connection.clientKey = key
        default:
            throw KubeConfigurationError(
                "user '\(context.user)' sets a client certificate without its key (or a key without its certificate); set both")
        }
        return connection
    }

    /// Reads and merges kubeconfig files (a `KUBECONFIG` list). Missing files are skipped, as kubectl
    /// does; a file that exists but does not parse is an error naming the file and field.
    package static func load(paths: [String]) throws(KubeConfigurationError) -> KubeConfig {
        var configs: [KubeConfig] = []
        for path in paths where !path.isEmpty {
            guard FileManager.default.fileExists(atPath: path) else { continue }
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw KubeConfigurationError("kubeconfig \(path) is not readable; check its permissions")
            }
            let directory = (path as NSString).deletingLastPathComponent
            do {
                configs.append(try KubeConfig(parsing: bytes, directory: directory.isEmpty ? "." : directory))
            } catch {
                throw KubeConfigurationError("kubeconfig \(path): \(error)")
            }
        }
        guard !configs.isEmpty else {
            throw KubeConfigurationError("no kubeconfig found at \(paths.joined(separator: ", ")); pass --kubeconfig or set KUBECONFIG")
        }
        return merged(configs)
    }
}

extension KubeConnection {
    /// The connection a command-line tool or the webhook should use, in this order:
    /// 1. `kubeconfig` when given (a path, or a `:`-separated list);
    /// 2. `KUBECONFIG`;
    /// 3. in-cluster service account, when `KUBERNETES_SERVICE_HOST` is set;
    /// 4. `~/.kube/config`.
    /// `context` selects a kubeconfig context other than `current-context`.
    package static func resolve(
        kubeconfig: String? = nil,
        context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = KubeConnection.serviceAccountDirectory
    ) throws(KubeConfigurationError) -> KubeConnection {
        if let list = kubeconfig ?? environment["KUBECONFIG"], !list.isEmpty {
            return try KubeConfig.load(paths: list.split(separator: ":").map(String.init)).connection(context: context)
        }
        if let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty {
            return try inCluster(environment: environment, serviceAccountDirectory: serviceAccountDirectory)
        }
        guard let home = environment["HOME"], !home.isEmpty else {
            throw KubeConfigurationError("no Kubernetes connection: not in a cluster, KUBECONFIG unset and HOME unknown; pass --kubeconfig")
        }
        return try KubeConfig.load(paths: [home + "/.kube/config"]).connection(context: context)
    }
}

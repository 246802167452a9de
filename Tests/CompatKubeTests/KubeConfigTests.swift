import CompatCore
import Foundation
import Testing
@testable import CompatKube

@Suite struct KubeConfigTests {
    /// A kubeconfig as `eksctl` writes it: CA data, exec plugin, relative paths nowhere.
    static let eksKubeconfig = """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=
            server: https://0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com
          name: nfd-cluster.us-east-1.eksctl.io
        contexts:
        - context:
            cluster: nfd-cluster.us-east-1.eksctl.io
            user: admin@nfd-cluster.us-east-1.eksctl.io
            namespace: hpc
          name: admin@nfd-cluster.us-east-1.eksctl.io
        current-context: admin@nfd-cluster.us-east-1.eksctl.io
        kind: Config
        preferences: {}
        users:
        - name: admin@nfd-cluster.us-east-1.eksctl.io
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1beta1
              args:
              - eks
              - get-token
              - --output
              - json
              - --cluster-name
              - nfd-cluster
              - --region
              - us-east-1
              command: aws
              env:
              - name: AWS_STS_REGIONAL_ENDPOINTS
                value: regional
              interactiveMode: IfAvailable
              provideClusterInfo: false
        """

    @Test func eksKubeconfigResolvesToServerCADataAndExecPlugin() throws {
        let config = try KubeConfig(parsing: Array(Self.eksKubeconfig.utf8), directory: "/home/user/.kube")
        let connection = try config.connection()
        #expect(connection.server == "https://0123456789ABCDEF0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com")
        #expect(connection.certificateAuthority == .inline(Array("-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n".utf8)))
        #expect(connection.namespace == "hpc")
        guard case .exec(let plugin)? = connection.bearerToken else {
            Issue.record("expected an exec plugin, found \(String(describing: connection.bearerToken))")
            return
        }
        #expect(plugin.command == "aws")
        #expect(plugin.args == ["eks", "get-token", "--output", "json", "--cluster-name", "nfd-cluster", "--region", "us-east-1"])
        #expect(plugin.env.map(\.name) == ["AWS_STS_REGIONAL_ENDPOINTS"])
        #expect(plugin.env.map(\.value) == ["regional"])
        #expect(plugin.apiVersion == "client.authentication.k8s.io/v1beta1")
    }

    @Test func relativeFileReferencesResolveAgainstTheKubeconfigDirectory() throws {
        let text = """
            apiVersion: v1
            kind: Config
            current-context: kind
            clusters:
            - name: kind
              cluster:
                server: https://127.0.0.1:6443
                certificate-authority: pki/ca.crt
                tls-server-name: kubernetes
            users:
            - name: kind-admin
              user:
                client-certificate: pki/admin.crt
                client-key: /etc/keys/admin.key
            contexts:
            - name: kind
              context: {cluster: kind, user: kind-admin}
            """
        let connection = try KubeConfig(parsing: Array(text.utf8), directory: "/home/user/.kube").connection()
        #expect(connection.certificateAuthority == .file("/home/user/.kube/pki/ca.crt"))
        #expect(connection.clientCertificate == .file("/home/user/.kube/pki/admin.crt"))
        #expect(connection.clientKey == .file("/etc/keys/admin.key"))
        #expect(connection.tlsServerName == "kubernetes")
        #expect(connection.bearerToken == nil)
        #expect(connection.namespace == nil)
    }

    @Test func mergedFilesLetTheFirstDefinitionWin() throws {
        let first = try KubeConfig(parsing: Array("""
            current-context: lab
            clusters:
            - name: lab
              cluster: {server: "https://10.0.0.1:6443", insecure-skip-tls-verify: true}
            users:
            - name: me
              user: {token: first-token}
            contexts:
            - name: lab
              context: {cluster: lab, user: me}
            """.utf8), directory: nil)
        let second = try KubeConfig(parsing: Array("""
            current-context: prod
            clusters:
            - name: lab
              cluster: {server: "https://10.9.9.9:6443"}
            - name: prod
              cluster: {server: "https://10.0.0.2:6443"}
            users:
            - name: me
              user: {token: second-token}
            contexts:
            - name: prod
              context: {cluster: prod, user: me}
            """.utf8), directory: nil)
        let merged = KubeConfig.merged([first, second])
        #expect(merged.currentContext == "lab")
        let lab = try merged.connection()
        #expect(lab.server == "https://10.0.0.1:6443")
        #expect(lab.insecureSkipTLSVerify)
        #expect(lab.bearerToken == .literal("first-token"))
        let prod = try merged.connection(context: "prod")
        #expect(prod.server == "https://10.0.0.2:6443")
        #expect(prod.bearerToken == .literal("first-token"))
    }

    @Test func loadSkipsMissingFilesOfTheList() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("config", """
            current-context: c
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
            users: [{name: u, user: {tokenFile: token}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            """)
        let connection = try KubeConfig.load(paths: [directory.file("absent"), path]).connection()
        #expect(connection.bearerToken == .file(directory.file("token")))
    }

    @Test func misspelledFieldIsAnErrorNamingItsPath() {
        let text = """
            clusters:
            - name: c
              cluster: {server: "https://127.0.0.1:6443", certificate-authority-date: abc}
            """
        #expect(throws: ArtifactDecodingError.self) { try KubeConfig(parsing: Array(text.utf8), directory: nil) }
        do {
            _ = try KubeConfig(parsing: Array(text.utf8), directory: nil)
        } catch {
            #expect(error.path.description == "clusters[0].cluster.certificate-authority-date")
            #expect(error.problem.hasPrefix("unknown field 'certificate-authority-date'"))
        }
    }

    @Test func invalidBase64IsAnErrorNamingItsPath() {
        let text = """
            users:
            - name: u
              user: {client-certificate-data: "%%%", client-key-data: "%%%"}
            """
        do {
            _ = try KubeConfig(parsing: Array(text.utf8), directory: nil)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == "users[0].user.client-certificate-data: not valid base64")
        }
    }

    @Test func unsupportedAuthProviderGivesAnActionableErrorOnlyWhenSelected() throws {
        let text = """
            current-context: oidc
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
            users:
            - name: oidc-user
              user:
                auth-provider: {name: oidc, config: {idp-issuer-url: "https://issuer"}}
            - name: token-user
              user: {token: abc}
            contexts:
            - {name: oidc, context: {cluster: c, user: oidc-user}}
            - {name: plain, context: {cluster: c, user: token-user}}
            """
        let config = try KubeConfig(parsing: Array(text.utf8), directory: nil)
        #expect(throws: KubeConfigurationError(
            "user 'oidc-user' uses 'auth-provider', which this client does not support; use a token, tokenFile, "
                + "client certificate or exec credential plugin instead")) {
            try config.connection()
        }
        #expect(try config.connection(context: "plain").bearerToken == .literal("abc"))
    }

    @Test func missingContextListsTheKnownOnes() throws {
        let config = try KubeConfig(parsing: Array("""
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: b, context: {cluster: c, user: u}}, {name: a, context: {cluster: c, user: u}}]
            """.utf8), directory: nil)
        #expect(throws: KubeConfigurationError(
            "the kubeconfig sets no current-context; pick one with --context or `kubectl config use-context NAME` (contexts: a, b)")) {
            try config.connection()
        }
        #expect(throws: KubeConfigurationError("context 'z' is not in the kubeconfig (contexts: a, b)")) {
            try config.connection(context: "z")
        }
    }

    @Test func certificateWithoutKeyIsRejected() throws {
        let config = try KubeConfig(parsing: Array("""
            current-context: a
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:6443"}}]
            users: [{name: u, user: {client-certificate: /tmp/a.crt}}]
            contexts: [{name: a, context: {cluster: c, user: u}}]
            """.utf8), directory: nil)
        #expect(throws: KubeConfigurationError.self) { try config.connection() }
    }

    @Test func resolveOrderPrefersKubeconfigThenInClusterThenHome() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let kubeconfig = try directory.write("kc", """
            current-context: c
            clusters: [{name: c, cluster: {server: "https://127.0.0.1:7443"}}]
            users: [{name: u, user: {token: t}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            """)
        try FileManager.default.createDirectory(atPath: directory.file("sa"), withIntermediateDirectories: true)
        try directory.write("sa/token", "sa-token\n")
        try directory.write("sa/ca.crt", "-----BEGIN CERTIFICATE-----\n")
        let inCluster = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]

        let fromVariable = try KubeConnection.resolve(
            environment: inCluster.merging(["KUBECONFIG": kubeconfig]) { a, _ in a }, serviceAccountDirectory: directory.file("sa"))
        #expect(fromVariable.server == "https://127.0.0.1:7443")
        let fromCluster = try KubeConnection.resolve(environment: inCluster, serviceAccountDirectory: directory.file("sa"))
        #expect(fromCluster.server == "https://10.96.0.1:443")
        try FileManager.default.createDirectory(atPath: directory.file("home/.kube"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: kubeconfig, toPath: directory.file("home/.kube/config"))
        let fromHome = try KubeConnection.resolve(environment: ["HOME": directory.file("home")])
        #expect(fromHome.server == "https://127.0.0.1:7443")
    }
}

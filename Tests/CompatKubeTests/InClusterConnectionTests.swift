import Foundation
import Testing
@testable import CompatKube

@Suite struct InClusterConnectionTests {
    private func serviceAccount(namespace: String? = "compat-system") throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        try directory.write("token", "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.payload.signature\n")
        try directory.write("ca.crt", "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n")
        if let namespace { try directory.write("namespace", namespace) }
        return directory
    }

    @Test func serviceVariablesAndMountedFilesMakeTheConnection() throws {
        let directory = try serviceAccount()
        defer { directory.remove() }
        let connection = try KubeConnection.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.100.0.1", "KUBERNETES_SERVICE_PORT": "443"], serviceAccountDirectory: directory.path)
        #expect(connection.server == "https://10.100.0.1:443")
        #expect(connection.bearerToken == .file(directory.file("token")))
        #expect(connection.certificateAuthority == .file(directory.file("ca.crt")))
        #expect(connection.namespace == "compat-system")
        #expect(connection.insecureSkipTLSVerify == false)
    }

    @Test func ipv6ServiceHostIsBracketed() throws {
        let directory = try serviceAccount(namespace: nil)
        defer { directory.remove() }
        let connection = try KubeConnection.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "fd00:10:96::1", "KUBERNETES_SERVICE_PORT": "443"], serviceAccountDirectory: directory.path)
        #expect(connection.server == "https://[fd00:10:96::1]:443")
        #expect(connection.namespace == nil)
    }

    @Test func missingServiceVariablesSayHowToConnectInstead() {
        #expect(throws: KubeConfigurationError(
            "not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set; "
                + "run inside a pod or pass a kubeconfig (--kubeconfig or KUBECONFIG)")) {
            try KubeConnection.inCluster(environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1"], serviceAccountDirectory: "/nonexistent")
        }
    }

    @Test func missingTokenPointsAtTheAutomountSetting() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            _ = try KubeConnection.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"], serviceAccountDirectory: directory.path)
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("\(directory.path)/token is missing or unreadable"))
            #expect(error.description.contains("automountServiceAccountToken"))
        }
    }
}

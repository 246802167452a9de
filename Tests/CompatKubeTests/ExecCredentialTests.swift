import CompatCore
import Foundation
import Testing
@testable import CompatKube

@Suite struct ExecCredentialTests {
    static let v1 = "client.authentication.k8s.io/v1"

    @Test func parsesTokenAndExpiryOfAnAWSStyleAnswer() throws {
        let text = #"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{},"status":{"expirationTimestamp":"2025-06-02T14:21:07Z","token":"k8s-aws-v1.aHR0cHM6Ly9zdHM"}}"#
        let credential = try ExecCredential(parsing: Array(text.utf8), expectedAPIVersion: Self.v1)
        #expect(credential.token == "k8s-aws-v1.aHR0cHM6Ly9zdHM")
        #expect(credential.expiration == Date(timeIntervalSince1970: 1_748_874_067))
    }

    @Test func acceptsFractionalSecondsAndNoExpiry() throws {
        let withFraction = #"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"expirationTimestamp":"2025-06-02T14:21:07.500Z","token":"t"}}"#
        #expect(try ExecCredential(parsing: Array(withFraction.utf8), expectedAPIVersion: Self.v1).expiration
            == Date(timeIntervalSince1970: 1_748_874_067.5))
        let without = #"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"t"}}"#
        #expect(try ExecCredential(parsing: Array(without.utf8), expectedAPIVersion: Self.v1).expiration == nil)
    }

    @Test func answerInAnotherAPIVersionIsRejected() {
        let text = #"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"t"}}"#
        do {
            _ = try ExecCredential(parsing: Array(text.utf8), expectedAPIVersion: Self.v1)
            Issue.record("expected an error")
        } catch {
            #expect(error.description
                == "apiVersion: the plugin answered with 'client.authentication.k8s.io/v1beta1' but the kubeconfig asks for 'client.authentication.k8s.io/v1'")
        }
    }

    @Test func clientCertificateAnswersAreReportedAsUnsupported() {
        let text = #"{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"clientCertificateData":"x","clientKeyData":"y"}}"#
        do {
            _ = try ExecCredential(parsing: Array(text.utf8), expectedAPIVersion: Self.v1)
            Issue.record("expected an error")
        } catch {
            #expect(error.problem.contains("only token credentials from exec plugins are supported"))
        }
    }

    @Test func pluginRunsWithItsArgumentsEnvironmentAndExecInfo() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The plugin echoes what it was given back inside the token, so the test sees args, env and
        // KUBERNETES_EXEC_INFO exactly as the plugin did.
        let script = try directory.write("get-token", """
            #!/bin/sh
            info=$(printf '%s' "$KUBERNETES_EXEC_INFO" | tr -d '"{}:,' )
            printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"%s|%s|%s"}}' "$1$2" "$CLUSTER_NAME" "$info"
            """)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let plugin = KubeConfig.ExecPlugin(command: script, args: ["get", "-token"], env: [("CLUSTER_NAME", "nfd")], apiVersion: Self.v1)
        let credential = try ExecPluginRunner(plugin: plugin, timeout: .seconds(10), clusterInfo: nil).run()
        #expect(credential.token == "get-token|nfd|kindExecCredentialapiVersionclient.authentication.k8s.io/v1specinteractivefalse")
    }

    @Test func failingPluginReportsItsStatusAndStderr() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let script = try directory.write("fail", "#!/bin/sh\necho 'Unable to locate credentials. You can configure credentials by running \"aws configure\".' >&2\nexit 253\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let plugin = KubeConfig.ExecPlugin(command: script, apiVersion: Self.v1)
        #expect(throws: KubeCredentialError(
            "exec credential plugin '\(script)' exited with status 253: Unable to locate credentials. You can configure credentials by running \"aws configure\".")) {
            try ExecPluginRunner(plugin: plugin, timeout: .seconds(10), clusterInfo: nil).run()
        }
    }

    @Test func missingPluginShowsTheInstallHint() {
        let plugin = KubeConfig.ExecPlugin(
            command: "compat-no-such-credential-plugin", apiVersion: Self.v1, installHint: "Install gke-gcloud-auth-plugin: https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl\n")
        #expect(throws: KubeCredentialError(
            "exec credential plugin 'compat-no-such-credential-plugin' was not found on PATH; Install gke-gcloud-auth-plugin: https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl")) {
            try ExecPluginRunner(plugin: plugin, timeout: .seconds(10), clusterInfo: nil).run()
        }
    }

    @Test func hangingPluginIsStoppedAtTheDeadline() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let script = try directory.write("hang", "#!/bin/sh\nexec sleep 30\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let plugin = KubeConfig.ExecPlugin(command: script, apiVersion: Self.v1)
        #expect(throws: KubeCredentialError("exec credential plugin '\(script)' did not finish within 0.2 seconds; it was stopped")) {
            try ExecPluginRunner(plugin: plugin, timeout: .milliseconds(200), clusterInfo: nil).run()
        }
    }

    @Test func execTokenIsCachedUntilItsExpiryAndRefetchedAfterInvalidation() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Each run appends a line to a counter file and returns the run number as the token.
        let counter = directory.file("runs")
        let script = try directory.write("counting", """
            #!/bin/sh
            echo run >> '\(counter)'
            n=$(wc -l < '\(counter)' | tr -d ' ')
            printf '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","status":{"token":"token-%s","expirationTimestamp":"2999-01-01T00:00:00Z"}}' "$n"
            """)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let provider = BearerTokenProvider(source: .exec(KubeConfig.ExecPlugin(command: script, apiVersion: Self.v1)))
        #expect(try provider.token() == "token-1")
        #expect(try provider.token() == "token-1")
        provider.invalidate()
        #expect(try provider.token() == "token-2")
    }
}

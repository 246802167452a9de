import ArgumentParser
import CompatTransport
import Foundation

/// `compat-webhook certs`: a CA and a serving certificate for the webhook's Service, for clusters
/// without cert-manager.
struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Create a CA and a serving certificate (ECDSA P-256) for the webhook Service.",
        discussion: """
            Writes ca.crt, tls.crt and tls.key to --out and prints the base64 caBundle for the \
            MutatingWebhookConfiguration. The certificate names <service>.<namespace>.svc and \
            <service>.<namespace>.svc.cluster.local as SANs (the API server checks the first). Create the \
            Secret with: kubectl -n <namespace> create secret tls <service>-tls --cert=tls.crt --key=tls.key
            """
    )

    @Option(help: "The webhook's Service name.")
    var service: String

    @Option(help: "The Service's namespace.")
    var namespace: String

    @Option(help: "Directory to write ca.crt, tls.crt and tls.key to (created if missing).")
    var out: String

    @Option(help: "Days the serving certificate is valid.")
    var days: Int = 365

    @Option(help: "Days the CA is valid.")
    var caDays: Int = 3650

    func run() throws {
        guard days > 0, caDays >= days else {
            throw ValidationError("--days must be positive and --ca-days at least --days")
        }
        let names = ["\(service).\(namespace).svc", "\(service).\(namespace).svc.cluster.local"]
        let authority: CertificateAuthority
        let serving: IssuedCertificate
        do {
            authority = try CertificateAuthority.generate(commonName: "\(service).\(namespace) webhook CA", validity: .seconds(caDays * 86_400))
            serving = try authority.issueServingCertificate(dnsNames: names, validity: .seconds(days * 86_400))
        } catch {
            throw fail("could not create the certificates: \(error)")
        }
        do {
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            try write(authority.certificatePEM, to: "ca.crt", permissions: 0o644)
            try write(serving.certificatePEM, to: "tls.crt", permissions: 0o644)
            try write(serving.privateKeyPEM, to: "tls.key", permissions: 0o600)
        } catch {
            throw fail("could not write to \(out): \(error)")
        }
        print(Data(authority.certificatePEM.utf8).base64EncodedString())
    }

    private func write(_ text: String, to name: String, permissions: Int) throws {
        let path = (out as NSString).appendingPathComponent(name)
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: permissions]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: path)
    }

    private func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("compat-webhook: \(message)\n".utf8))
        return ExitCode(2)
    }
}

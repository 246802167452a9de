import ArgumentParser
import CompatTransport
import Foundation

/// `compat-webhook certs`: a CA and a serving certificate for the webhook's Service (clusters without
/// cert-manager), or for a webhook on this machine that `compat-run --webhook … --ca …` talks to.
struct CertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certs",
        abstract: "Create a CA and a serving certificate (ECDSA P-256) for the webhook Service or a local webhook.",
        discussion: """
            Writes ca.crt, tls.crt and tls.key to --out and prints the base64 caBundle for the \
            MutatingWebhookConfiguration. With --service and --namespace the certificate names \
            <service>.<namespace>.svc and <service>.<namespace>.svc.cluster.local (the API server checks the \
            first); each --san adds a DNS name or an IP address, e.g. --san 127.0.0.1 for a webhook started on \
            this machine. Create the Secret with: \
            kubectl -n <namespace> create secret tls <service>-tls --cert=tls.crt --key=tls.key
            """
    )

    @Option(help: "The webhook's Service name (with --namespace).")
    var service: String?

    @Option(help: "The Service's namespace (with --service).")
    var namespace: String?

    @Option(name: .customLong("san"), help: "Another DNS name or IP address the certificate is valid for (repeatable).")
    var subjectAlternativeNames: [SubjectAlternativeName] = []

    @Option(help: "Directory to write ca.crt, tls.crt and tls.key to (created if missing).")
    var out: String

    @Option(help: "Days the serving certificate is valid.")
    var days: Int = 365

    @Option(help: "Days the CA is valid.")
    var caDays: Int = 3650

    func validate() throws {
        guard (service == nil) == (namespace == nil) else {
            throw ValidationError("--service and --namespace go together: the certificate names <service>.<namespace>.svc")
        }
        guard service != nil || !subjectAlternativeNames.isEmpty else {
            throw ValidationError("name the certificate's host: --service and --namespace for a cluster, --san for a local webhook")
        }
        guard days > 0, caDays >= days else {
            throw ValidationError("--days must be positive and --ca-days at least --days")
        }
    }

    func run() throws {
        var dnsNames: [String] = []
        if let service, let namespace { dnsNames = ["\(service).\(namespace).svc", "\(service).\(namespace).svc.cluster.local"] }
        var ipAddresses: [String] = []
        for name in subjectAlternativeNames {
            switch name {
            case .dns(let host) where !dnsNames.contains(host): dnsNames.append(host)
            case .ipAddress(let address) where !ipAddresses.contains(address): ipAddresses.append(address)
            default: continue
            }
        }
        let owner = service.map { "\($0).\(namespace ?? "")" } ?? dnsNames.first ?? ipAddresses[0]
        let authority: CertificateAuthority
        let serving: IssuedCertificate
        do {
            authority = try CertificateAuthority.generate(commonName: "\(owner) webhook CA", validity: .seconds(caDays * 86_400))
            serving = try authority.issueServingCertificate(dnsNames: dnsNames, ipAddresses: ipAddresses, validity: .seconds(days * 86_400))
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

/// A `--san` value: an IP address when it parses as IPv4 or IPv6, a DNS name otherwise (the certificate
/// authority checks the name's characters and says what is wrong).
enum SubjectAlternativeName: ExpressibleByArgument, Equatable {
    case dns(String)
    case ipAddress(String)

    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { return nil }
        var v4 = in_addr()
        var v6 = in6_addr()
        self = inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1 ? .ipAddress(text) : .dns(text)
    }
}

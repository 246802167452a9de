import Foundation

/// Why a reference could not be parsed.
public struct ImageReferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    public let reference: String
    public let problem: String

    /// For sibling parsers of reference-like text (`file://` artifact locations).
    package static func invalid(_ reference: String, _ problem: String) -> ImageReferenceError {
        ImageReferenceError(reference: reference, problem: problem)
    }

    public var description: String {
        "invalid image reference '\(reference)': \(problem). Expected [registry[:port]/]repository[:tag][@sha256:<64 hex digits>], "
            + "e.g. ghcr.io/org/app:1.0 or localhost:5000/app@sha256:…"
    }
}

/// An image or artifact reference, parsed with the grammar of the OCI distribution reference
/// (`distribution/reference`) and Docker's defaults, instead of string splitting: a registry port,
/// a digest, a missing tag or a single-component name each resolve correctly (ocifit-k8s got every one
/// of these wrong, nfd-oci.md §3.5.3).
public struct ImageReference: Sendable, Hashable, CustomStringConvertible {
    /// Registry host with optional port, lower-cased: `ghcr.io`, `localhost:5000`, `[::1]:5000`,
    /// `docker.io` for Docker Hub.
    public let registry: String
    /// Repository path inside the registry: `rse-ops/lammps-matrix`, `library/ubuntu`.
    public let repository: String
    /// The tag; `latest` when neither a tag nor a digest was given.
    public let tag: String?
    /// `sha256:<64 lowercase hex>` when given; it takes precedence over the tag when fetching.
    public let digest: String?

    public init(registry: String, repository: String, tag: String?, digest: String?) {
        self.registry = registry
        self.repository = repository
        self.tag = tag
        self.digest = digest
    }

    public static let dockerHub = "docker.io"

    /// Parses `text`; throws on anything the reference grammar does not allow.
    public static func parse(_ text: String) throws(ImageReferenceError) -> ImageReference {
        func fail(_ problem: String) -> ImageReferenceError { ImageReferenceError(reference: text, problem: problem) }
        guard !text.isEmpty else { throw fail("the reference is empty") }
        guard text.utf8.count <= 1024 else { throw fail("the reference is longer than 1024 characters") }
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            throw fail("it contains whitespace, control or non-ASCII characters")
        }

        var remainder = Substring(text)
        var digest: String? = nil
        if let at = remainder.firstIndex(of: "@") {
            let candidate = String(remainder[remainder.index(after: at)...])
            if let problem = digestProblem(candidate) { throw fail(problem) }
            digest = candidate
            remainder = remainder[..<at]
        }
        return try parseName(remainder, digest: digest, text: text)
    }

    private static func parseName(_ nameAndTag: Substring, digest: String?, text: String) throws(ImageReferenceError) -> ImageReference {
        func fail(_ problem: String) -> ImageReferenceError { ImageReferenceError(reference: text, problem: problem) }
        var remainder = nameAndTag
        var tag: String? = nil
        // A ':' after the last '/' starts a tag; one before it belongs to a registry port.
        if let colon = remainder.lastIndex(of: ":"), !remainder[colon...].contains("/") {
            let candidate = String(remainder[remainder.index(after: colon)...])
            guard isValidTag(candidate) else {
                throw fail("tag '\(candidate)' is invalid (1 to 128 characters: letters, digits, '_', '.', '-', not starting with '.' or '-')")
            }
            tag = candidate
            remainder = remainder[..<colon]
        }
        guard !remainder.isEmpty else { throw fail("the repository name is missing") }
        var components = remainder.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var registry = dockerHub
        if components.count > 1, let first = components.first, looksLikeRegistry(first) {
            registry = try checkedRegistry(first, text: text)
            components.removeFirst()
        }
        if registry == "index.docker.io" || registry == "registry-1.docker.io" { registry = dockerHub }
        for component in components {
            guard !component.isEmpty else { throw fail("the repository has an empty path component (a doubled or trailing '/')") }
            guard isValidPathComponent(component) else {
                let hint = component.lowercased() != component ? "repository names must be lowercase" : "use lowercase letters and digits separated by '.', '_', '__' or '-'"
                throw fail("repository component '\(component)' is invalid: \(hint)")
            }
        }
        if registry == dockerHub && components.count == 1 { components.insert("library", at: 0) }
        let repository = components.joined(separator: "/")
        guard registry.utf8.count + 1 + repository.utf8.count <= 255 else {
            throw fail("registry plus repository is longer than 255 characters")
        }
        return ImageReference(registry: registry, repository: repository, tag: tag ?? (digest == nil ? "latest" : nil), digest: digest)
    }

    /// `registry/repository[:tag][@digest]`, with Docker Hub's defaults spelled out.
    public var description: String {
        var text = "\(registry)/\(repository)"
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        return text
    }

    /// `registry/repository` without tag or digest.
    public var name: String { "\(registry)/\(repository)" }

    /// What goes after `/manifests/`: the digest when known, else the tag.
    public var manifestReference: String { digest ?? tag ?? "latest" }

    /// The host the registry API is served from (Docker Hub's API lives on `registry-1.docker.io`).
    public var apiHost: String { registry == Self.dockerHub ? "registry-1.docker.io" : registry }

    /// The same repository at `digest` (tag kept for display).
    public func pinned(to digest: String) -> ImageReference {
        ImageReference(registry: registry, repository: repository, tag: tag, digest: digest)
    }

    /// The same repository at `tag`, without a digest.
    public func tagged(_ tag: String) -> ImageReference {
        ImageReference(registry: registry, repository: repository, tag: tag, digest: nil)
    }

    // MARK: Grammar

    /// nil when `digest` is a well-formed sha256 digest, else what is wrong with it.
    package static func digestProblem(_ digest: String) -> String? {
        guard let colon = digest.firstIndex(of: ":") else {
            return "digest '\(digest)' must have the form sha256:<64 lowercase hex digits>"
        }
        let algorithm = digest[..<colon]
        let encoded = digest[digest.index(after: colon)...]
        guard algorithm == "sha256" else {
            return "digest algorithm '\(algorithm)' is not supported (only sha256, which this client can verify)"
        }
        guard encoded.utf8.count == 64, encoded.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }) else {
            return "digest '\(digest)' must have exactly 64 lowercase hex digits after 'sha256:'"
        }
        return nil
    }

    /// Docker's rule: the first component is a registry when it has a '.' or ':' or is `localhost`.
    private static func looksLikeRegistry(_ component: String) -> Bool {
        component.contains(".") || component.contains(":") || component == "localhost" || component.hasPrefix("[")
    }

    private static func checkedRegistry(_ component: String, text: String) throws(ImageReferenceError) -> String {
        func fail(_ problem: String) -> ImageReferenceError { ImageReferenceError(reference: text, problem: problem) }
        var host = Substring(component)
        var port: Substring? = nil
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { throw fail("registry '\(component)' has an unclosed '[' IPv6 address") }
            let address = String(host[host.index(after: host.startIndex)..<close])
            var storage = in6_addr()
            guard inet_pton(AF_INET6, address, &storage) == 1 else { throw fail("registry '\(component)' has an invalid IPv6 address") }
            let after = host[host.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("registry '\(component)' has text after the IPv6 address") }
                port = after.dropFirst()
            }
            host = host[...close]
        } else if let colon = host.firstIndex(of: ":") {
            port = host[host.index(after: colon)...]
            host = host[..<colon]
            let labels = host.split(separator: ".", omittingEmptySubsequences: false)
            guard labels.allSatisfy(isValidHostLabel) else { throw fail("registry host '\(host)' is not a valid host name") }
        } else {
            let labels = host.split(separator: ".", omittingEmptySubsequences: false)
            guard labels.allSatisfy(isValidHostLabel) else { throw fail("registry host '\(host)' is not a valid host name") }
        }
        if let port {
            guard let number = Int(port), (1...65535).contains(number), port.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw fail("registry port '\(port)' must be a number from 1 to 65535")
            }
        }
        return component.lowercased()
    }

    private static func isValidHostLabel(_ label: Substring) -> Bool {
        guard !label.isEmpty, label.utf8.count <= 63, label.first != "-", label.last != "-" else { return false }
        return label.utf8.allSatisfy { isAlnum($0) || ($0 >= 0x41 && $0 <= 0x5a) || $0 == 0x2d }
    }

    /// `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`
    private static func isValidPathComponent(_ component: String) -> Bool {
        let bytes = Array(component.utf8)
        guard let first = bytes.first, let last = bytes.last, isAlnum(first), isAlnum(last) else { return false }
        var separator: [UInt8] = []
        for byte in bytes {
            if isAlnum(byte) {
                if !separator.isEmpty {
                    let text = String(decoding: separator, as: UTF8.self)
                    guard text == "." || text == "_" || text == "__" || separator.allSatisfy({ $0 == 0x2d }) else { return false }
                    separator.removeAll()
                }
            } else if byte == 0x2e || byte == 0x5f || byte == 0x2d {
                separator.append(byte)
            } else {
                return false
            }
        }
        return true
    }

    /// `[\w][\w.-]{0,127}`
    private static func isValidTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard let first = bytes.first, bytes.count <= 128, isWord(first) else { return false }
        return bytes.allSatisfy { isWord($0) || $0 == 0x2e || $0 == 0x2d }
    }

    private static func isAlnum(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) }

    private static func isWord(_ c: UInt8) -> Bool { isAlnum(c) || (c >= 0x41 && c <= 0x5a) || c == 0x5f }
}

extension ImageReference {
    /// Whether this reference names the same image as `placeholder`, the way a container runtime resolves
    /// both: Docker's defaults applied (`placeholder` = `placeholder:latest` =
    /// `docker.io/library/placeholder:latest`), and a digest pin of the placeholder's repository counts
    /// (`placeholder@sha256:…`, `placeholder:latest@sha256:…`), since a runtime would pull it as it is.
    public func isPlaceholder(_ placeholder: ImageReference) -> Bool {
        guard registry == placeholder.registry, repository == placeholder.repository else { return false }
        if let pinned = placeholder.digest, digest == pinned { return true }
        if let tag = placeholder.tag, self.tag == tag { return true }
        return digest != nil && (tag == nil || tag == placeholder.tag)
    }
}

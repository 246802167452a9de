/// A Flux view image: Flux built with Spack on one OS release and architecture, which the Flux
/// Operator copies into the application container (`/mnt/flux/view`) where it runs with the
/// **application image's** C and C++ libraries.
///
/// So the view's OS is the "host" OS of the LAMMPS experiment's platform modes, and the view works on
/// an image only if the image's glibc and libstdc++ provide every symbol version the view's binaries
/// reference (``fluxRequirement``).
public struct FluxView: Sendable, Hashable {
    /// Short name, e.g. `ubuntu-jammy-amd64`.
    public var name: String
    /// The image reference, e.g. `ghcr.io/converged-computing/flux-view-ubuntu:tag-jammy`.
    public var image: String
    public var architecture: Architecture
    /// The OS release the view was built on.
    public var operatingSystem: OperatingSystem
    /// What the view's Flux needs from the application image's libraries.
    public var fluxRequirement: RuntimeABIRequirement
    /// Whether ``fluxRequirement`` was read from real logs rather than bounded by the OS release.
    public var requirementObserved: Bool
    /// Where Spack installed the view's packages, as the logs print their paths.
    public var spack: SpackPaths

    /// Install prefixes of the view's packages: `<root>/<package>-<version>-<hash>`.
    public struct SpackPaths: Sendable, Hashable {
        /// `/opt/software/linux-ubuntu22.04-x86_64/gcc-11.4.0`.
        public var root: String
        /// `flux-core-0.55.0-q3jyqnvbwaeu3crvofbneaejdpvu4pjm`; the hash is left out where no log shows it.
        public var fluxCore: String
        public var python: String
        public var libzmq: String

        public var fluxCorePrefix: String { "\(root)/\(fluxCore)" }
        public var pythonPrefix: String { "\(root)/\(python)" }
        public var libzmqPrefix: String { "\(root)/\(libzmq)" }
    }

    /// The host a selection mode should assume for an image run with this view on a node: the view's
    /// architecture and OS, the node's GPU, the job's MPI need, and the view's Flux requirement as the
    /// runtime ABI, so selection and simulation judge an image by the same numbers.
    public func hostEnvironment(gpu: GPU = .unavailable, mpi: MPIRequirement = .any) -> HostEnvironment {
        HostEnvironment(architecture: architecture, operatingSystem: operatingSystem, gpu: gpu, mpi: mpi, runtimeABI: fluxRequirement)
    }
}

/// The Flux views the experiments can use (`artifacts/flux-views/views.yaml`).
public struct FluxViewCatalog: Sendable, Hashable {
    public var views: [FluxView]

    public init(views: [FluxView]) {
        self.views = views
    }

    public func view(named name: String) -> FluxView? {
        views.first { $0.name == name || $0.image == name }
    }

    /// The views built for an architecture, in catalog order.
    public func views(for architecture: Architecture) -> [FluxView] {
        views.filter { $0.architecture == architecture }
    }

    /// The view built on `os`'s release line for `architecture` (what `platform-version` pairs an image
    /// with), or `nil` when there is none.
    public func view(matching os: OperatingSystem, architecture: Architecture) -> FluxView? {
        views.first { $0.architecture == architecture && $0.operatingSystem.sharesReleaseLine(with: os) }
    }

    /// Decodes the catalog (YAML or JSON). Strict: unknown fields, duplicate names or images, an
    /// architecture other than amd64/arm64, a version that is not a version, or a view whose OS is
    /// missing from ``OSABITable`` without an explicit `fluxRequires` are errors naming their path.
    public init<Bytes: Collection>(decoding bytes: Bytes) throws(ArtifactDecodingError) where Bytes.Element == UInt8 {
        var root = try StrictObject(try DocumentDecoder.decode(bytes), at: FieldPath())
        var views: [FluxView] = []
        for (value, path) in try root.array("views") {
            let view = try Self.view(value, at: path)
            if views.contains(where: { $0.name == view.name }) {
                throw ArtifactDecodingError(path: path.appending("name"), problem: "view '\(view.name)' is listed twice")
            }
            if views.contains(where: { $0.image == view.image }) {
                throw ArtifactDecodingError(path: path.appending("image"), problem: "image '\(view.image)' is listed twice")
            }
            views.append(view)
        }
        try root.finish()
        self.views = views
    }

    private static func view(_ value: JSONValue, at path: FieldPath) throws(ArtifactDecodingError) -> FluxView {
        var object = try StrictObject(value, at: path)
        let name = try object.string("name")
        let image = try object.string("image")
        let architectureText = try object.string("architecture")
        guard let architecture = Architecture(normalising: architectureText), architecture == .amd64 || architecture == .arm64 else {
            throw ArtifactDecodingError(path: path.appending("architecture"), problem: "architecture must be amd64 or arm64, found '\(architectureText)'")
        }
        var osObject = try object.object("os")
        let vendor = OSVendor(id: try osObject.string("vendor"))
        let versionText = try osObject.scalarText("version")
        guard let version = Version(versionText) else {
            throw ArtifactDecodingError(path: osObject.path.appending("version"), problem: "'\(versionText)' is not a version (e.g. 22.04)")
        }
        let os = OperatingSystem(vendor: vendor, version: version, name: try osObject.optionalString("name"))
        try osObject.finish()

        let requirement: RuntimeABIRequirement
        let observed: Bool
        if var requires = try object.optionalObject("fluxRequires") {
            func version(_ key: String) throws(ArtifactDecodingError) -> Version {
                let text = try requires.scalarText(key)
                guard let v = Version(text) else {
                    throw ArtifactDecodingError(path: requires.path.appending(key), problem: "'\(text)' is not a version")
                }
                return v
            }
            requirement = RuntimeABIRequirement(glibc: try version("glibc"), glibcxx: try version("glibcxx"))
            observed = true
            try requires.finish()
        } else if let bound = RuntimeABIRequirement(builtOn: os) {
            requirement = bound
            observed = false
        } else {
            throw ArtifactDecodingError(
                path: path.appending("os"),
                problem: "\(os) is not in the OS ABI table; give 'fluxRequires: {glibc, glibcxx}' for this view"
            )
        }

        var spackObject = try object.object("spack")
        let spack = FluxView.SpackPaths(
            root: try spackObject.string("root"), fluxCore: try spackObject.string("fluxCore"),
            python: try spackObject.string("python"), libzmq: try spackObject.string("libzmq")
        )
        try spackObject.finish()
        try object.finish()
        return FluxView(
            name: name, image: image, architecture: architecture, operatingSystem: os,
            fluxRequirement: requirement, requirementObserved: observed, spack: spack
        )
    }
}

// swift-tools-version: 6.1
import PackageDescription

/// Settings shared by every Swift target: Swift 6 language mode is implied by the tools version;
/// `ExistentialAny` keeps existential costs visible.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "compat",
    platforms: [.macOS(.v14)],
    // What another Swift tool imports (README "Use it from Swift"): the pure library and selection policy,
    // admission decisions, artifact resolution and the OCI registry client, the webhook to embed, and the
    // HTTPS/libcurl shells (the benchmarks' raw echo is built on them). Kubernetes, simulation and runner
    // modules are implementation details of the executables.
    products: [
        .library(name: "CompatCore", targets: ["CompatCore"]),
        .library(name: "CompatModels", targets: ["CompatModels"]),
        .library(name: "CompatSelection", targets: ["CompatSelection"]),
        .library(name: "CompatAdmission", targets: ["CompatAdmission"]),
        .library(name: "CompatArtifacts", targets: ["CompatArtifacts"]),
        .library(name: "CompatRegistry", targets: ["CompatRegistry"]),
        .library(name: "CompatTransport", targets: ["CompatTransport"]),
        .library(name: "CompatWebhook", targets: ["CompatWebhook"]),
        .executable(name: "compat", targets: ["compat"]),
        .executable(name: "compat-webhook", targets: ["compat-webhook"]),
        .executable(name: "compat-run", targets: ["compat-run"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // MARK: Pure Swift core (no C of ours, no I/O beyond what callers pass in)
        .target(
            name: "CompatCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        .target(name: "CompatModels", dependencies: ["CompatCore"], swiftSettings: swiftSettings),
        .target(name: "CompatAdmission", dependencies: ["CompatCore", "CompatModels"], swiftSettings: swiftSettings),
        .target(name: "CompatSimulation", dependencies: ["CompatCore", "CompatModels"], swiftSettings: swiftSettings),
        /// Selection policy: which image, flux view and instance an admission gets. Pure: artifacts and
        /// models come in through protocols the shells implement.
        .target(name: "CompatSelection", dependencies: ["CompatCore", "CompatModels", "CompatAdmission"], swiftSettings: swiftSettings),

        // MARK: C libraries from Debian -dev packages, each behind a shim header
        .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd", providers: [.apt(["libmicrohttpd-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        /// GnuTLS glue libmicrohttpd needs (certificate hot reload, va_list logger): C that Swift cannot write.
        .target(name: "CMHDSupport", linkerSettings: [.linkedLibrary("gnutls"), .linkedLibrary("pthread")]),

        // MARK: Native shells over the C libraries
        .target(
            name: "CompatTransport",
            dependencies: [
                "CMicroHTTPD", "CCurl", "COpenSSL", "CZlib", "CMHDSupport", "CompatCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CompatRegistry",
            dependencies: ["CompatCore", "CompatTransport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        /// One artifact resolver (file://, OCI tag and digest, referrers) and its cache, for every tool.
        .target(
            name: "CompatArtifacts",
            dependencies: [
                "CompatCore", "CompatModels", "CompatSelection", "CompatRegistry", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CompatKube",
            dependencies: ["CompatCore", "CompatTransport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CompatWebhook",
            dependencies: [
                "CompatCore", "CompatModels", "CompatAdmission", "CompatSelection", "CompatArtifacts", "CompatTransport",
                "CompatRegistry", "CompatKube", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CompatRunner",
            dependencies: [
                "CompatCore", "CompatModels", "CompatAdmission", "CompatSimulation", "CompatTransport",
                "CompatKube", "CompatArtifacts", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Thin executables
        .executableTarget(
            name: "compat",
            dependencies: [
                "CompatCore", "CompatModels", "CompatTransport", "CompatRegistry", "CompatSimulation", "CompatSelection",
                "CompatArtifacts", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "compat-webhook",
            dependencies: [
                "CompatWebhook", "CompatTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "compat-run",
            dependencies: [
                "CompatRunner", "CompatWebhook",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .testTarget(name: "CompatCoreTests", dependencies: ["CompatCore"], swiftSettings: swiftSettings),
        .testTarget(name: "CompatModelsTests", dependencies: ["CompatModels", "CompatCore"], swiftSettings: swiftSettings),
        .testTarget(name: "CompatAdmissionTests", dependencies: ["CompatAdmission", "CompatCore", "CompatModels"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CompatSelectionTests", dependencies: ["CompatSelection", "CompatArtifacts", "CompatAdmission", "CompatCore", "CompatModels"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CompatArtifactsTests",
            dependencies: ["CompatArtifacts", "CompatSelection", "CompatRegistry", "CompatCore", "CompatModels"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "CompatSimulationTests", dependencies: ["CompatSimulation", "CompatCore", "CompatModels"], swiftSettings: swiftSettings),
        .testTarget(name: "CompatTransportTests", dependencies: ["CompatTransport"], swiftSettings: swiftSettings),
        .testTarget(name: "CompatRegistryTests", dependencies: ["CompatRegistry", "CompatTransport", "CompatCore", "compat"], swiftSettings: swiftSettings),
        .testTarget(name: "CompatKubeTests", dependencies: ["CompatKube", "CompatTransport", "CompatCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CompatWebhookTests",
            dependencies: [
                "CompatWebhook", "CompatAdmission", "CompatSelection", "CompatArtifacts", "CompatTransport", "CompatRegistry", "CompatKube",
                "CompatCore",
            ],
            swiftSettings: swiftSettings
        ),
        /// Runs the built executables end to end: exit codes, stdout, stderr.
        .testTarget(name: "CompatCLITests", dependencies: ["compat", "compat-webhook", "compat-run"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CompatRunnerTests",
            dependencies: ["CompatRunner", "CompatSimulation", "CompatCore", "CompatModels", "CompatWebhook", "CompatTransport", "CompatKube"],
            swiftSettings: swiftSettings
        ),
    ]
)

// swift-tools-version: 6.1
// Benchmarks live in their own package so that `make test` never builds them; they use the root package's
// libraries exactly as another Swift tool would. Run them with `make bench` (benchmarks/run.sh).
import PackageDescription

let package = Package(
    name: "compat-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "compat", path: ".."),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .executableTarget(
            name: "compat-bench",
            dependencies: [
                .product(name: "CompatCore", package: "compat"),
                .product(name: "CompatModels", package: "compat"),
                .product(name: "CompatAdmission", package: "compat"),
                .product(name: "CompatSelection", package: "compat"),
                .product(name: "CompatArtifacts", package: "compat"),
                .product(name: "CompatTransport", package: "compat"),
                .product(name: "CompatRegistry", package: "compat"),
                .product(name: "CompatWebhook", package: "compat"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
    ]
)

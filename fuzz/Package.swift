// swift-tools-version: 6.1
// libFuzzer targets, built by scripts/fuzz.sh (`make fuzz`) with `-sanitize=fuzzer,address`. Each target
// hands its test-one-input function to FuzzDriver. Not part of `make test`.
import PackageDescription

let package = Package(
    name: "compat-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "compat", path: "..")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzAdmissionReview", dependencies: [
            "FuzzDriver",
            .product(name: "CompatAdmission", package: "compat"), .product(name: "CompatCore", package: "compat"),
        ]),
        .executableTarget(name: "FuzzArtifactDecoders", dependencies: [
            "FuzzDriver",
            .product(name: "CompatCore", package: "compat"), .product(name: "CompatModels", package: "compat"),
        ]),
        .executableTarget(name: "FuzzJSONPatchBuilder", dependencies: [
            "FuzzDriver",
            .product(name: "CompatAdmission", package: "compat"), .product(name: "CompatCore", package: "compat"),
        ]),
    ]
)

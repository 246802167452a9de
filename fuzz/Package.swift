// swift-tools-version: 6.1
// libFuzzer targets, built by scripts/fuzz.sh (`make fuzz`) with `-sanitize=fuzzer,address`. Each target
// defines LLVMFuzzerTestOneInput and no main (libFuzzer supplies it). Not part of `make test`.
import PackageDescription

let package = Package(
    name: "compat-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "compat", path: "..")],
    targets: [
        .executableTarget(name: "FuzzAdmissionReview", dependencies: [
            .product(name: "CompatAdmission", package: "compat"), .product(name: "CompatCore", package: "compat"),
        ]),
        .executableTarget(name: "FuzzArtifactDecoders", dependencies: [
            .product(name: "CompatCore", package: "compat"), .product(name: "CompatModels", package: "compat"),
        ]),
        .executableTarget(name: "FuzzJSONPatchBuilder", dependencies: [
            .product(name: "CompatAdmission", package: "compat"), .product(name: "CompatCore", package: "compat"),
        ]),
    ]
)

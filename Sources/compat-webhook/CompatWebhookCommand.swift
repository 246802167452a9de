import ArgumentParser

/// `compat-webhook`: the mutating admission webhook that chooses images (and instance types) for
/// opted-in Pods and Flux Operator MiniClusters.
@main
struct CompatWebhookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compat-webhook",
        abstract: "Mutating admission webhook that selects compatible images for Pods and MiniClusters.",
        version: "0.1.0",
        subcommands: [ServeCommand.self, CertsCommand.self]
    )
}

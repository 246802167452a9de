import ArgumentParser

/// `compat`: image-compatibility selection from the command line.
@main
struct Compat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compat",
        abstract: "Select container images and instance types that are compatible with where they will run.",
        version: "0.1.0",
        subcommands: [
            // One line per subcommand, each defined in its own file.
            EvalCommand.self,
            MatchCommand.self,
            ExtractCommand.self,
            ValidateCommand.self,
            ClassifyLogCommand.self,
            PredictCommand.self,
            ModelCommand.self,
            ArtifactCommand.self,
        ]
    )
}

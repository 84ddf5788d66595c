import ArgumentParser
import Foundation

/// The `steward` command line: a GitOps reconciler for ML systems on Google Cloud.
@main
struct Steward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steward",
        abstract: "Reconciles an ML system on Google Cloud (or locally) with the manifests committed to git.",
        version: "0.1.0",
        subcommands: [Validate.self, PlanCommand.self, Apply.self, Serve.self, Status.self, Retry.self]
    )

    /// Runs the command; usage errors exit 1 like every other error (DESIGN §5), not 64.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                let message = fullMessage(for: error)
                FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}

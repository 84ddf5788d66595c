import ArgumentParser
import StewardCore
import StewardRuntime

/// `steward validate`: decode and check the manifests at a commit.
struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the manifests at a commit: exit 0 when valid, 1 with diagnostics otherwise."
    )

    @OptionGroup var source: SourceOptions
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.makeLogger()
        do {
            let repository = try await Composition.source(source, logger: logger)
            let desired = try await Session.load(repository, source, logger: logger)
            Session.report(desired.diagnostics)
            let resources = desired.manifests.resources.count
            if desired.diagnostics.hasErrors {
                Terminal.err(desired.diagnostics.summary)
                throw ExitCode(1)
            }
            Terminal.err("valid: \(resources) resource\(resources == 1 ? "" : "s") in \(desired.fileCount) file\(desired.fileCount == 1 ? "" : "s") at \(desired.revision.prefix(7))")
        } catch let error as ExitCode {
            throw error
        } catch {
            Terminal.err("error: \(error)")
            throw ExitCode(1)
        }
    }
}

import ArgumentParser
import Foundation
import StewardCore
import StewardRuntime

/// `steward plan`: a dry run that shows what apply would do.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what apply would do, without doing it.",
        discussion: """
        Exit codes: 0 success (with --detailed-exitcode: nothing to do, or only work in progress); \
        1 error or invalid manifests; 2 with --detailed-exitcode when there is something to do.
        """
    )

    @OptionGroup var source: SourceOptions
    @OptionGroup var global: GlobalOptions

    @Option(help: "Output format: text, json or markdown (for pull-request comments).")
    var output: OutputFormat = .text

    @Option(help: "Also save the plan to this file, for 'steward apply FILE'.")
    var out: String?

    @Flag(help: "Exit 2 when the plan has something to do.")
    var detailedExitcode = false

    func run() async throws {
        let logger = global.makeLogger()
        let plan: Plan
        do {
            let repository = try await Composition.source(source, logger: logger)
            let desired = try await Session.load(repository, source, logger: logger)
            Session.report(desired.diagnostics)
            let providers = try Composition.providers(global, desired: desired, logger: logger)
            let reconciler = Composition.reconciler(repository, path: source.manifestsPath, logger: logger)
            plan = try await reconciler.plan(desired, providers: providers, now: Terminal.now()).0
            if let out {
                try PlanFile(format: PlanFile.currentFormat, path: source.manifestsPath.value, provider: providers.kind,
                             plan: plan).write(to: out)
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            Terminal.err("error: \(error)")
            throw ExitCode(1)
        }
        let renderer = PlanRenderer()
        switch output {
        case .text: Terminal.out(renderer.text(plan))
        case .json: Terminal.out(renderer.json(plan))
        case .markdown: Terminal.out(renderer.markdown(plan))
        }
        if let out { Terminal.err("saved the plan to '\(out)'; apply it with 'steward apply \(out)'") }
        if plan.diagnostics.hasErrors {
            Terminal.err(plan.diagnostics.summary)
            throw ExitCode(1)
        }
        if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
    }
}

import ArgumentParser
import Foundation
import StewardCore
import StewardRuntime

/// `steward status`: conditions, evaluations and recent actions from the state store.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show each resource's condition, the evaluation history and recent actions."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Output format: text or json.")
    var output: StatusFormat = .text

    func run() async throws {
        _ = global.makeLogger()
        do {
            let store = try Composition.store(global)
            let report = try await StatusReport.load(from: store)
            switch output {
            case .text: Terminal.out(report.text())
            case .json: Terminal.out(report.json())
            }
        } catch {
            Terminal.err("error: \(error)")
            throw ExitCode(1)
        }
    }
}

import ArgumentParser
import Foundation
import StewardCore
import StewardRuntime

/// `steward retry KIND/NAME`: ask for a stalled (or backing-off) resource's actions to be tried again.
///
/// The request is recorded in the state store and taken up by the next reconcile of whichever process
/// writes: a running `steward serve` on its next tick, or the next `steward apply`. It takes no writer lock,
/// so a person need not stop the service.
struct Retry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Try a stalled resource's actions, or its failed check, again on the next reconcile (a running serve included).",
        discussion: """
        A resource is Stalled when an action of it failed in a way retrying cannot fix by itself (a permission \
        denied, an invalid request). Fix the cause, then run 'steward retry Pipeline/NAME'. A commit that \
        changes the resource's inputs retries it too.
        Exit codes: 0 the request is recorded; 1 error (no such resource in the state store).
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The resource, KIND/NAME (e.g. Pipeline/cifar10-training).")
    var resource: String

    func run() async throws {
        _ = global.makeLogger()
        do {
            try await request()
        } catch let error as ExitCode {
            throw error
        } catch {
            Terminal.err("error: \(error)")
            throw ExitCode(1)
        }
    }

    private func request() async throws {
        guard let id = ResourceID(parsing: resource) else {
            throw CommandFailure("'\(resource)' is not KIND/NAME; write e.g. 'Pipeline/cifar10-training'")
        }
        let store = try Composition.store(global)
        let failures = try await store.actionFailures().filter { $0.resource == id }
        let conditions = try await store.conditions()
        guard conditions.contains(where: { $0.resource == id }) || !failures.isEmpty else {
            let stalled = conditions.filter { $0.condition.type == .stalled }.map(\.resource.description)
            let hint = stalled.isEmpty ? "no resource is stalled" : "stalled: \(stalled.joined(separator: ", "))"
            throw CommandFailure("the state store knows no \(id) (\(hint))")
        }
        let by = "steward retry (pid \(getpid()) on \(ProcessInfo.processInfo.hostName))"
        try await store.requestRetry(RetryRequest(resource: id, requestedBy: by, requestedAt: Terminal.now()))
        let condition = conditions.first { $0.resource == id }?.condition
        if failures.isEmpty, condition?.type == .stalled, ["CheckFailed", "CheckCouldNotRun"].contains(condition?.reason) {
            Terminal.out("retry requested for \(id): the next reconcile runs its failed check again\n")
        } else if failures.isEmpty {
            Terminal.out("\(id) has no held action; recorded the request anyway: the next reconcile tries it as usual\n")
        } else {
            let held = failures.map { "\($0.operation.rawValue) (\($0.error.code), \($0.attempts) failed attempt\($0.attempts == 1 ? "" : "s"))" }
            Terminal.out("retry requested for \(id): \(held.joined(separator: ", ")); the next reconcile tries it again\n")
        }
    }
}

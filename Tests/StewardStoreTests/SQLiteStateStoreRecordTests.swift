import Foundation
import StewardCore
import StewardRuntime
import StewardStore
import Testing

@Suite("SQLite state store records")
struct SQLiteStateStoreRecordTests {
    let folder: TemporaryFolder
    let store: SQLiteStateStore

    init() throws {
        folder = try TemporaryFolder()
        store = try SQLiteStateStore.open(path: folder.path("state.db"))
    }

    static let pipeline = ResourceID(.pipeline, "cifar10-training")
    static let dataset = ResourceID(.dataset, "cifar10")
    static let endpoint = ResourceID(.endpoint, "cifar10")

    static func entry(_ action: String, _ phase: JournalEntry.Phase, at second: Int64, outcome: String? = nil,
                      reconcile: String = "r1") -> JournalEntry {
        JournalEntry(actionID: action, reconcileID: reconcile, resource: pipeline, operation: .runPipeline,
                     key: phase == .begin ? "key-\(action)" : nil, phase: phase, outcome: outcome,
                     detail: outcome == nil ? nil : "projects/p/pipelineJobs/\(action)",
                     at: Instant(millisecondsSinceEpoch: 1_795_919_912_000 + second * 1000))
    }

    @Test("an action begun and never ended is unfinished; an ended one is not")
    func unfinishedActions() async throws {
        let beginA = Self.entry("a", .begin, at: 1)
        let beginB = Self.entry("b", .begin, at: 2)
        let endA = Self.entry("a", .end, at: 3, outcome: "succeeded")
        for entry in [beginA, beginB, endA] { try await store.appendJournal(entry) }

        #expect(try await store.unfinishedActions() == [beginB])
    }

    @Test("an action begun again after it ended is unfinished once, as its latest attempt")
    func actionBegunAgain() async throws {
        let entries = [
            Self.entry("a", .begin, at: 1),
            Self.entry("a", .end, at: 2, outcome: "failed"),
            Self.entry("b", .begin, at: 3),                    // interrupted…
            Self.entry("a", .begin, at: 4, reconcile: "r2"),   // retried, interrupted
            Self.entry("b", .begin, at: 5, reconcile: "r2"),   // …and interrupted again
        ]
        for entry in entries { try await store.appendJournal(entry) }

        #expect(try await store.unfinishedActions() == [entries[3], entries[4]])
    }

    @Test("a journal entry written by a cancelled task is still recorded")
    func writeFromCancelledTask() async throws {
        // A service being shut down is cancelled exactly when it records how its last actions ended.
        let end = Self.entry("a", .end, at: 1, outcome: "succeeded")
        let writer = Task { [store] in
            while !Task.isCancelled { await Task.yield() }
            try await store.appendJournal(end)
        }
        writer.cancel()
        try await writer.value

        #expect(try await store.recentJournal(limit: 1) == [end])
    }

    @Test("the recent journal is newest first and limited")
    func recentJournal() async throws {
        let entries = (1...4).map { Self.entry("a\($0)", .begin, at: Int64($0)) }
        for entry in entries { try await store.appendJournal(entry) }

        #expect(try await store.recentJournal(limit: 3) == [entries[3], entries[2], entries[1]])
        #expect(try await store.recentJournal(limit: 10).count == 4)
        #expect(try await store.recentJournal(limit: 0).isEmpty)
    }

    static func failure(_ id: String, _ resource: ResourceID, terminal: Bool, attempts: Int = 1) -> ActionFailure {
        let at = Instant(millisecondsSinceEpoch: 1_795_919_912_000)
        return ActionFailure(
            changeID: id, resource: resource, operation: .runPipeline, key: "key-\(id)",
            error: RuntimeError(code: terminal ? "permission_denied" : "unavailable", message: "the API said no",
                                disposition: terminal ? .stalled : .retry, retryAfter: terminal ? nil : 30),
            attempts: attempts, firstFailedAt: at, lastFailedAt: at.adding(seconds: 60),
            nextAttemptAt: terminal ? nil : at.adding(seconds: 90))
    }

    @Test("a held action's failure is kept whole, replaced by change id, and forgotten when cleared")
    func actionFailures() async throws {
        let stalled = Self.failure("run-a", Self.pipeline, terminal: true)
        let backingOff = Self.failure("deploy-b", Self.endpoint, terminal: false)
        try await store.recordActionFailure(stalled)
        try await store.recordActionFailure(backingOff)
        #expect(Set(try await store.actionFailures()) == [stalled, backingOff])

        var again = backingOff
        again.attempts = 2
        try await store.recordActionFailure(again)
        #expect(Set(try await store.actionFailures()) == [stalled, again])

        try await store.clearActionFailures(["deploy-b", "never-recorded"])
        #expect(try await store.actionFailures() == [stalled])
        #expect(try await store.actionFailures().first?.error.isTerminal == true)
    }

    @Test("retry requests are kept in order until taken, and taken once")
    func retryRequests() async throws {
        let at = Instant(millisecondsSinceEpoch: 1_795_919_912_000)
        let first = RetryRequest(resource: Self.pipeline, requestedBy: "steward retry (pid 1 on a)", requestedAt: at)
        let second = RetryRequest(resource: Self.endpoint, requestedBy: "steward retry (pid 2 on a)", requestedAt: at.adding(seconds: 1))
        try await store.requestRetry(first)
        try await store.requestRetry(second)
        #expect(try await store.retryRequests() == [first, second])
        #expect(try await store.takeRetryRequests() == [first, second])
        #expect(try await store.takeRetryRequests().isEmpty)
    }

    @Test("reconciles a killed process left running are closed as interrupted; finished ones keep their outcome")
    func closesInterruptedReconciles() async throws {
        let start = Instant(millisecondsSinceEpoch: 1_795_919_912_000)
        try await store.beginReconcile(ReconcileRecord(id: "done", revision: "a", planDigest: "d", startedAt: start))
        try await store.finishReconcile(id: "done", outcome: .succeeded, finishedAt: start.adding(seconds: 1), summary: "ok")
        try await store.beginReconcile(ReconcileRecord(id: "killed", revision: "b", planDigest: "d", startedAt: start.adding(seconds: 2)))

        #expect(try await store.closeInterruptedReconciles(at: start.adding(seconds: 9)) == 1)
        let records = Dictionary(uniqueKeysWithValues: try await store.reconciles(limit: 10).map { ($0.id, $0) })
        #expect(records["killed"]?.outcome == .interrupted)
        #expect(records["killed"]?.finishedAt == start.adding(seconds: 9))
        #expect(records["killed"]?.summary.contains("interrupted") == true)
        #expect(records["done"]?.outcome == .succeeded)
        #expect(try await store.closeInterruptedReconciles(at: start.adding(seconds: 10)) == 0)
    }

    @Test("reconciles are listed newest first, finished ones with their outcome")
    func reconciles() async throws {
        let start = Instant(millisecondsSinceEpoch: 1_795_919_912_000)
        let first = ReconcileRecord(id: "r1", revision: String(repeating: "a", count: 40), planDigest: "d1", startedAt: start)
        let second = ReconcileRecord(id: "r2", revision: String(repeating: "b", count: 40), planDigest: "d2",
                                     startedAt: start.adding(seconds: 60))
        try await store.beginReconcile(first)
        try await store.beginReconcile(second)
        try await store.finishReconcile(id: "r1", outcome: .succeeded, finishedAt: start.adding(seconds: 30),
                                        summary: "2 actions: 2 succeeded")

        let finishedFirst = ReconcileRecord(id: "r1", revision: first.revision, planDigest: "d1", startedAt: start,
                                            finishedAt: start.adding(seconds: 30), outcome: .succeeded,
                                            summary: "2 actions: 2 succeeded")
        #expect(try await store.reconciles(limit: 10) == [second, finishedFirst])
        #expect(try await store.reconciles(limit: 1) == [second])
    }

    @Test("replacing conditions removes resources no longer listed")
    func replaceConditions() async throws {
        let at = Instant(millisecondsSinceEpoch: 1_795_919_912_000)
        let revision = String(repeating: "c", count: 40)
        let pipelineProgressing = ResourceCondition(
            resource: Self.pipeline, condition: Condition(.progressing, reason: "RunStarted", message: "run r-1 started"),
            revision: revision, updatedAt: at)
        let endpointReady = ResourceCondition(
            resource: Self.endpoint, condition: Condition(.ready, reason: "Deployed", message: "model m-1 serves 100%"),
            revision: revision, updatedAt: at)
        try await store.replaceConditions([pipelineProgressing, endpointReady])

        let pipelineStalled = ResourceCondition(
            resource: Self.pipeline,
            condition: Condition(.stalled, reason: "InexactSpanPattern", message: "spans 9 and 10 have no exact glob"),
            revision: String(repeating: "d", count: 40), updatedAt: at.adding(seconds: 60))
        let datasetReady = ResourceCondition(
            resource: Self.dataset, condition: Condition(.ready, reason: "SpansComplete", message: "3 complete spans"),
            revision: revision, updatedAt: at.adding(seconds: 60))
        try await store.replaceConditions([pipelineStalled, datasetReady])

        // Resource order: Dataset before Pipeline (dependency order of kinds).
        #expect(try await store.conditions() == [datasetReady, pipelineStalled])

        try await store.replaceConditions([])
        #expect(try await store.conditions().isEmpty)
    }

    @Test("recording the same evaluation, batch and model twice keeps the first; results are oldest first")
    func evaluations() async throws {
        let at = Instant(millisecondsSinceEpoch: 1_795_919_912_000)
        let november = EvaluationRecord(
            evaluation: "drift", batch: "gs://b/collection/2026-11", model: "projects/p/models/1", samples: 200,
            correct: 150, errors: 2, missing: 1, accuracy: 0.75, threshold: 0.8, passed: false, recordedAt: at)
        // Recorded second, with an earlier timestamp: the order is the order of recording.
        let december = EvaluationRecord(
            evaluation: "drift", batch: "gs://b/collection/2026-12", model: "projects/p/models/1", samples: 100,
            correct: 90, errors: 0, missing: 0, accuracy: 0.9, threshold: 0.8, passed: true, recordedAt: at.adding(seconds: -3600))
        var novemberAgain = november
        novemberAgain.correct = 190
        novemberAgain.accuracy = 0.95
        novemberAgain.passed = true
        novemberAgain.recordedAt = at.adding(seconds: 60)

        try await store.recordEvaluation(november)
        try await store.recordEvaluation(december)
        try await store.recordEvaluation(novemberAgain)

        #expect(try await store.evaluations() == [november, december])
    }
}

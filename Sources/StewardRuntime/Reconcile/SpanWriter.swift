import StewardCore

/// Writes a span: `_STEWARD_IN_PROGRESS` first, then the data, then `_SUCCESS` last, so that a crash
/// at any point leaves no half span counted as complete.
struct SpanWriter: Sendable {
    var objects: any ObjectStore
    var source: any Source

    func write(_ request: PrepareSpan) async throws {
        let folder = request.folder
        if try await objects.exists(folder.appending(Observer.spanSuccessMarker)) { return }
        try await objects.write(folder.appending(Observer.spanInProgressMarker), bytes: [], contentType: nil)
        switch request.source {
        case .initial(let path, _, let commit):
            let files = try await source.files(under: path, excluding: nil, at: commit)
            for file in files {
                try await objects.write(folder.appending(file.path), bytes: file.bytes, contentType: nil)
            }
        case .batch(let batch):
            throw RuntimeError(code: "unsupported", message: "spans from collection batch '\(batch)' are not supported yet",
                               disposition: .stalled)
        }
        try await objects.write(folder.appending(Observer.spanSuccessMarker), bytes: [], contentType: nil)
    }
}

import StewardCore

/// Writes a span: `_STEWARD_IN_PROGRESS` first, then the data, then `_SUCCESS` last, so that a crash
/// at any point leaves no half span counted as complete. Both markers record the span's source.
struct SpanWriter: Sendable {
    var objects: any ObjectStore
    var source: any Source

    func write(_ request: PrepareSpan) async throws {
        let folder = request.folder
        if try await objects.exists(folder.appending(RecordName.spanSuccess)) { return }
        let marker = SpanMarker(source: sourceName(request), dataset: request.dataset, span: request.span).encoded()
        try await objects.write(folder.appending(RecordName.spanInProgress), bytes: marker, contentType: "application/json")

        // An interrupted attempt may have left files this one does not write (the batch grew since, and the split
        // moved samples across sides): they go, so that no sample is in the span twice.
        let inProgress = folder.appending(RecordName.spanInProgress)
        for object in try await objects.list(folder, delimiter: nil).objects where object.uri != inProgress {
            try await objects.delete(object.uri)
        }
        switch request.source {
        case .initial(let path, _, let commit):
            let files = try await source.files(under: path, excluding: nil, at: commit)
            for file in files {
                try await objects.write(folder.appending(file.path), bytes: file.bytes, contentType: nil)
            }
        case .batch(let batch, let samples):
            // The samples stay in the collection: a crash here loses nothing, the next apply rewrites the span.
            var labelsFile: SampleLabels?
            if case .file(let name)? = request.labels {
                labelsFile = try SampleLabels.parseCSV(String(decoding: try await objects.read(batch.appending(name)), as: UTF8.self))
            }
            var loaded: [SpanBuilder.Sample] = []
            for sample in samples {
                guard let label = SampleLabels.label(for: sample.description, source: request.labels ?? .filenamePrefix,
                                                     labelsFile: labelsFile) else {
                    throw RuntimeError(code: "invalid", message: "sample '\(sample)' has no label; name it '<label>_<n>.<ext>' or list it in the labels file",
                                       disposition: .stalled)
                }
                loaded.append(SpanBuilder.Sample(name: sample.description, bytes: try await objects.read(sample), label: label))
            }
            let files: [SpanBuilder.File]
            do {
                files = try SpanBuilder.files(for: loaded, format: request.format, splits: request.splits, classes: request.classes)
            } catch {
                throw RuntimeError(code: "invalid", message: "\(error)", disposition: .stalled)
            }
            for file in files {
                try await objects.write(folder.appending(file.path), bytes: file.bytes, contentType: nil)
            }
        }
        try await objects.write(folder.appending(RecordName.spanSuccess), bytes: marker, contentType: "application/json")
    }

    private func sourceName(_ request: PrepareSpan) -> String {
        switch request.source {
        case .initial(let path, let tree, _): "initial:\(path.value)@\(tree)"
        case .batch(let batch, _): batch.description
        }
    }
}

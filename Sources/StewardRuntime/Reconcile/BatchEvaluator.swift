import StewardCore

/// Reads a finished batch prediction's outputs, judges them against the true labels and writes the record
/// beside the predictions (create-if-absent: the same model is never evaluated on the same batch twice).
struct BatchEvaluator: Sendable {
    var objects: any ObjectStore

    func evaluate(_ request: EvaluateBatch, at now: Instant) async throws -> EvaluationRecord {
        // A record already written (an apply interrupted after writing it) is the answer.
        if try await objects.exists(request.record) {
            return try EvaluationRecordFile.decode(try await objects.read(request.record))
        }
        var labelsFile: SampleLabels?
        if case .file(let name) = request.labels {
            let bytes = try await objects.read(request.batch.appending(name))
            labelsFile = try SampleLabels.parseCSV(String(decoding: bytes, as: UTF8.self))
        }
        // Predictions name their instance as the job was given it: a gs:// URI on Vertex, a local path on the
        // local provider. Samples of one batch folder are told apart by file name, which both forms end with.
        let names = request.instances.map { $0.path.split(separator: "/").last.map(String.init) ?? $0.description }
        let byFileName = Set(names).count == names.count
        var instances: [PredictionEvaluator.Instance] = []
        for (sample, name) in zip(request.instances, names) {
            // A sample without a label counts as a sample no prediction can match.
            let label = SampleLabels.label(for: sample.description, source: request.labels, labelsFile: labelsFile) ?? ""
            instances.append(PredictionEvaluator.Instance(name: byFileName ? name : sample.description, label: label))
        }
        var outputs: [PredictionEvaluator.OutputFile] = []
        for object in try await objects.list(request.predictions, delimiter: nil).objects
        where PredictionEvaluator.isPredictionOutput(name: object.name) || PredictionEvaluator.isErrorOutput(name: object.name) {
            outputs.append(PredictionEvaluator.OutputFile(name: object.name, bytes: try await objects.read(object.uri)))
        }
        let outcome = PredictionEvaluator(classes: request.classes, threshold: request.threshold)
            .evaluate(batch: instances, outputs: outputs)
        let record = outcome.record(evaluation: request.evaluation, batch: request.batch.description,
                                    model: request.modelID, recordedAt: now)
        if try await objects.create(request.record, bytes: try EvaluationRecordFile.encode(record),
                                    contentType: "application/json") {
            return record
        }
        return try EvaluationRecordFile.decode(try await objects.read(request.record))
    }
}

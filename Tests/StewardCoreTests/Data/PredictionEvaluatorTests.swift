import StewardCore
import Testing

/// Builders for evaluation cases: a batch named like the seed's collection (`<label>_<n>.jpg`).
private enum Batch {
    static let classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
    static let prefix = "gs://collect/2026-11/"

    /// `cat_0000.jpg`, `dog_0001.jpg`, … with their labels from the file names.
    static func instances(_ labels: [String]) -> [PredictionEvaluator.Instance] {
        labels.enumerated().map { i, label in
            let name = prefix + "\(label)_\(String(format: "%04d", i)).jpg"
            return PredictionEvaluator.Instance(name: name, label: SampleLabels.label(fromFileName: name)!)
        }
    }

    static func line(_ instance: PredictionEvaluator.Instance, predicts label: String) -> String {
        #"{"instance": "\#(instance.name)", "prediction": {"confidence": 0.51, "label": "\#(label)"}}"#
    }

    static func errorLine(_ instance: PredictionEvaluator.Instance, _ message: String = "no model") -> String {
        #"{"instance": "\#(instance.name)", "error": {"code": 3, "message": "\#(message)"}}"#
    }

    static func evaluate(_ batch: [PredictionEvaluator.Instance], _ lines: [String], threshold: Double = 0.9,
                         classes: [String] = classes, file: String = "prediction.results-00000-of-00001") -> EvaluationOutcome {
        let bytes = Array(lines.joined(separator: "\n").utf8)
        return PredictionEvaluator(classes: classes, threshold: threshold)
            .evaluate(batch: batch, outputs: [.init(name: "gs://out/prediction-m-2026/" + file, bytes: bytes)])
    }
}

@Suite("Evaluating batch predictions")
struct PredictionEvaluatorTests {
    let batch = Batch.instances(["cat", "dog", "ship", "frog", "cat", "truck", "bird", "horse", "deer", "airplane"])

    /// Every sample is exactly one of correct, wrong, errored or missing.
    func expectPartition(_ o: EvaluationOutcome) {
        #expect(o.correct + o.wrong + (o.errors - o.malformed) + o.missing == o.samples)
    }

    @Test("all predictions correct: accuracy 1, passes")
    func allCorrect() {
        let o = Batch.evaluate(batch, batch.map { Batch.line($0, predicts: $0.label) })
        #expect(o.samples == 10 && o.correct == 10 && o.wrong == 0 && o.errors == 0 && o.missing == 0)
        #expect(o.accuracy == 1 && o.passed)
        expectPartition(o)
    }

    @Test("all predictions wrong: accuracy 0, fails")
    func allWrong() {
        let o = Batch.evaluate(batch, batch.map { Batch.line($0, predicts: $0.label == "cat" ? "dog" : "cat") })
        #expect(o.correct == 0 && o.wrong == 10 && o.unknownLabels == 0)
        #expect(o.accuracy == 0 && !o.passed)
        expectPartition(o)
    }

    @Test("error lines count as errors, not as correct, and keep the first message")
    func errorLines() {
        var lines = batch.prefix(7).map { Batch.line($0, predicts: $0.label) }
        lines += batch.suffix(3).enumerated().map { Batch.errorLine($1, "failed \($0)") }
        let o = Batch.evaluate(batch, lines)
        #expect(o.correct == 7 && o.errors == 3 && o.malformed == 0 && o.missing == 0)
        #expect(o.accuracy == 0.7)
        #expect(o.firstError == "failed 0")
        expectPartition(o)
    }

    @Test("Vertex's documented error form with status instead of code is an error line")
    func statusErrors() {
        let line = #"{"instance": "\#(batch[0].name)", "error": {"status": "INVALID_ARGUMENT", "message": "bad \"image\""}}"#
        let o = Batch.evaluate(batch, [line])
        #expect(o.errors == 1 && o.missing == 9)
        #expect(o.firstError == #"bad "image""#)
    }

    @Test("samples without any line are missing and count against accuracy")
    func missing() {
        let o = Batch.evaluate(batch, batch.prefix(6).map { Batch.line($0, predicts: $0.label) })
        #expect(o.correct == 6 && o.missing == 4 && o.accuracy == 0.6)
        expectPartition(o)
    }

    @Test("labels outside the classes are unknown and wrong")
    func unknownLabels() {
        var lines = batch.prefix(8).map { Batch.line($0, predicts: $0.label) }
        lines.append(Batch.line(batch[8], predicts: "unicorn"))
        lines.append(Batch.line(batch[9], predicts: "Cat"))
        let o = Batch.evaluate(batch, lines)
        #expect(o.correct == 8 && o.wrong == 2 && o.unknownLabels == 2)
        expectPartition(o)
    }

    @Test("accuracy exactly at the threshold passes, just below fails",
          arguments: [(9, 0.9, true), (8, 0.9, false), (6, 0.6, true), (7, 0.7, true), (3, 0.3, true), (2, 0.3, false),
                      (10, 1.0, true), (0, 0.0, true)])
    func threshold(correct: Int, threshold: Double, passes: Bool) {
        let lines = batch.enumerated().map { i, instance in Batch.line(instance, predicts: i < correct ? instance.label : "deer_x") }
        let o = Batch.evaluate(batch, lines, threshold: threshold)
        #expect(o.correct == correct)
        #expect(o.passed == passes)
    }

    @Test("an empty batch has accuracy 0 and does not crash")
    func emptyBatch() {
        let o = Batch.evaluate([], [Batch.line(batch[0], predicts: "cat")])
        #expect(o.samples == 0 && o.accuracy == 0 && o.ignored == 1)
        #expect(!o.passed)
        let none = PredictionEvaluator(classes: [], threshold: 0.5).evaluate(batch: [], outputs: [])
        #expect(none.samples == 0 && none.accuracy == 0 && !none.passed)
    }

    @Test("both output namings are read; other files in the folder are not",
          arguments: ["prediction.results-00000-of-00001", "prediction.results-00001-of-00003", "predictions_00001.jsonl",
                      "predictions_0001.jsonl"])
    func outputNamings(name: String) {
        #expect(PredictionEvaluator.isPredictionOutput(name: "gs://out/dir/" + name))
        #expect(!PredictionEvaluator.isErrorOutput(name: name))
        let o = Batch.evaluate(batch, batch.map { Batch.line($0, predicts: $0.label) }, file: name)
        #expect(o.correct == 10)
    }

    @Test("error reports and unrelated files are told apart from predictions")
    func fileKinds() {
        #expect(PredictionEvaluator.isErrorOutput(name: "dir/prediction.errors_stats-00000-of-00001"))
        #expect(PredictionEvaluator.isErrorOutput(name: "errors_0001.jsonl"))
        for name in ["evaluation.json", "prediction.errors_stats-00000-of-00001", "predictions", "dir_predictions_1/x.txt"] {
            #expect(!PredictionEvaluator.isPredictionOutput(name: name))
        }
        let evaluator = PredictionEvaluator(classes: Batch.classes, threshold: 0.5)
        let results = batch.prefix(5).map { Batch.line($0, predicts: $0.label) }.joined(separator: "\n")
        let errors = batch.suffix(2).map { Batch.errorLine($0) } + ["('Post request fails.', 2)", ""]
        let o = evaluator.evaluate(batch: batch, outputs: [
            .init(name: "out/prediction.results-00000-of-00002", bytes: Array(results.utf8)),
            .init(name: "out/prediction.errors_stats-00000-of-00001", bytes: Array(errors.joined(separator: "\n").utf8)),
            .init(name: "out/evaluation.json", bytes: Array(#"{"instance": "x", "prediction": "cat"}"#.utf8)),
        ])
        // The aggregate statistics line names no sample: not an error of its own.
        #expect(o.correct == 5 && o.errors == 2 && o.malformed == 0 && o.missing == 3 && o.ignored == 0)
        expectPartition(o)
    }

    @Test("instances given as objects with content, gcsUri or image_path, or as key",
          arguments: ["content", "gcsUri", "image_path"])
    func instanceObjects(field: String) {
        let lines = batch.map { #"{"instance": {"mimeType": "image/jpeg", "\#(field)": "\#($0.name)"}, "prediction": "\#($0.label)"}"# }
        #expect(Batch.evaluate(batch, lines).correct == 10)
        let keyed = batch.map { #"{"key": "\#($0.name)", "prediction": {"label": "\#($0.label)"}}"# }
        #expect(Batch.evaluate(batch, keyed).correct == 10)
    }

    @Test("escaped characters in instance strings and labels are decoded before matching")
    func escapes() {
        let names = [#"gs://b/q"uote/cat_1.jpg"#, #"gs://b/back\slash/dog_2.jpg"#, "gs://b/été/ship_3.jpg", "gs://b/🐈/cat_4.jpg",
                     "gs://b/tab\there/frog_5.jpg"]
        let instances = names.map { PredictionEvaluator.Instance(name: $0, label: SampleLabels.label(fromFileName: $0)!) }
        let lines = [
            #"{"instance": "gs:\/\/b\/q\"uote\/cat_1.jpg", "prediction": {"label": "c\u0061t"}}"#,
            #"{"instance": "gs://b/back\\slash/dog_2.jpg", "prediction": {"label": "dog"}}"#,
            #"{"instance": "gs://b/\u00e9t\u00E9/ship_3.jpg", "prediction": "ship"}"#,
            #"{"instance": "gs://b/\ud83d\udc08/cat_4.jpg", "prediction": "cat"}"#,
            #"{"instance": "gs://b/tab\there/frog_5.jpg", "prediction": "frog"}"#,
        ]
        let o = Batch.evaluate(instances, lines)
        #expect(o.correct == 5 && o.ignored == 0 && o.malformed == 0)
    }

    @Test("malformed lines are errors, not crashes",
          arguments: ["not json", "{", #"{"instance": "x""#, #"{"instance": "\#(Batch.prefix)cat_0000.jpg", "prediction": "cat"} trailing"#,
                      #"["instance", "prediction"]"#, #"{"instance": "a\qb", "prediction": "cat"}"#, "{\"instance\": \"a\u{1}b\", \"prediction\": 1}",
                      #"{"instance": "\#(Batch.prefix)cat_0000.jpg"}"#, #"{"prediction": "cat"}"#, #"{"instance": 01, "prediction": "cat"}"#,
                      #"{"instance": "x", "prediction": [1, 2,]}"#, #"{"instance": "x", "prediction": tru}"#,
                      #"{"instance": "x", "prediction": "cat",}"#, #"{"instance": "x" "prediction": "cat"}"#,
                      #"{"instance": "x", "prediction": "\u12"}"#, String(repeating: "[", count: 10_000),
                      #"{"instance": "x", "prediction": "# + String(repeating: "[", count: 10_000),
                      #"{"instance": {"a": "# + String(repeating: "{\"a\": [", count: 5_000) + "1" + String(repeating: "]}", count: 5_000) + "}"])
    func malformed(line: String) {
        let o = Batch.evaluate(batch, [line, Batch.line(batch[1], predicts: "dog")])
        #expect(o.malformed == 1 && o.errors == 1)
        #expect(o.correct == 1)
        expectPartition(o)
    }

    @Test("the first line for a sample counts; later ones are duplicates")
    func duplicates() {
        let lines = [Batch.line(batch[0], predicts: "cat"), Batch.line(batch[0], predicts: "dog"),
                     Batch.line(batch[1], predicts: "cat"), Batch.line(batch[1], predicts: "dog"), Batch.errorLine(batch[1])]
        let o = Batch.evaluate(batch, lines)
        #expect(o.correct == 1 && o.wrong == 1 && o.duplicates == 3 && o.errors == 0)
        expectPartition(o)
    }

    @Test("predictions for instances outside the batch are ignored")
    func outsideBatch() {
        let lines = batch.map { Batch.line($0, predicts: $0.label) } + [
            #"{"instance": "gs://collect/2026-10/cat_0000.jpg", "prediction": "cat"}"#,
            #"{"instance": "gs://collect/2026-11/cat_0000.jpg.bak", "prediction": "cat"}"#,
            #"{"instance": "gs://elsewhere/x.jpg", "error": {"message": "x"}}"#,
        ]
        let o = Batch.evaluate(batch, lines)
        #expect(o.correct == 10 && o.ignored == 3 && o.errors == 0)
    }

    @Test("prediction shapes: label names, class indexes, scores with names, bare score arrays")
    func predictionShapes() {
        let cat = batch[0]  // true label cat = class 3
        let shapes: [(String, Bool)] = [
            (#""cat""#, true), ("3", true), ("5", false), ("3.0", false), ("-3", false), ("42", false), ("null", false),
            (#"{"label": 3}"#, true), (#"{"label": "cat", "confidence": 0.2}"#, true),
            (#"{"displayNames": ["dog", "cat"], "confidences": [0.1, 0.9], "ids": ["1", "2"]}"#, true),
            (#"{"confidences": [0.9, 0.1], "displayNames": ["dog", "cat"]}"#, false),
            (#"{"classes": ["cat", "dog"], "scores": [0.5, 0.5]}"#, true),
            (#"{"labels": ["cat"]}"#, true),
            (#"{"scores": [0, 0, 0, 1e-3, 0.0001]}"#, true),
            ("[0.01, 0.02, 0.03, 0.9, 0.04]", true), ("[0.9, 0.02, 0.03, 0.04]", false),
            ("[[0.01, 0.02, 0.03, 0.9]]", true), ("[1E-5, 2e-5, 3.5E-05, 3.6e-5]", true),
            ("[0.12345678901234567, 0.2, 0.3, 0.300000000000000001, 0.29999999999999999]", false),
            ("[]", false), (#"{"confidence": 0.9}"#, false), (#"{"label": true}"#, false),
        ]
        for (prediction, correct) in shapes {
            let line = #"{"instance": "\#(cat.name)", "prediction": \#(prediction)}"#
            let o = Batch.evaluate([cat], [line])
            #expect(o.correct == (correct ? 1 : 0), "\(prediction)")
            #expect(o.malformed == 0, "\(prediction)")
        }
    }

    @Test("without classes, the batch's own labels are the known labels")
    func noClasses() {
        let instances = [PredictionEvaluator.Instance(name: "a/3_1.png", label: "3"), .init(name: "a/7_2.png", label: "7")]
        let lines = [#"{"instance": "a/3_1.png", "prediction": 3}"#, #"{"instance": "a/7_2.png", "prediction": "8"}"#]
        let o = Batch.evaluate(instances, lines, classes: [])
        #expect(o.correct == 1 && o.wrong == 1 && o.unknownLabels == 1)
    }

    @Test("bare file names in the batch match instances by their last path component")
    func bareNames() {
        let instances = batch.map { PredictionEvaluator.Instance(name: String($0.name.split(separator: "/").last!), label: $0.label) }
        let o = Batch.evaluate(instances, batch.map { Batch.line($0, predicts: $0.label) })
        #expect(o.correct == 10)
    }

    @Test("a true label outside the classes is reported and never correct")
    func unknownTrueLabel() {
        let instances = [PredictionEvaluator.Instance(name: "x/zebra_1.jpg", label: "zebra")]
        let o = Batch.evaluate(instances, [#"{"instance": "x/zebra_1.jpg", "prediction": "zebra"}"#])
        #expect(o.unknownTrueLabels == 1 && o.correct == 0 && o.unknownLabels == 1)
    }

    @Test("CRLF line ends, blank lines, a byte order mark and no final newline are fine")
    func lineEnds() {
        let text = "\u{FEFF}" + batch.map { Batch.line($0, predicts: $0.label) }.joined(separator: "\r\n\r\n") + "   "
        let o = PredictionEvaluator(classes: Batch.classes, threshold: 1).evaluate(batch: batch, lines: Array(text.utf8))
        #expect(o.correct == 10 && o.malformed == 0 && o.passed)
    }

    @Test("the seed's notebook sample: 5 of 10 correct is 0.5")
    func seedSample() {
        let labels = batch.map(\.label)
        let lines = batch.enumerated().map { i, instance in Batch.line(instance, predicts: i % 2 == 0 ? instance.label : labels[(i + 1) % 10]) }
        let o = Batch.evaluate(batch, lines, threshold: 0.9)
        #expect(o.accuracy == 0.5 && !o.passed)
        let record = o.record(evaluation: "drift", batch: "gs://collect/2026-11", model: "m", recordedAt: Instant(millisecondsSinceEpoch: 0))
        #expect(record.samples == 10 && record.correct == 5 && record.passed == false && record.accuracy == 0.5)
    }
}

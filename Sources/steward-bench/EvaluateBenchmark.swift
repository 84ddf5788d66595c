import Foundation
import StewardCore

/// Evaluates 1,000,000 batch prediction lines against 1,000,000 samples, beside a Python peer doing the same
/// computation with the standard `json` module (and `JSONSerialization` per line as an in-process baseline).
enum EvaluateBenchmark {
    static let count = 1_000_000
    static let classes = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

    static func run() throws {
        let names = (0..<count).map { "gs://collect-bucket/2026-11/\(classes[($0 * 7) % 10])_\(String(format: "%07d", $0)).jpg" }
        // 80% correct, 15% wrong, 5% error lines, in a shuffled but fixed order.
        var text = ""
        text.reserveCapacity(count * 110)
        for k in 0..<count {
            let i = (k &* 7_919) % count
            let truth = (i * 7) % 10
            switch i % 20 {
            case 0:
                text += #"{"instance": "\#(names[i])", "error": {"code": 3, "message": "Post request fails. Cannot get predictions."}}"#
            case 1, 2, 3:
                text += #"{"instance": "\#(names[i])", "prediction": {"confidence": 0.\#(40 + i % 50), "label": "\#(classes[(truth + 1) % 10])"}}"#
            default:
                text += #"{"instance": "\#(names[i])", "prediction": {"confidence": 0.\#(50 + i % 49), "label": "\#(classes[truth])"}}"#
            }
            text += "\n"
        }
        let bytes = Array(text.utf8)
        text = ""
        print("evaluate: \(count) prediction lines, \(bytes.count / 1_000_000) MB, 10 classes")

        // Steward: true labels from the file names, then the evaluation, from bytes in memory.
        let evaluator = PredictionEvaluator(classes: classes, threshold: 0.9)
        var outcome: EvaluationOutcome?
        var best = Double.infinity
        for _ in 0..<3 {
            let (result, seconds) = measure { () -> EvaluationOutcome in
                let batch = names.map { PredictionEvaluator.Instance(name: $0, label: SampleLabels.label(fromFileName: $0)!) }
                return evaluator.evaluate(batch: batch, outputs: [.init(name: "prediction.results-00000-of-00001", bytes: bytes)])
            }
            outcome = result
            best = min(best, seconds)
        }
        guard let outcome else { return }
        print("  steward     \(format(best))  \(rate(best)) lines/s  correct \(outcome.correct) errors \(outcome.errors) "
              + "accuracy \(outcome.accuracy)")

        // Baseline in process: Foundation's JSONSerialization per line, on a fifth of the lines.
        let sample = count / 5
        let lines = bytes.split(separator: UInt8(ascii: "\n"), maxSplits: sample, omittingEmptySubsequences: true).prefix(sample)
        let (_, foundation) = measure { () -> Int in
            var correct = 0
            for line in lines {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                      let instance = object["instance"] as? String,
                      let prediction = object["prediction"] as? [String: Any],
                      let label = prediction["label"] as? String else { continue }
                if SampleLabels.label(fromFileName: instance) == label { correct += 1 }
            }
            return correct
        }
        let foundationRate = Double(sample) / foundation
        print("  JSONSerialization per line (\(sample) lines)  \(Int(foundationRate)) lines/s")

        // The Python peer: the same lines and names from temporary files; timed inside Python, around the computation.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("steward-bench-evaluate-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Data(bytes).write(to: URL(fileURLWithPath: directory + "/lines.jsonl"))
        try names.joined(separator: "\n").write(toFile: directory + "/names.txt", atomically: false, encoding: .utf8)
        try peer.write(toFile: directory + "/peer.py", atomically: false, encoding: .utf8)
        let python = ProcessInfo.processInfo.environment["STEWARD_TEST_PYTHON"] ?? "python3"
        let output = try shell("\(python) peer.py names.txt lines.jsonl", in: directory)
        let fields = output.split(separator: " ")
        guard fields.count == 4, let seconds = Double(fields[0]) else {
            print("  python peer: unexpected output '\(output)'")
            return
        }
        print("  python json \(format(seconds))  \(rate(seconds)) lines/s  correct \(fields[1]) errors \(fields[2]) accuracy \(fields[3])")
        print(String(format: "  ratio: steward is %.1fx the python peer, %.1fx JSONSerialization", seconds / best,
                     (Double(count) / best) / foundationRate))
    }

    static func rate(_ seconds: Double) -> String { String(Int(Double(count) / seconds)) }

    static let peer = #"""
    import json, sys, time
    names = open(sys.argv[1]).read().split("\n")
    raw = open(sys.argv[2], "rb").read()
    start = time.perf_counter()
    truth = {n: n.rsplit("/", 1)[-1].split("_", 1)[0] for n in names}
    seen, correct, errors = set(), 0, 0
    for line in raw.splitlines():
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            errors += 1
            continue
        instance = obj.get("instance")
        if instance not in truth or instance in seen:
            continue
        seen.add(instance)
        if "error" in obj:
            errors += 1
        elif obj["prediction"]["label"] == truth[instance]:
            correct += 1
    accuracy = correct / len(truth) if truth else 0.0
    elapsed = time.perf_counter() - start
    print(elapsed, correct, errors, accuracy)
    """#
}

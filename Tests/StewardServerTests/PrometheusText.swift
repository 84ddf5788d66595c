import Foundation

/// Parses the Prometheus text exposition with Prometheus's own Python client (`prometheus-client`, installed in
/// `.venv` by `make test`): what it accepts, Prometheus scrapes.
enum PrometheusText {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    static var python: String { ProcessInfo.processInfo.environment["STEWARD_TEST_PYTHON"] ?? "python3" }

    /// Every sample, or an error with the parser's message.
    static func parse(_ text: String) throws -> [Sample] {
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = []
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    out.append({"name": s.name, "labels": s.labels, "value": s.value})
            print(json.dumps(out))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-c", script]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ParseError(description: "prometheus_client rejected the exposition: \(String(decoding: message, as: UTF8.self))")
        }
        let objects = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] ?? []
        return objects.map {
            Sample(name: $0["name"] as? String ?? "", labels: $0["labels"] as? [String: String] ?? [:],
                   value: ($0["value"] as? NSNumber)?.doubleValue ?? .nan)
        }
    }
}

extension Array where Element == PrometheusText.Sample {
    /// The value of the sample with this name and these labels (others may be present), or nil.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        first { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }?.value
    }
}

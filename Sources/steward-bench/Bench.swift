import Foundation
import StewardCore
import StewardGit
import StewardManifests

/// Benchmarks: each prints its figures beside baselines measured in the same run. Not part of `make test`.
@main
enum Bench {
    static func main() async throws {
        let which = CommandLine.arguments.dropFirst().first ?? "all"
        if which == "all" || which == "decode" { try await DecodeBenchmark.run() }
        if which == "all" || which == "plan" { PlanBenchmark.run() }
        if which == "all" || which == "evaluate" { try EvaluateBenchmark.run() }
    }
}

/// Wall-clock seconds of a closure.
func measure<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try body()
    return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

func measureAsync<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try await body()
    return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
}

/// Peak resident memory of this process (VmHWM), in MiB.
func peakMemoryMiB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
        return kb / 1024
    }
    return 0
}

/// Runs a command, returning its standard output; fails loudly.
@discardableResult
func shell(_ command: String, in directory: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw NSError(domain: "bench", code: Int(process.terminationStatus),
                      userInfo: [NSLocalizedDescriptionKey: "command failed: \(command)"])
    }
    return String(decoding: data, as: UTF8.self)
}

func format(_ seconds: Double) -> String { String(format: "%.3f s", seconds) }

import Foundation
import StewardCore

/// A saved plan (`steward plan --out FILE`), applied exactly by `steward apply FILE`.
struct PlanFile: Codable {
    static let currentFormat = "steward.dev/plan/v1"

    var format: String
    var path: String
    var provider: ProviderKind
    var plan: Plan

    static func read(_ file: String) throws -> PlanFile {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw CommandFailure("cannot read the plan file '\(file)'; make one with 'steward plan --out \(file)'")
        }
        let decoded: PlanFile
        do {
            decoded = try JSONDecoder().decode(PlanFile.self, from: data)
        } catch {
            throw CommandFailure("'\(file)' is not a plan saved by 'steward plan --out'")
        }
        guard decoded.format == currentFormat else {
            throw CommandFailure("'\(file)' was saved in format '\(decoded.format)'; this steward reads '\(currentFormat)'; plan again")
        }
        return decoded
    }

    func write(to file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(self)
        let url = URL(fileURLWithPath: file)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url, options: .atomic)
    }
}

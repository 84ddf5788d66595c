import Foundation
import StewardRuntime
import Testing
@testable import StewardGitHub

@Suite("GitHub token")
struct GitHubTokenTests {
    static func temporaryFile(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("steward-token-\(UUID().uuidString)").path
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test("GITHUB_TOKEN wins over GITHUB_TOKEN_FILE")
    func environmentFirst() throws {
        let path = try Self.temporaryFile("from-file")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let token = try GitHubToken.resolve(environment: ["GITHUB_TOKEN": "from-env", "GITHUB_TOKEN_FILE": path])
        #expect(token == GitHubToken("from-env"))
    }

    @Test("GITHUB_TOKEN_FILE is read and trimmed")
    func fromFile() throws {
        let path = try Self.temporaryFile("  ghp_abc123\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try GitHubToken.resolve(environment: ["GITHUB_TOKEN_FILE": path])?.value == "ghp_abc123")
        #expect(try GitHubToken.resolve(environment: ["GITHUB_TOKEN": "", "GITHUB_TOKEN_FILE": path])?.value
            == "ghp_abc123")
    }

    @Test("neither set means no token")
    func none() throws {
        #expect(try GitHubToken.resolve(environment: [:]) == nil)
        #expect(try GitHubToken.resolve(environment: ["GITHUB_TOKEN": "  "]) == nil)
    }

    @Test("an unreadable or empty token file is an error naming the file")
    func badFile() throws {
        let missing = "/nonexistent/steward/token"
        let error = try #require(throws: RuntimeError.self) {
            _ = try GitHubToken.resolve(environment: ["GITHUB_TOKEN_FILE": missing])
        }
        #expect(error.message.contains("'\(missing)'"))
        let empty = try Self.temporaryFile("\n")
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: RuntimeError.self) { _ = try GitHubToken.resolve(environment: ["GITHUB_TOKEN_FILE": empty]) }
    }

    @Test("the token never shows in descriptions")
    func redacted() {
        let token = GitHubToken("ghp_supersecret")
        #expect(!"\(token)".contains("supersecret"))
        #expect(!String(reflecting: token).contains("supersecret"))
    }
}

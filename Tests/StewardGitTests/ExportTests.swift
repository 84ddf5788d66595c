import Foundation
import StewardGit
import Testing

@Suite("Export")
struct ExportTests {
    @Test("export writes the committed folder with exec bits and symlinks, without the excluded sub-path")
    func exportsFolder() async throws {
        try await Scratch.with { scratch in
            try scratch.initRepository("repo")
            try scratch.write("repo/ctx/Dockerfile", "FROM scratch\n")
            try scratch.write("repo/ctx/bin/run.sh", "#!/bin/sh\necho run\n", executable: true)
            try scratch.symlink("repo/ctx/current", to: "bin/run.sh")
            try scratch.write("repo/ctx/modules/model.py", "LAYERS = 3\n")
            try scratch.write("repo/ctx/data/x.txt", "data\n")
            try scratch.write("repo/elsewhere.txt", "not exported\n")
            let head = try #require(CommitID(hex: try scratch.commitAll("repo")))
            // Uncommitted edits must not leak into the export.
            try scratch.write("repo/ctx/Dockerfile", "FROM dirty\n")
            let repository = try GitRepository.open(at: scratch.path("repo"))

            try await repository.export(path: "ctx", excluding: "ctx/modules", at: head, to: scratch.path("out"))

            let files = FileManager.default
            #expect(try String(contentsOfFile: scratch.path("out/Dockerfile"), encoding: .utf8) == "FROM scratch\n")
            #expect(try String(contentsOfFile: scratch.path("out/data/x.txt"), encoding: .utf8) == "data\n")
            let run = try files.attributesOfItem(atPath: scratch.path("out/bin/run.sh"))
            #expect((run[.posixPermissions] as? Int) == 0o755)
            let docker = try files.attributesOfItem(atPath: scratch.path("out/Dockerfile"))
            #expect((docker[.posixPermissions] as? Int) == 0o644)
            #expect(try files.destinationOfSymbolicLink(atPath: scratch.path("out/current")) == "bin/run.sh")
            #expect(!files.fileExists(atPath: scratch.path("out/modules")))
            #expect(!files.fileExists(atPath: scratch.path("out/elsewhere.txt")))

            try await repository.export(path: "ctx/modules", at: head, to: scratch.path("modules-copy"))
            #expect(try files.contentsOfDirectory(atPath: scratch.path("modules-copy")) == ["model.py"])

            // Excluding the folder itself exports nothing, as its tree id without it is empty.
            try await repository.export(path: "ctx/modules", excluding: "ctx/modules", at: head, to: scratch.path("none"))
            #expect(try files.contentsOfDirectory(atPath: scratch.path("none")).isEmpty)

            // Exporting again over the same folder replaces files and links in place.
            try await repository.export(path: "ctx", excluding: "ctx/modules", at: head, to: scratch.path("out"))
            #expect(try files.destinationOfSymbolicLink(atPath: scratch.path("out/current")) == "bin/run.sh")
        }
    }
}

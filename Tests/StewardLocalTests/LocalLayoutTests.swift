import StewardCore
import Testing
@testable import StewardLocal

@Suite("Local layout")
struct LocalLayoutTests {
    @Test("a gs:// URI maps to a file under storage/ and back")
    func storagePaths() throws {
        let layout = LocalLayout(root: "/data/local/")
        let uri = StorageURI(bucket: "bkt", path: "pipelines/train/model.bin")
        #expect(layout.path(for: uri) == "/data/local/storage/bkt/pipelines/train/model.bin")
        #expect(layout.path(for: StorageURI(bucket: "bkt")) == "/data/local/storage/bkt")
        #expect(layout.uri(forPath: "/data/local/storage/bkt/pipelines/train/model.bin") == uri)
        #expect(layout.uri(forPath: "/data/local/runs/x") == nil)
    }

    @Test("folders of the layout")
    func folders() {
        let layout = LocalLayout(root: "/r")
        #expect(layout.images == "/r/images")
        #expect(layout.image(tree: "abc") == "/r/images/abc")
        #expect(layout.run(id: "train-1") == "/r/runs/train-1")
        #expect([layout.batch, layout.models, layout.endpoints, layout.releases] == ["/r/batch", "/r/models", "/r/endpoints", "/r/releases"])
    }

    @Test("a relative root resolves against the current directory")
    func relativeRoot() {
        #expect(LocalLayout.resolving(".steward/local", against: "/home/me/repo").root == "/home/me/repo/.steward/local")
        #expect(LocalLayout.resolving("../shared/./local", against: "/home/me/repo/").root == "/home/me/shared/local")
        #expect(LocalLayout.resolving("/abs", against: "/home").root == "/abs")
    }
}
